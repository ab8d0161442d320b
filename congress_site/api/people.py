"""``@users`` and ``@groups``: the site's people, for coordinators; a user may read their
own entry and change their name and email. Shapes follow plone.restapi (``username``,
``fullname``, ``roles``, ``groups``; a group's ``groupname``, ``title``, ``roles``,
``users``). Every change goes to the audit log, as from the Users and Groups pages."""

from __future__ import annotations

import re

import colander
from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ..content.base import SiteRoot
from ..members.rules import login_problem
from ..security.login import client_address
from ..security.passwords import password_problems
from ..security.roles import GLOBAL_ROLES, MANAGE
from ..security.users import GROUP_ID_RE, UserError
from .content import json_body
from .errors import ApiError
from .serialize import url_of

# colander's rule for an email address, the one the Users page applies.
EMAIL_RE = re.compile(colander.EMAIL_RE)

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


# -- changes ------------------------------------------------------------------------------------
def _known_keys(data: dict, allowed: set[str]) -> dict:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, "unknown_field", f"unknown field(s): {', '.join(unknown)}")
    return data


def _string(data: dict, key: str, default: str = "", limit: int = 200) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or len(value) > limit:
        raise ApiError(422, "invalid", f"{key} must be a string of at most {limit} characters")
    return value.strip()


def _email(data: dict) -> str:
    email = _string(data, "email")
    if email and not EMAIL_RE.match(email):
        raise ApiError(422, "invalid", "email is not an email address", errors={"email": "invalid"})
    return email


def _roles(data: dict) -> list[str]:
    roles = data.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ApiError(422, "invalid", "roles must be a list of role names")
    unknown = sorted(set(roles) - set(GLOBAL_ROLES))
    if unknown:
        raise ApiError(422, "invalid", f"unknown role(s): {', '.join(unknown)}")
    return sorted(set(roles))


def _audit(request, action: str, **details) -> None:
    request.site.audit.add(action, request.authenticated_userid, client_address(request), **details)


@view_config(
    context=SiteRoot, name="@users", request_method="POST", permission=MANAGE, renderer="json"
)
def users_post(context, request):
    """``{"username", "password", "fullname"?, "email"?, "roles"?}``: 201 with the user."""
    data = _known_keys(json_body(request), {"username", "password", "fullname", "email", "roles"})
    login = _string(data, "username").lower()
    password = data.get("password")
    if not isinstance(password, str):
        raise ApiError(400, "bad_request", "send a username and a password")
    users = request.site.users
    problem = login_problem(login)
    if problem:
        raise ApiError(422, "invalid", problem)
    if users.get(login) is not None:
        raise ApiError(409, "exists", f"the login {login!r} is taken")
    problems = password_problems(password, login)
    if problems:
        message = request.localizer.translate(problems[0])
        raise ApiError(422, "invalid", message, errors={"password": message})
    roles = _roles(data)
    try:
        user = users.add_user(login, password, _string(data, "fullname"), _email(data), roles)
    except UserError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    _audit(request, "user_added", login=login, roles=roles)
    request.response.status = 201
    request.response.headers["Location"] = user_json(request, user)["@id"]
    return user_json(request, user)


@view_config(context=SiteRoot, name="@users", request_method="PATCH")
def users_patch(context, request):
    """``{"fullname"?, "email"?, "roles"?}``: a user changes their name and email,
    coordinators those of anyone and the roles too. 204."""
    if len(request.subpath) != 1:
        raise ApiError(404, "not_found", "PATCH /@users/<login>")
    login = request.subpath[0]
    manager = _may_manage(request)
    me = request.identity.login if request.identity is not None else None
    if login != me and not manager:
        _refuse(request)
    user = request.site.users.get(login)
    if user is None:
        raise ApiError(404, "not_found", f"there is no user {login!r}")
    allowed = {"fullname", "email", "roles"} if manager else {"fullname", "email"}
    data = _known_keys(json_body(request), allowed)
    if "fullname" in data:
        user.fullname = _string(data, "fullname") or login
    if "email" in data:
        request.site.users.set_email(user, _email(data))
    if "roles" in data:
        before = sorted(user.roles)
        user.roles = frozenset(_roles(data))
        _audit(request, "roles_changed", login=login, roles=sorted(user.roles), previous=before)
    return HTTPNoContent()


@view_config(
    context=SiteRoot, name="@groups", request_method="POST", permission=MANAGE, renderer="json"
)
def groups_post(context, request):
    """``{"groupname", "title"?, "roles"?, "users"?: [<login>]}``: 201 with the group."""
    data = _known_keys(json_body(request), {"groupname", "title", "roles", "users"})
    gid = _string(data, "groupname").lower()
    users = request.site.users
    if not GROUP_ID_RE.match(gid):
        raise ApiError(422, "invalid", "use 2 to 64 lowercase letters, digits, '.', '_', '@', '-'")
    if gid in users.groups:
        raise ApiError(409, "exists", f"the group {gid!r} exists")
    members = _logins(users, data.get("users", []))
    roles = _roles(data)
    group = users.add_group(gid, _string(data, "title"), roles)
    for login in members:
        users.join(login, gid)
    _audit(request, "group_added", group=gid, roles=roles, members=members)
    request.response.status = 201
    request.response.headers["Location"] = group_json(request, group)["@id"]
    return group_json(request, group)


def _logins(users, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(422, "invalid", "users must be a list of logins")
    unknown = sorted(v for v in value if users.get(v) is None)
    if unknown:
        raise ApiError(422, "invalid", f"unknown login(s): {', '.join(unknown)}")
    return sorted(set(value))


@view_config(context=SiteRoot, name="@groups", request_method="PATCH", permission=MANAGE)
def groups_patch(context, request):
    """``{"title"?, "roles"?, "users"?: {<login>: true | false}}`` (plone.restapi's way to add
    and remove members). 204."""
    users = request.site.users
    group = users.groups.get(request.subpath[0]) if len(request.subpath) == 1 else None
    if group is None:
        raise ApiError(404, "not_found", "PATCH /@groups/<existing group id>")
    data = _known_keys(json_body(request), {"title", "roles", "users"})
    changes = data.get("users", {})
    if not isinstance(changes, dict) or not all(isinstance(v, bool) for v in changes.values()):
        raise ApiError(422, "invalid", 'users must be like {"ana": true, "bob": false}')
    _logins(users, list(changes))
    if "title" in data:
        group.title = _string(data, "title") or group.id
    if "roles" in data:
        group.roles = frozenset(_roles(data))
    current = set(users.memberships.get(group.id, ()))
    for login, member in sorted(changes.items()):
        if member and login not in current:
            users.join(login, group.id)
        elif not member and login in current:
            users.leave(login, group.id)
    _audit(request, "group_changed", group=group.id, roles=sorted(group.roles), users=changes)
    return HTTPNoContent()
