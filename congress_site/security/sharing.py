"""Sharing (Plone's local roles), in one place for the Sharing page and the JSON API.

Who holds which local role on an object, set here or inherited from the folders above;
finding users and groups by name; changing a principal's roles. No Pyramid here: callers
pass the site's ``UserFolder`` and the actor, and get plain values back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .roles import LOCAL_ROLES, group_principal, user_principal


class SharingError(ValueError):
    """A change that cannot be made: unknown principal or role. ``code`` names it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Principal:
    id: str  # "user:lucia", "group:editors"
    kind: str  # "user" or "group"
    name: str  # the login or the group id
    title: str  # full name, or the group's title

    @property
    def label(self) -> str:
        """``Lúcia Ferreira (lucia)``: the name people know, and the one that is unique."""
        return self.title if self.title == self.name else f"{self.title} ({self.name})"


@dataclass(frozen=True)
class Inherited:
    roles: tuple[str, ...]
    source: object  # the folder above that gives them


@dataclass(frozen=True)
class SharingEntry:
    principal: Principal
    roles: tuple[str, ...]  # set on this object
    inherited: tuple[Inherited, ...]  # from the folders above, nearest first

    @property
    def inherited_roles(self) -> tuple[str, ...]:
        return tuple(sorted({r for i in self.inherited for r in i.roles}))


def principal(users, principal_id: str) -> Principal | None:
    """The user or group a principal id names, or None when there is none."""
    kind, _sep, name = principal_id.partition(":")
    if kind == "user":
        user = users.users.get(name)
        return None if user is None else Principal(principal_id, kind, name, user.fullname)
    if kind == "group":
        group = users.groups.get(name)
        return None if group is None else Principal(principal_id, kind, name, group.title)
    return None


def _folded(text: str) -> str:
    """Case and accents folded: "Lúcia" matches "lucia" and "LUCIA"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search(users, text: str, limit: int = 20) -> list[Principal]:
    """Users and groups whose name, login, group id or title contains ``text`` (any case,
    with or without accents); groups first, then by name."""
    wanted = _folded(text.strip())
    if not wanted:
        return []
    found = [
        Principal(group_principal(gid), "group", gid, group.title)
        for gid, group in users.groups.items()
        if wanted in _folded(gid) or wanted in _folded(group.title)
    ]
    found += [
        Principal(user_principal(login), "user", login, user.fullname)
        for login, user in users.users.items()
        if wanted in _folded(login) or wanted in _folded(user.fullname)
    ]
    found.sort(key=lambda p: (p.kind != "group", _folded(p.title)))
    return found[:limit]


def entries(obj, users) -> list[SharingEntry]:
    """Every principal with a local role on ``obj`` or on a folder above it, with the
    roles set here and those inherited (a principal no longer known shows by its id)."""
    here = {p: tuple(sorted(r)) for p, r in (getattr(obj, "local_roles", None) or {}).items()}
    inherited: dict[str, list[Inherited]] = {}
    node = obj.__parent__
    while node is not None:
        for pid, roles in (getattr(node, "local_roles", None) or {}).items():
            if roles:
                inherited.setdefault(pid, []).append(Inherited(tuple(sorted(roles)), node))
        node = node.__parent__
    out = []
    for pid in here.keys() | inherited.keys():
        kind, _sep, name = pid.partition(":")
        who = principal(users, pid) or Principal(pid, kind, name, name)
        out.append(SharingEntry(who, here.get(pid, ()), tuple(inherited.get(pid, ()))))
    out.sort(key=lambda e: (e.principal.kind != "group", _folded(e.principal.title)))
    return out


def check_change(users, principal_id: str, roles) -> tuple[Principal, frozenset[str]]:
    """The principal and roles of a change, or a SharingError saying what is wrong."""
    who = principal(users, principal_id)
    if who is None:
        raise SharingError("unknown_principal", f"there is no user or group {principal_id!r}")
    roles = frozenset(roles)
    unknown = sorted(roles - set(LOCAL_ROLES))
    if unknown:
        raise SharingError("unknown_role", f"unknown role(s): {', '.join(unknown)}")
    return who, roles


def share(obj, users, principal_id: str, roles, actor: str | None) -> Principal:
    """Give ``principal_id`` exactly ``roles`` on ``obj`` (none: remove it), through
    ``content.operations`` (audit log, catalog); refused with a SharingError."""
    from ..content import operations

    who, roles = check_change(users, principal_id, roles)
    operations.set_local_roles(obj, who.id, roles, actor)
    return who


def principal_id(kind: str, name: str) -> str:
    """``user:<login>`` or ``group:<id>``."""
    return user_principal(name) if kind == "user" else group_principal(name)
