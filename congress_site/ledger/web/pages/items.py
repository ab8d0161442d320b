"""Development items (coordinators): the hours the collective allocated and those used."""

from __future__ import annotations

from functools import cached_property

from pyramid.view import view_config

from ...models import MANAGE_LEDGER, LedgerFolder
from ...timecredit import ITEM_STATUSES
from .. import store
from ..i18n import _
from .base import LedgerView
from .forms import decimal_text, form_page, hours_value
from .terms import STATUS_TERMS


class ItemsView(LedgerView):
    """Development items with the hours the collective allocated and those used so far."""

    @cached_property
    def usage(self) -> dict[str, int]:
        from ..report import item_usage

        return item_usage(self.context)

    def rows(self):
        return [
            {
                "item": item,
                "used": self.usage.get(item.id, 0),
                "remaining": item.remaining_minutes(self.usage.get(item.id, 0)),
            }
            for item in self.context.items.values()
        ]

    def statuses(self):
        return [(s, self.t(STATUS_TERMS[s])) for s in ITEM_STATUSES]

    @cached_property
    def editing(self):
        """The item being edited in the main form (``?edit=<id>`` or a refused post)."""
        quick = self.posted is not None and self.posted.get("quick")
        item_id = (None if quick else self.field("item")) or self.request.GET.get("edit")
        return self.context.items.get(item_id) if item_id else None

    def form_value(self, name) -> str:
        """The main form's values: the refused post, the edited item, or a new item's."""
        if self.posted is not None and not self.posted.get("quick"):
            return self.posted.get(name, "")
        item = self.editing
        if item is None:
            return {"allocated_hours": "0", "status": "proposed"}.get(name, "")
        return {
            "title": item.title,
            "description": item.description,
            "allocated_hours": hours_value(item.allocated_minutes, self.locale),
            "status": item.status,
        }.get(name, "")

    def quick_value(self, row, name) -> str:
        """The values of an item's row form, or what was posted there when refused."""
        item = row["item"]
        if self.posted is not None and self.posted.get("quick") and self.field("item") == item.id:
            return self.posted.get(name, "")
        if name == "allocated_hours":
            return hours_value(item.allocated_minutes, self.locale)
        return item.status


def new_item_id(folder: LedgerFolder, title: str) -> str:
    """A short name from the title when none is given, unique among the items."""
    from ....content.base import slugify

    base = slugify(title)
    name, n = base, 1
    while name in folder.items:
        n += 1
        name = f"{base}-{n}"
    return name


@view_config(context=LedgerFolder, name="items", permission=MANAGE_LEDGER, api=False)
def items_page(context, request):
    view = ItemsView(context, request)

    def apply(params):
        if params.get("item"):
            changes = {
                "allocated_hours": decimal_text(params.get("allocated_hours"), view.locale),
                "status": params.get("status", ""),
            }
            if not params.get("quick"):
                changes["title"] = params.get("title", "")
                changes["description"] = params.get("description", "")
            item = store.update_item(context, params["item"], **changes)
            message = _("Development item “${title}” saved.")
        else:
            title = params.get("title", "")
            item_id = params.get("id", "").strip() or new_item_id(context, title)
            item = store.create_item(
                context,
                item_id,
                title=title,
                description=params.get("description", ""),
                allocated_hours=decimal_text(params.get("allocated_hours"), view.locale) or "0",
                status=params.get("status") or "proposed",
            )
            message = _("Development item “${title}” created.")
        return view.t(message, title=item.title)

    return form_page(view, "items.pt", apply)
