"""``@users`` and ``@groups``: the site's people, for coordinators; a user may read their
own entry. Shapes follow plone.restapi (``username``, ``fullname``, ``roles``, ``groups``;
a group's ``groupname``, ``title``, ``roles``, ``users``)."""

from __future__ import annotations

from pyramid.view import view_config

from ..content.base import SiteRoot
from ..security.roles import MANAGE
from .errors import ApiError
from .serialize import url_of

MAX_RESULTS = 500


def _items(base: str, names: list[str]) -> dict:
    return {"@id": base, "items": names, "items_total": len(names)}


def user_json(request, user) -> dict:
    users = request.site.users
    url = f"{url_of(request.site, request)}/@users/{user.login}"
    groups = [
        {"id": gid, "title": users.groups[gid].title}
        for gid in sorted(user.groups)
        if gid in users.groups
    ]
    return {
        "@id": url,
        "id": user.login,
        "username": user.login,
        "fullname": user.fullname,
        "email": user.email,
        "roles": sorted(user.roles),
        "groups": {"@id": f"{url}/groups", "items": groups, "items_total": len(groups)},
    }


def group_json(request, group) -> dict:
    users = request.site.users
    url = f"{url_of(request.site, request)}/@groups/{group.id}"
    members = sorted(users.memberships.get(group.id, ()))
    return {
        "@id": url,
        "id": group.id,
        "groupname": group.id,
        "title": group.title,
        "description": "",
        "roles": sorted(group.roles),
        "users": _items(f"{url}/users", members),
    }


def _matches(term: str, *values) -> bool:
    return not term or any(term in (v or "").lower() for v in values)


def _may_manage(request) -> bool:
    return bool(request.has_permission(MANAGE, request.site))


def _refuse(request):
    if request.identity is None:
        raise ApiError(401, "unauthorized", "log in first (Authorization: Bearer)")
    raise ApiError(403, "forbidden", "only coordinators may see this")


@view_config(context=SiteRoot, name="@users", request_method="GET", renderer="json")
def users_get(context, request):
    users = request.site.users
    if request.subpath:
        login = request.subpath[0]
        me = request.identity.login if request.identity is not None else None
        if login != me and not _may_manage(request):
            _refuse(request)
        user = users.get(login)
        if user is None or len(request.subpath) != 1:
            raise ApiError(404, "not_found", f"there is no user {login!r}")
        return user_json(request, user)
    if not _may_manage(request):
        _refuse(request)
    term = request.GET.get("query", "").strip().lower()
    found = [u for u in users.users.values() if _matches(term, u.login, u.fullname, u.email)]
    return [user_json(request, u) for u in found[:MAX_RESULTS]]


@view_config(context=SiteRoot, name="@groups", request_method="GET", renderer="json")
def groups_get(context, request):
    if not _may_manage(request):
        _refuse(request)
    groups = request.site.users.groups
    if request.subpath:
        group = groups.get(request.subpath[0])
        if group is None or len(request.subpath) != 1:
            raise ApiError(404, "not_found", f"there is no group {request.subpath[0]!r}")
        return group_json(request, group)
    term = request.GET.get("query", "").strip().lower()
    found = [g for g in groups.values() if _matches(term, g.id, g.title)]
    return [group_json(request, g) for g in found[:MAX_RESULTS]]
