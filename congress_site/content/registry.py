"""The content type registry: each type is declared once, here, and the add,
edit, view, delete and JSON API views are all derived from that declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import colander

_TYPES: dict[str, ContentType] = {}


@dataclass(frozen=True)
class ContentType:
    name: str  # the "@type" of the JSON API, e.g. "Page"
    factory: type
    schema: Callable[[], colander.SchemaNode]
    title: str
    add_permission: str = "add"
    # Type names of containers this type may be added to.
    addable_to: tuple[str, ...] = ("Site", "Folder")
    workflow: str | None = "simple_publication"
    # Fields that hold sanitised rich text (HTML).
    rich_text: tuple[str, ...] = ()
    # Fields shown read-only: set by the system, never by forms or the API.
    readonly: tuple[str, ...] = field(default=())
    view_template: str = "congress_site:templates/content/view.pt"
    # Whether a copy made from the schema's fields is a whole copy: false for types that
    # keep state outside their fields (a session's proposals, a member's ledger).
    copyable: bool = False

    @property
    def folderish(self) -> bool:
        return bool(getattr(self.factory, "folderish", False))

    def field_names(self) -> list[str]:
        return [node.name for node in self.schema().children]


def content_type(**declaration):
    """Class decorator registering a content type; see ContentType."""

    def register(cls):
        ct = ContentType(factory=cls, **declaration)
        cls.type_name = ct.name
        _TYPES[ct.name] = ct
        return cls

    return register


def get_type(name: str) -> ContentType | None:
    return _TYPES.get(name)


def registered_types() -> list[ContentType]:
    return list(_TYPES.values())


def addable_types(container, can_add: Callable[[ContentType], bool]) -> list[ContentType]:
    """Types that may be added in `container` and that the caller may add."""
    if not getattr(container, "folderish", False):
        return []
    return [ct for ct in _TYPES.values() if container.type_name in ct.addable_to and can_add(ct)]
