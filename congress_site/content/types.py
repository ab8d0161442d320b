"""The site's basic content types: Folder, Page, News item, Event, File, Image."""

from __future__ import annotations

import zoneinfo
from html.parser import HTMLParser

import colander
import deform

from ..i18n import _
from .base import Container, Item
from .registry import content_type

MAX_TITLE = 200
MAX_TEXT = 200_000
TIMEZONES = sorted(zoneinfo.available_timezones())
_default_timezone = "UTC"


def configure_default_timezone(zone: str | None) -> None:
    """The site's default time zone (the ``site.default_timezone`` setting): what a new
    event or congress session gets unless another is chosen."""
    global _default_timezone
    zone = zone or "UTC"
    if zone not in TIMEZONES:
        raise ValueError(f"site.default_timezone: unknown time zone {zone!r}")
    _default_timezone = zone


def default_timezone() -> str:
    return _default_timezone


def base_schema() -> colander.Schema:
    schema = colander.Schema()
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="title",
            title=_("Title"),
            validator=colander.Length(min=1, max=MAX_TITLE),
        )
    )
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="description",
            title=_("Summary"),
            missing="",
            validator=colander.Length(max=2000),
            widget=deform.widget.TextAreaWidget(rows=3),
        )
    )
    return schema


class _Images(HTMLParser):
    """The ``alt`` of every image in a piece of HTML (None when it has none)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alts: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def images_have_alt(node, value) -> None:
    """Every image in rich text needs its alternative text (for those who cannot see it):
    forms and the JSON API refuse one without it, whatever editor wrote the HTML."""
    images = _Images()
    images.feed(value or "")
    images.close()
    if any(not (alt or "").strip() for alt in images.alts):
        raise colander.Invalid(
            node,
            _("Every image needs a text alternative: describe what it shows for those who "
              "cannot see it."),
        )  # fmt: skip


def rich_text_node(name="text", title=None) -> colander.SchemaNode:
    return colander.SchemaNode(
        colander.String(),
        name=name,
        title=title or _("Text"),
        missing="",
        validator=colander.All(colander.Length(max=MAX_TEXT), images_have_alt),
        widget=deform.widget.TextAreaWidget(rows=12, css_class="richtext"),
        description=_(
            "Every image needs its alternative text. Scripts and unsafe markup are removed."
        ),
    )


def choice_node(name, title, values, missing) -> colander.SchemaNode:
    """A field whose value is one of `values`, shown as a select box."""
    values = list(values)
    return colander.SchemaNode(
        colander.String(),
        name=name,
        title=title,
        missing=missing,
        validator=colander.OneOf(values),
        widget=deform.widget.SelectWidget(values=[(v, v) for v in values]),
    )


def timezone_node() -> colander.SchemaNode:
    node = choice_node("timezone", _("Time zone"), TIMEZONES, default_timezone())
    node.default = default_timezone()  # what the add form shows selected
    return node


def folder_schema():
    return base_schema()


def page_schema():
    schema = base_schema()
    schema.add(rich_text_node())
    return schema


def news_schema():
    schema = page_schema()
    schema.add(
        colander.SchemaNode(
            colander.DateTime(),
            name="effective",
            title=_("Publication date"),
            missing=None,
        )
    )
    return schema


def _event_validator(node, value):
    if value["end"] < value["start"]:
        exc = colander.Invalid(node, _("The end must not be before the start."))
        exc["end"] = _("The end must not be before the start.")
        raise exc


def event_schema():
    schema = base_schema()
    schema.validator = _event_validator
    schema.add(colander.SchemaNode(colander.DateTime(), name="start", title=_("Start")))
    schema.add(colander.SchemaNode(colander.DateTime(), name="end", title=_("End")))
    schema.add(timezone_node())
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="location",
            title=_("Location"),
            missing="",
            validator=colander.Length(max=300),
        )
    )
    schema.add(rich_text_node())
    return schema


class MemoryTmpStore(dict):
    """Holds an upload between a failed form submission and its re-display."""

    def preview_url(self, uid):
        return None


TMPSTORE = MemoryTmpStore()


def file_schema():
    schema = base_schema()
    schema["title"].missing = ""
    schema.add(
        colander.SchemaNode(
            deform.FileData(),
            name="file",
            title=_("File"),
            widget=deform.widget.FileUploadWidget(TMPSTORE),
        )
    )
    return schema


@content_type(
    name="Folder",
    copyable=True,
    title=_("Folder"),
    schema=folder_schema,
    addable_to=("Site", "Folder"),
)
class Folder(Container):
    pass


@content_type(
    name="Page",
    copyable=True,
    title=_("Page"),
    schema=page_schema,
    rich_text=("text",),
)
class Page(Item):
    text = ""


@content_type(
    name="News Item",
    copyable=True,
    title=_("News item"),
    schema=news_schema,
    rich_text=("text",),
)
class NewsItem(Item):
    text = ""
    effective = None


@content_type(
    name="Event",
    copyable=True,
    title=_("Event"),
    schema=event_schema,
    rich_text=("text",),
)
class Event(Item):
    text = ""
    location = ""
    timezone = "UTC"


@content_type(
    name="File",
    copyable=True,
    title=_("File"),
    schema=file_schema,
    view_template="congress_site:templates/content/file.pt",
)
class File(Item):
    file = None  # a congress_site.content.blobs.BlobFile


def _image_validator(node, value):
    data = value.get("file")
    mimetype = (data or {}).get("mimetype") or ""
    if data and not mimetype.startswith("image/"):
        exc = colander.Invalid(node, _("This file is not an image."))
        exc["file"] = _("This file is not an image.")
        raise exc


def image_schema():
    schema = file_schema()
    schema.validator = _image_validator
    return schema


@content_type(
    name="Image",
    copyable=True,
    title=_("Image"),
    schema=image_schema,
    view_template="congress_site:templates/content/file.pt",
)
class Image(File):
    pass
