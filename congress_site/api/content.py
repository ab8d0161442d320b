"""plone.restapi-style content endpoints: GET, POST, PATCH and DELETE on content URLs.

Also home to the JSON body readers every API view uses (``json_body``, ``json_object``)."""

from __future__ import annotations

import json

from pyramid.httpexceptions import HTTPForbidden, HTTPNoContent
from pyramid.view import view_config

from ..cache import mark_cacheable
from ..content import operations
from ..content.base import Container, Content, NameError_
from ..content.registry import get_type
from ..security.roles import DELETE, EDIT, VIEW
from . import MAX_JSON_BODY
from .errors import ApiError
from .listing import listing_params
from .serialize import deserialize, readonly_keys, serialize


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


def wants_representation(request) -> bool:
    """``Prefer: return=representation``: answer a write with the object (RFC 7240)."""
    prefer = request.headers.get("Prefer", "")
    return any(p.strip() == "return=representation" for p in prefer.split(","))


@view_config(context=Content, request_method="GET", permission=VIEW, api=True, renderer="json")
def get_content(context, request):
    mark_cacheable(request)
    listing = listing_params(request)
    return serialize(context, request, get_type(context.type_name), listing=listing)


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
    values = deserialize(ct, data, partial=False, tolerated=readonly_keys(None, request, ct))
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


@view_config(context=Content, request_method="PATCH", permission=EDIT, api=True, renderer="json")
def patch_content(context, request):
    data = json_body(request, limit=MAX_FILE_BODY)
    ct = get_type(context.type_name)
    if ct is None:
        raise ApiError(400, "not_editable", "this object has no editable fields")
    _check_size(request, ct)
    ordering = data.pop("ordering", None)
    values = deserialize(
        ct, data, partial=True, current=context, tolerated=readonly_keys(context, request, ct)
    )
    try:
        operations.edit(context, values, request.authenticated_userid)
    except operations.EditRefused as exc:
        raise ApiError(409, "refused", str(exc), errors=exc.errors) from exc
    except ValueError as exc:
        raise ApiError(422, "invalid", str(exc)) from exc
    if ordering is not None:
        _reorder(context, ordering)
    if wants_representation(request):
        return serialize(context, request, ct, listing=listing_params(request))
    return HTTPNoContent()


def _reorder(context, ordering) -> None:
    """plone.restapi's ``{"ordering": {"obj_id", "delta", "subset_ids"?}}``."""
    if not context.folderish:
        raise ApiError(400, "bad_request", "only a folder's items can be ordered")
    if not isinstance(ordering, dict) or not isinstance(ordering.get("obj_id"), str):
        raise ApiError(
            400, "bad_request", 'ordering is {"obj_id": "...", "delta": "top"|"bottom"|<n>}'
        )
    subset = ordering.get("subset_ids")
    if subset is not None and not (
        isinstance(subset, list) and all(isinstance(i, str) for i in subset)
    ):
        raise ApiError(400, "bad_request", "subset_ids must be a list of ids")
    try:
        context.reorder(ordering["obj_id"], ordering.get("delta"), subset)
    except NameError_ as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, "bad_request", str(exc)) from exc


@view_config(context=Content, request_method="DELETE", permission=DELETE, api=True)
def delete_content(context, request):
    if context.__parent__ is None:
        raise ApiError(400, "not_deletable", "the site itself cannot be deleted")
    operations.delete(context, request.authenticated_userid)
    return HTTPNoContent()
