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


def _search(users, term: str) -> list[str]:
    term = term.strip().lower()
    if not term:
        return []
    found = [
        f"user:{login}"
        for login, user in users.users.items()
        if term in login or term in (user.fullname or "").lower()
    ]
    found += [
        f"group:{gid}"
        for gid, group in users.groups.items()
        if term in gid or term in (group.title or "").lower()
    ]
    return found[:MAX_SEARCH_RESULTS]


@view_config(
    context=Content, name="@sharing", request_method="GET", permission=SHARE, renderer="json"
)
def sharing_get(context, request):
    users = request.site.users
    here = sharing.local_roles(context)
    above: dict[str, set] = {}
    for principal, roles, _where in sharing.inherited_roles(context):
        above.setdefault(principal, set()).update(roles)
    shown = list(dict.fromkeys([*here, *above, *_search(users, request.GET.get("search", ""))]))
    entries = []
    for principal in shown:
        found = sharing.holder(users, principal)
        if found is None:
            continue  # a role kept for a user or group that no longer exists
        roles = {}
        for role in LOCAL_ROLES:
            if role in here.get(principal, ()):
                roles[role] = True
            elif role in above.get(principal, ()):
                roles[role] = "acquired"
            else:
                roles[role] = False
        entries.append(
            {"id": found.id, "type": found.kind, "title": found.title, "login": found.id
             if found.kind == "user" else None, "roles": roles}
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
        principal = sharing.principal_of(kind, name)
        if sharing.holder(users, principal) is None:
            raise ApiError(400, "unknown_principal", f"there is no {kind} {name!r}")
        try:
            # true gives the role here; "acquired" and false do not.
            roles = sharing.check_roles(r for r, v in entry["roles"].items() if v is True)
        except sharing.SharingError as exc:
            raise ApiError(400, "unknown_role", str(exc)) from exc
        unknown = set(entry["roles"]) - set(LOCAL_ROLES)
        if unknown:
            raise ApiError(400, "unknown_role", f"unknown role(s): {', '.join(sorted(unknown))}")
        changes.append((principal, roles))
    return changes


@view_config(context=Content, name="@sharing", request_method="POST", permission=SHARE)
def sharing_post(context, request):
    """Each entry's roles replace that principal's roles here; others are left alone."""
    users = request.site.users
    for principal, roles in _changes(json_body(request), users):
        sharing.share(context, users, principal, roles, request.authenticated_userid)
    return HTTPNoContent()
