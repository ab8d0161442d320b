"""plone.restapi-style content endpoints: GET/POST/PATCH/DELETE on content
URLs, @login, @logout, @workflow, @search, @history."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPForbidden, HTTPNoContent
from pyramid.view import view_config

from ..cache import mark_cacheable
from ..content import operations
from ..content.base import Container, Content, NameError_, SiteRoot
from ..content.registry import get_type
from ..security.login import attempt_login, client_address
from ..security.roles import DELETE, EDIT, VIEW, VIEW_HISTORY
from ..security.tokens import API_TOKEN_LIFETIME
from ..workflow import WorkflowError, transition
from . import MAX_JSON_BODY
from .errors import ApiError
from .serialize import deserialize, serialize, to_json_value


def json_body(request, limit: int = MAX_JSON_BODY) -> dict:
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    # pyramid_retry replays the request after a conflict: read the body from its start,
    # or a retried write would see an empty body (and answer 4xx for a valid request).
    if request.is_body_seekable:
        request.body_file_raw.seek(0)
    raw = request.body_file.read(limit + 1)
    if len(raw) > limit:
        raise ApiError(413, "too_large", f"the body is larger than {limit} bytes")
    return json_object(raw)


def json_object(raw: bytes) -> dict:
    """A request body that must be a JSON object (empty: ``{}``); raises ``ApiError``."""
    import json

    try:
        data = json.loads(raw.decode("utf-8")) if raw else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "the body must be a JSON object")
    return data


# Files come base64-encoded inside JSON; everything else must stay small.
MAX_FILE_BODY = 70 * 1024 * 1024


def _check_size(request, ct) -> None:
    if "file" not in ct.field_names() and len(request.body) > MAX_JSON_BODY:
        raise ApiError(413, "too_large", f"the body is larger than {MAX_JSON_BODY} bytes")


@view_config(context=Content, request_method="GET", permission=VIEW, api=True, renderer="json")
def get_content(context, request):
    mark_cacheable(request)
    return serialize(context, request, get_type(context.type_name))


@view_config(context=Container, request_method="POST", api=True, renderer="json")
def create_content(context, request):
    data = json_body(request, limit=MAX_FILE_BODY)
    type_name = data.get("@type")
    ct = get_type(type_name) if isinstance(type_name, str) else None
    if ct is None:
        raise ApiError(400, "unknown_type", f"unknown @type: {type_name!r}")
    _check_size(request, ct)
    if context.type_name not in ct.addable_to:
        raise ApiError(400, "not_addable", f"a {ct.name} cannot be added to a {context.type_name}")
    if not request.has_permission(ct.add_permission, context):
        raise HTTPForbidden()
    values = deserialize(ct, data, partial=False)
    name = data.get("id")
    if name is not None:
        try:
            context.check_name(name)
        except NameError_ as exc:
            raise ApiError(400, "bad_id", str(exc)) from exc
    try:
        obj = operations.create(context, ct.name, values, request.authenticated_userid, name=name)
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    request.response.status = 201
    request.response.headers["Location"] = request.resource_url(obj)
    return serialize(obj, request, ct)


@view_config(context=Content, request_method="PATCH", permission=EDIT, api=True)
def patch_content(context, request):
    data = json_body(request, limit=MAX_FILE_BODY)
    ct = get_type(context.type_name)
    if ct is None:
        raise ApiError(400, "not_editable", "this object has no editable fields")
    _check_size(request, ct)
    values = deserialize(ct, data, partial=True, current=context)
    try:
        operations.edit(context, values, request.authenticated_userid)
    except operations.EditRefused as exc:
        raise ApiError(409, "refused", str(exc), errors=exc.errors) from exc
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    return HTTPNoContent()


@view_config(context=Content, request_method="DELETE", permission=DELETE, api=True)
def delete_content(context, request):
    if context.__parent__ is None:
        raise ApiError(400, "not_deletable", "the site itself cannot be deleted")
    operations.delete(context, request.authenticated_userid)
    return HTTPNoContent()


@view_config(context=SiteRoot, name="@login", request_method="POST", renderer="json")
def api_login(context, request):
    data = json_body(request)
    login, password = data.get("login"), data.get("password")
    if not isinstance(login, str) or not isinstance(password, str):
        raise ApiError(400, "bad_request", 'send {"login": "...", "password": "..."}')
    result = attempt_login(request.site, login, password, client_address(request))
    if result.retry_after:
        raise ApiError(
            429, "throttled", "too many failed attempts", retry_after=int(result.retry_after) + 1
        )
    if not result.ok:
        raise ApiError(401, "login_failed", "wrong login or password")
    token = request.site.tokens.issue("api", API_TOKEN_LIFETIME, login=result.user.login)
    return {"token": token}


@view_config(context=SiteRoot, name="@logout", request_method="POST", renderer="json")
def api_logout(context, request):
    identity = request.identity
    if identity is None or not identity.via_token:
        raise ApiError(400, "no_token", "log out needs the bearer token to revoke")
    request.site.tokens.revoke(identity.token)
    return HTTPNoContent()


@view_config(
    context=Content, name="@workflow", request_method="POST", permission=VIEW, renderer="json"
)
def api_workflow(context, request):
    if len(request.subpath) != 1:
        raise ApiError(400, "bad_request", "POST <url>/@workflow/<transition>")
    try:
        t = transition(context, request, request.subpath[0])
    except WorkflowError as exc:
        status = 403 if exc.code == "forbidden" else 400
        raise ApiError(status, exc.code, exc.message) from exc
    request.site.catalog.index_subtree(context)
    return {
        "review_state": t.target,
        "action": t.name,
        "time": to_json_value(context.history[-1]["time"]),
    }


@view_config(
    context=Content, name="@workflow", request_method="GET", permission=VIEW, renderer="json"
)
def api_workflow_info(context, request):
    from ..workflow import transitions_for

    return {
        "review_state": context.review_state,
        "transitions": [
            {
                "@id": request.resource_url(context, "@workflow", t.name).rstrip("/"),
                "title": request.localizer.translate(t.title),
            }
            for t in transitions_for(context, request)
        ],
    }


@view_config(
    context=Content, name="@search", request_method="GET", permission=VIEW, renderer="json"
)
def api_search(context, request):
    from pyramid.traversal import resource_path

    from ..security.policy import search_principals

    params = request.params
    try:
        limit = min(int(params.get("b_size", 25)), 500)
        start = max(int(params.get("b_start", 0)), 0)
    except ValueError as exc:
        raise ApiError(400, "bad_request", "b_size and b_start must be integers") from exc
    text = params.get("SearchableText", "").strip()[:200] or None
    types = params.getall("portal_type") or None
    states = params.getall("review_state") or None
    try:
        total, objects = request.site.catalog.search(
            request.site,
            search_principals(request.identity),
            text=text,
            types=types,
            states=states,
            path=resource_path(context),
            sort=None if text else "modified",
            limit=start + limit,
        )
    except Exception as exc:  # hypatia's text query parser
        raise ApiError(400, "bad_query", f"cannot search for this text: {exc}") from exc
    from .serialize import summary

    return {
        "@id": request.url,
        "items_total": total,
        "items": [summary(o, request) for o in objects[start : start + limit]],
    }


@view_config(
    context=Content, name="@history", request_method="GET", permission=VIEW_HISTORY, renderer="json"
)
def api_history(context, request):
    out = []
    for index, entry in enumerate(context.history):
        item = {k: to_json_value(v) for k, v in entry.items()}
        item["version"] = index
        out.append(item)
    return list(reversed(out))
