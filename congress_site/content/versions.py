"""Versions of a content object, read from its history: every field at any version, the
difference between two versions, and reverting to one.

Each change of fields ("created", "edited", "reverted") is a history entry; its index in
``obj.history`` is the version's number (the JSON API's ``@history`` numbers them the same
way). An edit records the previous value of every field it changed (``previous``), so the
fields at any version follow from the current object by undoing the later edits, newest
first. Entries written before every field was recorded (only the text was) leave the
other fields of older versions unknown: they show as such and a revert leaves them alone.
No Pyramid here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..congress.textdiff import Change, word_diff
from .registry import get_type

#: Entries that change fields, each one a version.
CHANGES = ("created", "edited", "reverted")


class _Unknown:
    """A field value an old history entry did not record."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


class VersionError(ValueError):
    pass


@dataclass(frozen=True)
class Version:
    number: int  # index of its entry in obj.history
    entry: dict
    values: dict  # every field's value right after this change (or UNKNOWN)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    before: object
    after: object
    changes: list[Change] | None  # word by word, for text; None for other values


def fields(obj) -> list[str]:
    """The versioned fields: every field of the object's type."""
    ct = get_type(obj.type_name)
    return ct.field_names() if ct is not None else ["title", "description"]


def versions(obj) -> list[Version]:
    """The object's versions, oldest first."""
    names = fields(obj)
    state = {name: getattr(obj, name, None) for name in names}
    out = []
    for number in range(len(obj.history) - 1, -1, -1):
        entry = obj.history[number]
        action = entry.get("action")
        if action not in CHANGES:
            continue
        out.append(Version(number, dict(entry), dict(state)))
        if action == "created":
            break
        previous = entry.get("previous") or {}
        for name in entry.get("fields", ()):
            if name in state:
                state[name] = previous.get(name, UNKNOWN)
    out.reverse()
    return out


def version(obj, number: int) -> Version:
    for v in versions(obj):
        if v.number == number:
            return v
    raise VersionError(f"there is no version {number}")


def diff(before: Version, after: Version, rich_text=()) -> list[FieldDiff]:
    """The fields that differ from ``before`` to ``after``, in the type's order. Rich text
    is compared as the text a reader sees (images by their alternative text, links with
    their address)."""
    out = []
    for name, old in before.values.items():
        new = after.values.get(name, UNKNOWN)
        if old is new or (old is not UNKNOWN and new is not UNKNOWN and old == new):
            continue
        changes = None
        if isinstance(old, str) and isinstance(new, str):
            if name in rich_text:
                old_text, new_text = readable_text(old), readable_text(new)
            else:
                old_text, new_text = old, new
            changes = word_diff(old_text, new_text)
        out.append(FieldDiff(name, old, new, changes))
    return out


def revert(obj, number: int, actor: str | None) -> list[str]:
    """Bring the fields back to version ``number`` as a new version (history entry
    "reverted", audit log entry); the fields it does not know stay. Returns the names
    that changed."""
    from . import operations

    target = version(obj, number)
    values = {k: v for k, v in target.values.items() if v is not UNKNOWN}
    return operations.edit(obj, values, actor, action="reverted", version=number)


# -- rich text as a reader sees it ---------------------------------------------------------
_BLOCKS = {"p", "div", "li", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "figure"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _BLOCKS or tag == "br":
            self.parts.append("\n")
        if tag == "img":
            self.parts.append(f"[{attrs.get('alt') or '?'}: {attrs.get('src') or ''}]")
        if tag == "a":
            self.links.append(attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" <{href}>")
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def readable_text(markup: str) -> str:
    """Sanitised HTML as the text a reader sees, one block a line: images show as
    ``[alt: src]``, links as ``text <href>``."""
    reader = _Reader()
    reader.feed(markup or "")
    reader.close()
    text = re.sub(r"[ \t]+", " ", "".join(reader.parts))
    return re.sub(r"\s*\n\s*", "\n", text).strip()
