"""Sharing: who holds which local role on an object, and giving or taking them.

The Sharing page and the JSON API's ``@sharing`` both read and write through here, so
they accept the same principals and roles and record changes the same way."""

from __future__ import annotations

from dataclasses import dataclass

from .roles import LOCAL_ROLES, group_principal, user_principal


class SharingError(ValueError):
    """A principal or role that does not exist."""


@dataclass(frozen=True)
class Holder:
    principal: str  # "user:<login>" or "group:<id>"
    kind: str  # "user" or "group"
    id: str
    title: str


def holder(users, principal: str) -> Holder | None:
    """The user or group a principal names, or None when there is none."""
    kind, _sep, name = principal.partition(":")
    if kind == "user":
        user = users.users.get(name)
        return Holder(principal, kind, name, user.fullname) if user is not None else None
    if kind == "group":
        group = users.groups.get(name)
        return Holder(principal, kind, name, group.title) if group is not None else None
    return None


def principal_of(kind: str, name: str) -> str:
    return user_principal(name) if kind == "user" else group_principal(name)


def all_principals(users) -> list[str]:
    return [user_principal(u) for u in users.users.keys()] + [
        group_principal(g) for g in users.groups.keys()
    ]


def local_roles(obj) -> dict[str, list[str]]:
    """The roles given on ``obj`` itself, by principal."""
    return {p: sorted(r) for p, r in sorted((obj.local_roles or {}).items())}


def inherited_roles(obj) -> list[tuple[str, list[str], object]]:
    """``(principal, roles, where)`` for the roles given on the parents of ``obj``."""
    out = []
    node = obj.__parent__
    while node is not None:
        for principal, roles in (getattr(node, "local_roles", None) or {}).items():
            out.append((principal, sorted(roles), node))
        node = node.__parent__
    return out


def check_roles(roles) -> list[str]:
    roles = set(roles)
    unknown = sorted(set(roles) - set(LOCAL_ROLES))
    if unknown:
        raise SharingError(f"unknown role(s): {', '.join(unknown)}")
    return sorted(set(roles))


def share(obj, users, principal: str, roles, actor: str | None) -> None:
    """Give ``principal`` exactly ``roles`` on ``obj`` (none: take them all away)."""
    from ..content import operations

    if holder(users, principal) is None:
        raise SharingError(f"unknown user or group: {principal}")
    operations.set_local_roles(obj, principal, check_roles(roles), actor)
