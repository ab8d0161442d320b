"""Content to JSON and JSON to content values, driven by the type schemas.

The shape follows plone.restapi: the object's own keys, its fields (rich text as
``{"data", "content-type", "encoding"}``), ``parent``, ``@components`` and, for folders,
one batch of ``items``. A client may send back what it was given: the keys it cannot
change are ignored, any other unknown key is refused with a 400 naming it."""

from __future__ import annotations

import base64
import binascii
import html
import io
from collections.abc import Mapping
from datetime import date, datetime

import colander
import deform

from .. import chrome
from ..content.base import uid_of
from ..content.registry import ContentType, get_type
from .errors import ApiError

BASE_FIELDS = ("title", "description")
RICH_TEXT_TYPES = ("text/html", "text/plain")
# Keys of the shape that are not fields: a PATCH or POST may carry them back unchanged.
SHAPE_KEYS = frozenset(
    {
        "id",
        "UID",
        "review_state",
        "created",
        "modified",
        "creator",
        "creators",
        "is_folderish",
        "parent",
        "type_title",
        "layout",
        "subjects",
        "effective",
        "expires",
        "language",
        "items",
        "items_total",
        "batching",
    }
)


def to_json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Mapping):  # a history entry's previous values
        return {k: to_json_value(v) for k, v in value.items()}
    if hasattr(value, "filename") and hasattr(value, "mimetype"):  # a file's blob
        return {"filename": value.filename, "content-type": value.mimetype}
    return value


def rich_text(value: str | None) -> dict:
    return {"data": value or "", "content-type": "text/html", "encoding": "utf-8"}


def url_of(obj, request) -> str:
    return request.resource_url(obj).rstrip("/")


def type_title(obj, request) -> str:
    ct = get_type(obj.type_name)
    return request.localizer.translate(ct.title) if ct is not None else obj.type_name


def summary(obj, request) -> dict:
    return {
        "@id": url_of(obj, request),
        "@type": obj.type_name,
        "id": obj.__name__ or "",
        "title": obj.title,
        "description": obj.description,
        "review_state": obj.review_state,
    }


def own_keys(obj, request) -> dict:
    """The keys every object has, whatever its type (its summary and its metadata)."""
    data = summary(obj, request)
    data.update(
        {
            "UID": uid_of(obj),
            "created": to_json_value(obj.created),
            "modified": to_json_value(obj.modified),
            "creator": obj.creator,
            "creators": [obj.creator] if obj.creator else [],
            "is_folderish": bool(obj.folderish),
            "type_title": type_title(obj, request),
            "layout": "view",
            "subjects": sorted(getattr(obj, "subjects", ()) or ()),
            "effective": to_json_value(getattr(obj, "effective", None)),
            "expires": to_json_value(getattr(obj, "expires", None)),
            "language": getattr(obj, "language", None) or "",
        }
    )
    return data


def serialize(obj, request, ct: ContentType | None, with_items=True, listing=None) -> dict:
    from .components import component_links

    data = own_keys(obj, request)
    parent = obj.__parent__
    data["parent"] = summary(parent, request) if parent is not None else {}
    if ct is not None:
        for name in ct.field_names():
            if name in BASE_FIELDS:
                continue
            value = getattr(obj, name, None)
            if name == "file":
                data["file"] = (
                    None
                    if value is None
                    else {
                        "filename": value.filename,
                        "content-type": value.mimetype,
                        "size": value.size,
                        "download": request.resource_url(obj, "@@download"),
                    }
                )
            elif name in ct.rich_text:
                data[name] = rich_text(value)
            else:
                data[name] = to_json_value(value)
    extra = getattr(obj, "json_extra", None)
    if callable(extra):
        data.update(extra(request))
    data["@components"] = component_links(obj, request)
    if obj.folderish and with_items:
        from .listing import Listing, answer, sort_objects

        listing = listing or Listing()
        children = sort_objects(chrome.visible_children(obj, request), listing)
        page = children[listing.start : listing.start + listing.size]
        data.update(answer(request, page, len(children), listing))
    return data


def listing_item(obj, request, listing) -> dict:
    """One item of a listing: the whole object with ``fullobjects``, else its summary
    plus the ``metadata_fields`` asked for (``_all`` for every key objects share)."""
    if listing.fullobjects:
        return serialize(obj, request, get_type(obj.type_name), with_items=False)
    if not listing.metadata_fields:
        return summary(obj, request)
    keys = own_keys(obj, request)
    if "_all" in listing.metadata_fields:
        return keys
    item = summary(obj, request)
    item.update({k: keys[k] for k in listing.metadata_fields if k in keys})
    return item


