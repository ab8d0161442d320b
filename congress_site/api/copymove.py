"""``@copy`` and ``@move``: POST to the folder that receives, with
``{"source": <url or path> | [<url or path>, ...]}``; the answer lists
``{"source", "target"}`` for each. Copying needs the right to view the source; moving
needs the right to delete it; both need the right to add its type here."""

from __future__ import annotations

from urllib.parse import urlsplit

from pyramid.traversal import find_resource
from pyramid.view import view_config

from ..content import operations
from ..content.base import Container, NameError_
from ..content.registry import get_type
from ..security.roles import ADD, DELETE, VIEW
from .content import json_body
from .errors import ApiError
from .serialize import url_of

MAX_SOURCES = 100


def _sources(request) -> list:
    source = json_body(request).get("source")
    sources = source if isinstance(source, list) else [source]
    if not sources or len(sources) > MAX_SOURCES or not all(isinstance(s, str) for s in sources):
        raise ApiError(
            400, "bad_request", f'send {{"source": <url or path>}} (at most {MAX_SOURCES})'
        )
    return [_resolve(request, s) for s in sources]


def _resolve(request, source: str):
    """The object at a URL of this site or at a path."""
    parts = urlsplit(source)
    path = parts.path
    if parts.scheme or parts.netloc:
        app = urlsplit(request.application_url)
        if (parts.scheme, parts.netloc) != (app.scheme, app.netloc) or not path.startswith(
            app.path
        ):
            raise ApiError(400, "bad_source", f"{source} is not on this site")
        path = path[len(app.path.rstrip("/")) :]
    try:
        obj = find_resource(request.site, path or "/")
    except KeyError as exc:
        raise ApiError(400, "bad_source", f"there is nothing at {source}") from exc
    if not request.has_permission(VIEW, obj):
        raise ApiError(400, "bad_source", f"there is nothing at {source}")
    if obj.__parent__ is None:
        raise ApiError(400, "bad_source", "the site itself cannot be copied or moved")
    return obj


def _may_add(request, obj, target) -> None:
    ct = get_type(obj.type_name)
    if ct is None or not request.has_permission(ct.add_permission, target):
        raise ApiError(403, "forbidden", f"you may not add a {obj.type_name} here")


@view_config(
    context=Container, name="@copy", request_method="POST", permission=ADD, renderer="json"
)
def copy_view(context, request):
    out = []
    for obj in _sources(request):
        _may_add(request, obj, context)
        source = url_of(obj, request)
        try:
            new = operations.copy(obj, context, request.authenticated_userid)
        except ValueError as exc:
            raise ApiError(400, "not_copyable", str(exc)) from exc
        out.append({"source": source, "target": url_of(new, request)})
    return out


@view_config(
    context=Container, name="@move", request_method="POST", permission=ADD, renderer="json"
)
def move_view(context, request):
    out = []
    for obj in _sources(request):
        if not request.has_permission(DELETE, obj):
            raise ApiError(403, "forbidden", f"you may not move {url_of(obj, request)}")
        _may_add(request, obj, context)
        source = url_of(obj, request)
        try:
            name = obj.__name__
            if obj.__parent__ is not context:  # a name taken there gets copy-of-
                name = operations.free_name(context, name)
            operations.move(obj, context, name, request.authenticated_userid)
        except (NameError_, ValueError) as exc:
            raise ApiError(400, "not_movable", str(exc)) from exc
        out.append({"source": source, "target": url_of(obj, request)})
    return out
