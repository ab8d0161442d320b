"""``@search``: the catalog, filtered by what the caller may view, batched like a folder.

Criteria: ``SearchableText``, ``portal_type``, ``review_state``, the context's path (and
``path.depth``: 1 for its children only); ``sort_on``/``sort_order`` (without ``sort_on``
a text search is ranked by relevance, any other by last modification, newest first)."""

from __future__ import annotations

from pyramid.traversal import resource_path
from pyramid.view import view_config

from ..content.base import Content
from ..security.policy import search_principals
from ..security.roles import VIEW
from .errors import ApiError
from .listing import answer, listing_params

# The catalog's indexes for plone.restapi's sort keys.
CATALOG_SORTS = {
    "title": "title",
    "sortable_title": "title",
    "created": "created",
    "modified": "modified",
    "getObjPositionInParent": "position",
}


def _depth(params) -> int | None:
    value = params.get("path.depth")
    if value in (None, "", "-1"):
        return None
    try:
        depth = int(value)
    except ValueError as exc:
        raise ApiError(400, "bad_request", "path.depth must be a whole number") from exc
    if depth < 0:
        raise ApiError(400, "bad_request", "path.depth must be -1 (any), 0 or more")
    return depth


@view_config(
    context=Content, name="@search", request_method="GET", permission=VIEW, renderer="json"
)
def api_search(context, request):
    params = request.params
    listing = listing_params(request)
    text = params.get("SearchableText", "").strip()[:200] or None
    types = params.getall("portal_type") or None
    states = params.getall("review_state") or None
    if listing.sort_on is not None:
        sort, reverse = CATALOG_SORTS[listing.sort_on], listing.reverse
    else:
        sort, reverse = (None if text else "modified"), True
    try:
        total, objects = request.site.catalog.search(
            request.site,
            search_principals(request.identity),
            text=text,
            types=types,
            states=states,
            path=resource_path(context),
            depth=_depth(params),
            sort=sort,
            reverse=reverse,
            limit=listing.start + listing.size,
        )
    except Exception as exc:  # hypatia's text query parser
        raise ApiError(400, "bad_query", f"cannot search for this text: {exc}") from exc
    out = {"@id": request.url}
    out.update(answer(request, objects[listing.start :], total, listing))
    return out
