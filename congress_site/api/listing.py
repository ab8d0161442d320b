"""Listings of the JSON API (folder items and ``@search`` results), as plone.restapi makes
them: batched with ``b_start``/``b_size`` and a ``batching`` block of links, sorted with
``sort_on``/``sort_order``, each item a summary plus the ``metadata_fields`` asked for, or
the whole object with ``fullobjects``. No listing is ever unbounded."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ..content.base import order_key
from .errors import ApiError

DEFAULT_SIZE = 25
MAX_SIZE = 500
# plone.restapi's sort keys; sortable_title is Plone's name for sorting by title.
SORT_KEYS = {
    "title": lambda obj: (obj.title or "").casefold(),
    "sortable_title": lambda obj: (obj.title or "").casefold(),
    "created": lambda obj: obj.created,
    "modified": lambda obj: obj.modified,
    "getObjPositionInParent": order_key,
}
SORT_ORDERS = {"ascending": False, "descending": True, "reverse": True}
# Plone's catalog metadata names for keys of this site's summaries.
METADATA_ALIASES = {
    "Creator": "creator",
    "Title": "title",
    "Description": "description",
    "portal_type": "@type",
    "getId": "id",
    "Subject": "subjects",
    "Type": "type_title",
}


@dataclass(frozen=True)
class Listing:
    start: int = 0
    size: int = DEFAULT_SIZE
    sort_on: str | None = None
    reverse: bool = False
    metadata_fields: tuple[str, ...] = ()
    fullobjects: bool = False


def _integer(params, name: str, default: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"{name} must be a whole number") from exc


def listing_params(request) -> Listing:
    """The listing the query string asks for; a 400 names what is wrong."""
    params = request.GET
    start = max(_integer(params, "b_start", 0), 0)
    size = _integer(params, "b_size", DEFAULT_SIZE)
    if size < 1:
        raise ApiError(400, "bad_request", "b_size must be at least 1")
    sort_on = params.get("sort_on") or None
    if sort_on is not None and sort_on not in SORT_KEYS:
        raise ApiError(400, "bad_request", f"sort_on must be one of {', '.join(sorted(SORT_KEYS))}")
    order = params.get("sort_order") or "ascending"
    if order not in SORT_ORDERS:
        raise ApiError(400, "bad_request", "sort_order must be ascending or descending")
    fields = tuple(METADATA_ALIASES.get(f, f) for f in params.getall("metadata_fields"))
    full = params.get("fullobjects")
    return Listing(
        start=start,
        size=min(size, MAX_SIZE),
        sort_on=sort_on,
        reverse=SORT_ORDERS[order],
        metadata_fields=fields,
        fullobjects=full is not None and full.lower() not in ("0", "false"),
    )


def sort_objects(objects: list, listing: Listing, default: str = "getObjPositionInParent"):
    key = SORT_KEYS[listing.sort_on or default]
    return sorted(objects, key=key, reverse=listing.reverse)


def _link(request, start: int) -> str:
    params = [(k, v) for k, v in request.GET.items() if k != "b_start"]
    params.append(("b_start", str(start)))
    return f"{request.path_url}?{urlencode(params)}"


def batching(request, total: int, listing: Listing) -> dict | None:
    """plone.restapi's batching block; None when everything fits in one batch."""
    size, start = listing.size, listing.start
    if total <= size and start == 0:
        return None
    block = {
        "@id": _link(request, start),
        "first": _link(request, 0),
        "last": _link(request, max(total - 1, 0) // size * size),
    }
    if start + size < total:
        block["next"] = _link(request, start + size)
    if start > 0:
        block["prev"] = _link(request, max(start - size, 0))
    return block


def answer(request, page: list, total: int, listing: Listing) -> dict:
    """``items``, ``items_total`` and, when batched, ``batching`` for one page of objects."""
    from .serialize import listing_item

    out = {
        "items": [listing_item(obj, request, listing) for obj in page],
        "items_total": total,
    }
    block = batching(request, total, listing)
    if block is not None:
        out["batching"] = block
    return out
