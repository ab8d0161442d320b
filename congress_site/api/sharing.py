"""``@sharing``: who holds which local role here (GET), and changing it (POST).

The answer follows plone.restapi: ``available_roles``, ``inherit`` and one entry per user
or group with a role here, above or matching ``?search=``, whose ``roles`` map each local
role to ``true`` (given here), ``"acquired"`` (given on a parent) or ``false``."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ..content.base import Content
from ..i18n import _
from ..security import sharing
from ..security.roles import LOCAL_ROLES, SHARE
from .content import json_body
from .errors import ApiError

ROLE_TITLES = {
    "Owner": _("Owner"),
    "Editor": _("Editor"),
    "Contributor": _("Contributor"),
    "Reviewer": _("Reviewer"),
    "Reader": _("Reader"),
}
MAX_SEARCH_RESULTS = 50


@view_config(
    context=Content, name="@sharing", request_method="GET", permission=SHARE, renderer="json"
)
def sharing_get(context, request):
    users = request.site.users
    known = sharing.entries(context, users)
    shown = {e.principal.id: e for e in known if sharing.principal(users, e.principal.id)}
    # A role kept for a user or group that no longer exists is not shown.
    for found in sharing.search(users, request.GET.get("search", ""), MAX_SEARCH_RESULTS):
        shown.setdefault(found.id, sharing.SharingEntry(found, (), ()))
    entries = []
    for entry in shown.values():
        here, above = set(entry.roles), set(entry.inherited_roles)
        roles = {
            role: True if role in here else "acquired" if role in above else False
            for role in LOCAL_ROLES
        }
        who = entry.principal
        entries.append(
            {"id": who.name, "type": who.kind, "title": who.title,
             "login": who.name if who.kind == "user" else None, "roles": roles}
        )  # fmt: skip
    return {
        "available_roles": [
            {"id": role, "title": request.localizer.translate(ROLE_TITLES[role])}
            for role in LOCAL_ROLES
        ],
        "inherit": True,
        "entries": entries,
    }


def _changes(data, users) -> list[tuple[str, list[str]]]:
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise ApiError(400, "bad_request", 'send {"entries": [{"id", "type", "roles"}]}')
    if data.get("inherit", True) is not True:
        raise ApiError(400, "not_supported", "roles are always inherited from the parents here")
    changes = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("roles"), dict):
            raise ApiError(400, "bad_request", "each entry needs an id, a type and roles")
        kind, name = entry.get("type", "user"), entry.get("id")
        if kind not in ("user", "group") or not isinstance(name, str):
            raise ApiError(400, "bad_request", 'an entry\'s type is "user" or "group"')
        principal = sharing.principal_id(kind, name)
        try:
            # Every role named must exist; true gives it here, "acquired" and false do not.
            sharing.check_change(users, principal, entry["roles"])
            _who, roles = sharing.check_change(
                users, principal, [r for r, v in entry["roles"].items() if v is True]
            )
        except sharing.SharingError as exc:
            raise ApiError(400, exc.code, exc.message) from exc
        changes.append((principal, sorted(roles)))
    return changes


@view_config(context=Content, name="@sharing", request_method="POST", permission=SHARE)
def sharing_post(context, request):
    """Each entry's roles replace that principal's roles here; others are left alone."""
    users = request.site.users
    for principal, roles in _changes(json_body(request), users):
        sharing.share(context, users, principal, roles, request.authenticated_userid)
    return HTTPNoContent()
