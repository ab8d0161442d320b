"""What surrounds an object on every page and in the JSON API's components: the
children a visitor may see in folder order, the navigation, the breadcrumbs and the
actions the caller may take on the object. The page layout and the API both ask here,
so a page and a JSON client always offer the same things."""

from __future__ import annotations

from dataclasses import dataclass

from pyramid.location import lineage

from .content.registry import get_type
from .i18n import _
from .security.roles import ADD, DELETE, EDIT, SHARE, VIEW, VIEW_HISTORY

# The site's top navigation shows this many of the site's children; nested levels too.
NAVIGATION_ITEMS = 12


def visible_children(container, request) -> list:
    """The children of ``container`` the caller may view, in folder order."""
    if not getattr(container, "folderish", False):
        return []
    return [c for c in container.ordered_values() if request.has_permission(VIEW, c)]


def breadcrumbs(context) -> list:
    """The site root first, ``context`` last."""
    return list(reversed(list(lineage(context))))


def navigation(site, request, depth: int = 1) -> list[tuple]:
    """``[(obj, children)]`` of the site's visible children, ``depth`` levels deep."""
    return _navigation(site, request, depth)


def _navigation(container, request, depth: int) -> list[tuple]:
    items = visible_children(container, request)[:NAVIGATION_ITEMS]
    return [
        (obj, _navigation(obj, request, depth - 1) if depth > 1 and obj.folderish else [])
        for obj in items
    ]


@dataclass(frozen=True)
class Action:
    id: str  # plone's action id, e.g. "edit", "folderContents"
    view: str  # the page: "" (the object itself), "@@edit", ...
    title: str
    category: str  # "object" (tabs) or "object_buttons" (things done to it)


VIEW_ACTION = Action("view", "", _("View"), "object")
EDIT_ACTION = Action("edit", "@@edit", _("Edit"), "object")
CONTENTS_ACTION = Action("folderContents", "@@contents", _("Contents"), "object")
RENAME_ACTION = Action("rename", "@@rename", _("Rename or move"), "object_buttons")
DELETE_ACTION = Action("delete", "@@delete", _("Delete"), "object_buttons")
SHARING_ACTION = Action("local_roles", "@@sharing", _("Sharing"), "object")
HISTORY_ACTION = Action("history", "@@history", _("History"), "object")


def object_actions(context, request) -> list[Action]:
    """The actions the caller may take on ``context``, in the order pages show them."""
    candidates = [(VIEW_ACTION, VIEW)]
    if get_type(getattr(context, "type_name", "")) is not None:
        candidates.append((EDIT_ACTION, EDIT))
    if getattr(context, "folderish", False):
        candidates.append((CONTENTS_ACTION, ADD))
    if context.__parent__ is not None:
        candidates.append((RENAME_ACTION, DELETE))
        candidates.append((DELETE_ACTION, DELETE))
    candidates.append((SHARING_ACTION, SHARE))
    candidates.append((HISTORY_ACTION, VIEW_HISTORY))
    return [
        action for action, permission in candidates if request.has_permission(permission, context)
    ]