def readonly_keys(obj, request, ct: ContentType) -> frozenset:
    """Keys a client may send back unchanged without an error: they are ignored."""
    keys = set(SHAPE_KEYS) | set(ct.readonly)
    extra = getattr(obj, "json_extra", None) if obj is not None else None
    if callable(extra):
        keys |= set(extra(request))
    return frozenset(keys) - set(ct.field_names())


def _rich_text_value(node, value):
    """A rich text value: an HTML string, or plone.restapi's ``{"data", "content-type"}``;
    plain text becomes paragraphs."""
    if not isinstance(value, dict):
        return value
    data, mimetype = value.get("data"), value.get("content-type") or "text/html"
    if not isinstance(data, str):
        raise colander.Invalid(node, 'expected {"data": "<text>", "content-type": "text/html"}')
    if mimetype not in RICH_TEXT_TYPES:
        raise colander.Invalid(node, f"content-type must be one of {', '.join(RICH_TEXT_TYPES)}")
    if mimetype == "text/plain":
        paragraphs = [p for p in data.replace("\r\n", "\n").split("\n\n") if p.strip()]
        data = "".join(
            "<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs
        )
    return data


def _json_to_cstruct(node: colander.SchemaNode, value, rich: bool):
    """JSON values to the strings colander's widgets would have sent."""
    typ = node.typ
    if value is None:
        return colander.null
    if isinstance(typ, deform.FileData):
        if not isinstance(value, dict) or not isinstance(value.get("data"), str):
            raise colander.Invalid(node, 'expected {"data": <base64>, "filename": ...}')
        try:
            raw = base64.b64decode(value["data"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise colander.Invalid(node, "data is not valid base64") from exc
        return {
            "fp": io.BytesIO(raw),
            "filename": str(value.get("filename") or "file"),
            "mimetype": value.get("content-type"),
            "uid": None,
        }
    if rich:
        value = _rich_text_value(node, value)
    if isinstance(typ, colander.String) and not isinstance(value, str):
        raise colander.Invalid(node, "expected a string")
    if isinstance(typ, colander.Set) and not (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    ):
        raise colander.Invalid(node, "expected a list of strings")
    if isinstance(typ, colander.DateTime | colander.Date) and not isinstance(value, str):
        raise colander.Invalid(node, "expected an ISO 8601 date string")
    if isinstance(typ, colander.Integer | colander.Decimal) and isinstance(value, bool):
        raise colander.Invalid(node, "expected a number")
    return value


def _unchanged_file(node, value) -> bool:
    """The file description a GET gave (no ``data``): the client keeps the file."""
    return isinstance(node.typ, deform.FileData) and isinstance(value, dict) and "data" not in value


def _message(message) -> str:
    """colander's messages are translation strings: fill in their ``${...}``."""
    interpolate = getattr(message, "interpolate", None)
    return interpolate() if interpolate is not None else str(message)


def deserialize(
    ct: ContentType, data: dict, partial: bool, current=None, tolerated=frozenset()
) -> dict:
    """Validated field values from a JSON body; raises ApiError (400 for unknown keys,
    422 for invalid values). Keys in ``tolerated`` are ignored."""
    schema = ct.schema()
    known = {node.name for node in schema.children}
    unknown = sorted(
        k
        for k in data
        if k not in known and k not in tolerated and not k.startswith("@") and k != "id"
    )
    if unknown:
        raise ApiError(
            400,
            "unknown_field",
            f"unknown field(s): {', '.join(unknown)}",
            errors={k: "unknown field" for k in unknown},
        )
    appstruct, errors = {}, {}
    for node in schema.children:
        if partial and (node.name not in data or _unchanged_file(node, data[node.name])):
            continue
        try:
            cstruct = _json_to_cstruct(node, data.get(node.name), node.name in ct.rich_text)
            appstruct[node.name] = node.deserialize(cstruct)
        except colander.Invalid as exc:
            errors[node.name] = "; ".join(_message(m) for m in exc.messages())
    if not errors and schema.validator is not None:
        merged = {}
        if current is not None:
            merged = {n.name: getattr(current, n.name, None) for n in schema.children}
        merged.update(appstruct)
        try:
            schema.validator(schema, merged)
        except colander.Invalid as exc:
            errors.update({k or "": v for k, v in exc.asdict().items()})
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
        raise ApiError(422, "invalid", message, errors=errors)
    if partial:
        return appstruct
    return {k: v for k, v in appstruct.items() if v is not colander.null}
