"""Content to JSON and JSON to content values, driven by the type schemas."""

from __future__ import annotations

import base64
import binascii
import io
from collections.abc import Mapping
from datetime import date, datetime

import colander
import deform

from ..content.registry import ContentType
from ..security.roles import VIEW
from .errors import ApiError

BASE_FIELDS = ("title", "description")


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


def serialize(obj, request, ct: ContentType | None, with_items=True) -> dict:
    data = {
        "@id": request.resource_url(obj).rstrip("/"),
        "@type": obj.type_name,
        "id": obj.__name__ or "",
        "UID": obj._p_oid.hex() if getattr(obj, "_p_oid", None) else None,
        "title": obj.title,
        "description": obj.description,
        "review_state": obj.review_state,
        "created": to_json_value(obj.created),
        "modified": to_json_value(obj.modified),
        "creator": obj.creator,
        "is_folderish": bool(obj.folderish),
    }
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
            else:
                data[name] = to_json_value(value)
    extra = getattr(obj, "json_extra", None)
    if callable(extra):
        data.update(extra(request))
    if obj.folderish and with_items:
        items = [c for c in obj.values() if request.has_permission(VIEW, c)]
        items.sort(key=lambda c: c.created)
        data["items"] = [summary(c, request) for c in items]
        data["items_total"] = len(items)
    return data


def summary(obj, request) -> dict:
    return {
        "@id": request.resource_url(obj).rstrip("/"),
        "@type": obj.type_name,
        "id": obj.__name__,
        "title": obj.title,
        "description": obj.description,
        "review_state": obj.review_state,
    }


def _json_to_cstruct(node: colander.SchemaNode, value):
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
    if isinstance(typ, colander.String) and not isinstance(value, str):
        raise colander.Invalid(node, "expected a string")
    if isinstance(typ, colander.DateTime | colander.Date) and not isinstance(value, str):
        raise colander.Invalid(node, "expected an ISO 8601 date string")
    if isinstance(typ, colander.Integer | colander.Decimal) and isinstance(value, bool):
        raise colander.Invalid(node, "expected a number")
    return value


def deserialize(ct: ContentType, data: dict, partial: bool, current=None) -> dict:
    """Validated field values from a JSON body; raises ApiError(422)."""
    schema = ct.schema()
    known = {node.name for node in schema.children}
    unknown = sorted(k for k in data if k not in known and not k.startswith("@") and k != "id")
    if unknown:
        raise ApiError(
            422,
            "invalid",
            f"unknown field(s): {', '.join(unknown)}",
            errors={k: "unknown field" for k in unknown},
        )
    appstruct, errors = {}, {}
    for node in schema.children:
        if partial and node.name not in data:
            continue
        try:
            cstruct = _json_to_cstruct(node, data.get(node.name))
            appstruct[node.name] = node.deserialize(cstruct)
        except colander.Invalid as exc:
            errors[node.name] = "; ".join(str(m) for m in exc.messages())
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
