"""``@types``: the types that may be added here, and each type's JSON Schema.

The schema is generated from the type registry's colander schema, the one the add and
edit forms and the API's validation use, so a form is described once: a client draws
the same fields, titles, widgets and limits as the site's own forms."""

from __future__ import annotations

from datetime import date, datetime

import colander
import deform
from pyramid.view import view_config

from ..content.base import Content
from ..content.registry import addable_types, get_type, registered_types
from ..security.roles import VIEW
from .components import component
from .errors import ApiError
from .serialize import url_of

# colander types to JSON Schema types and plone.restapi's field factories.
JSON_TYPES = (
    (colander.Boolean, {"type": "boolean", "factory": "Yes/No"}),
    (colander.Integer, {"type": "integer", "factory": "Integer"}),
    (colander.Float, {"type": "number", "factory": "Floating-point number"}),
    (colander.Decimal, {"type": "number", "factory": "Floating-point number"}),
    (colander.DateTime, {"type": "string", "format": "date-time", "widget": "datetime",
                         "factory": "Date/Time"}),
    (colander.Date, {"type": "string", "format": "date", "widget": "date", "factory": "Date"}),
    (colander.Time, {"type": "string", "format": "time", "factory": "Time"}),
    (colander.Set, {"type": "array", "uniqueItems": True, "factory": "Multiple Choice"}),
    (colander.List, {"type": "array", "factory": "List"}),
    (deform.FileData, {"type": "object", "widget": "file", "factory": "File Upload"}),
    (colander.String, {"type": "string", "factory": "Text line (String)"}),
)  # fmt: skip


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


def _constraints(validator) -> dict:
    """JSON Schema keywords for the colander validators it can express."""
    out = {}
    if isinstance(validator, colander.All):
        for v in validator.validators:
            out.update(_constraints(v))
    elif isinstance(validator, colander.Length):
        if validator.min:
            out["minLength"] = validator.min
        if validator.max is not None:
            out["maxLength"] = validator.max
    elif isinstance(validator, colander.Range):
        if validator.min is not None:
            out["minimum"] = validator.min
        if validator.max is not None:
            out["maximum"] = validator.max
    elif isinstance(validator, colander.OneOf):
        out["enum"] = list(validator.choices)
    elif isinstance(validator, colander.Email):
        out["format"] = "email"
    elif isinstance(validator, colander.Regex):
        out["pattern"] = validator.match_object.pattern
    return out


def _widget(node, request) -> dict:
    widget = getattr(node, "widget", None)
    if widget is None:
        return {}
    if isinstance(widget, deform.widget.TextAreaWidget):
        rich = "richtext" in (widget.css_class or "")
        return {"widget": "richtext" if rich else "textarea"}
    if isinstance(widget, deform.widget.HiddenWidget):
        return {"widget": "hidden"}
    values = getattr(widget, "values", None)
    if isinstance(widget, deform.widget.SelectWidget | deform.widget.CheckboxChoiceWidget):
        choices = [[v, request.localizer.translate(t)] for v, t in values or ()]
        kind = "select" if isinstance(widget, deform.widget.SelectWidget) else "checkbox"
        return {"widget": kind, "choices": choices}
    if isinstance(widget, deform.widget.FileUploadWidget):
        return {"widget": "file"}
    name = type(widget).__name__.removesuffix("Widget").lower()
    return {"widget": name} if name else {}


def field_schema(node, request, readonly: bool = False) -> dict:
    translate = request.localizer.translate
    prop = {}
    for typ, keywords in JSON_TYPES:
        if isinstance(node.typ, typ):
            prop.update(keywords)
            break
    else:
        prop.update({"type": "string", "factory": type(node.typ).__name__})
    prop["title"] = translate(node.title) if node.title else node.name
    prop["description"] = translate(node.description) if node.description else ""
    constraints = _constraints(node.validator)
    if prop["type"] == "array" and "enum" in constraints:
        constraints = {}  # a set's validator judges the whole set, not its items
    prop.update(constraints)
    prop.update(_widget(node, request))
    if prop["type"] == "array":
        item = {"type": "string"}
        if "choices" in prop:
            item["enum"] = [v for v, _t in prop["choices"]]
        prop["items"] = item
    missing = node.missing
    if missing not in (colander.required, colander.drop, colander.null, None):
        prop["default"] = _json(missing)
    if readonly:
        prop["readonly"] = True
    return prop


def type_schema(ct, request) -> dict:
    schema = ct.schema().bind(request=request)
    fields = [node for node in schema.children]
    return {
        "title": request.localizer.translate(ct.title),
        "type": "object",
        "properties": {
            node.name: field_schema(node, request, node.name in ct.readonly) for node in fields
        },
        "required": [node.name for node in fields if node.required],
        "fieldsets": [
            {
                "id": "default",
                "title": "Default",
                "behavior": "plone",
                "fields": [node.name for node in fields],
            }
        ],
        "layouts": ["view"],
    }


@component("types")
def types_info(context, request) -> list[dict]:
    """Every type, with whether the caller may add it here."""
    base = url_of(context, request)
    addable = {
        ct.name
        for ct in addable_types(
            context, lambda ct: request.has_permission(ct.add_permission, context)
        )
    }
    return [
        {
            "@id": f"{base}/@types/{ct.name}",
            "id": ct.name,
            "title": request.localizer.translate(ct.title),
            "addable": ct.name in addable,
            "immediately_addable": ct.name in addable,
        }
        for ct in registered_types()
    ]


@view_config(context=Content, name="@types", request_method="GET", permission=VIEW, renderer="json")
def api_types(context, request):
    if not request.subpath:
        return types_info(context, request)
    if len(request.subpath) != 1 or get_type(request.subpath[0]) is None:
        raise ApiError(404, "not_found", f"there is no type {'/'.join(request.subpath)!r}")
    return type_schema(get_type(request.subpath[0]), request)
