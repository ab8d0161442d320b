"""Who a scribe acts for: the one rule every scribe action goes through.

A scribe action comes in by one of three ways: the JSON API (a scribe's bearer token, or
the browser session of a scribe page whose script calls the API), the scribe page's plain
forms (the browser session) and the WSGI shortcut in ``scribe_shortcut`` (a bearer token,
not yet looked up). Each way hands its credentials to ``actions.perform`` as a ``Scribe``;
the group is decided by ``acting_group`` in the transaction that commits the action, so a
group removed or merged while the action waited is seen, and a rule added there holds for
every way in. Pages (the scribe screen) call the same function to show the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pyramid.traversal import resource_path

from ..content.base import find_root, in_site


@dataclass(frozen=True)
class Scribe:
    """The credentials of a scribe action.

    ``claims``: ``{"session": <resource path>, "group": <group id>}`` as the security
    policy read them from a scribe token or a scribe's browser session (``None``: no
    credentials at all; empty: someone who is no scribe, such as a logged-in user).
    ``token``: a bearer token not looked up yet (the shortcut has no identity); it is
    looked up in the committing transaction. ``path``: the resource path
    the request's URL names, when the session was not found by traversal (the shortcut)."""

    claims: Mapping | None = None
    token: str | None = None
    path: str | None = None

    @classmethod
    def of(cls, request) -> Scribe:
        identity = request.identity
        if identity is None:
            return cls()
        return cls(claims=identity.scribe or {})  # a user, or another session's scribe

    @classmethod
    def of_group(cls, session, group_id: str) -> Scribe:
        """Acting as ``group_id`` (scripts, tests, the demo)."""
        return cls(claims={"session": resource_path(session), "group": group_id})


class NotActing(Exception):
    """The credentials do not act for a group of this session; ``status`` and ``code`` for
    the answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def acting_group(session, scribe: Scribe):
    """The active ``Group`` ``scribe`` acts for in ``session``, or raises ``NotActing``."""
    claims = scribe.claims
    if scribe.token is not None:
        claims = find_root(session).tokens.lookup(scribe.token, "scribe")
    if claims is None:
        raise NotActing(401, "unauthorized", "join the session first (scribe token or session)")
    here = resource_path(session)
    if (scribe.path is not None and scribe.path != here) or not in_site(session):
        raise NotActing(404, "not_found", "there is no session at this address any more")
    if claims.get("session") != here:
        raise NotActing(403, "forbidden", "only a group's scribe of this session may do this")
    group = session.resolve_group(claims.get("group"))
    if group is None:
        raise NotActing(403, "forbidden", "this group was removed from the session")
    return group
