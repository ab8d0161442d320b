"""The sysadmin's intervention log: log time in a few taps, see the month's progress."""

from __future__ import annotations

from functools import cached_property

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ... import display
from ...errors import LedgerError
from ...models import LOG_TIME, LedgerFolder
from ...months import Month
from ...timecredit import CATEGORIES, LOGGABLE_ITEM_STATUSES
from .. import store
from ..alert_mail import alert_after_logging
from ..i18n import _
from . import TEMPLATES
from .base import LedgerView
from .forms import error_status
from .terms import CATEGORY_TERMS


class LogView(LedgerView):
    errors: dict | None = None

    @cached_property
    def current_month(self) -> Month:
        return Month.of(store.today())

    def loggable_items(self):
        return [i for i in self.context.items.values() if i.status in LOGGABLE_ITEM_STATUSES]

    def categories(self):
        return [(c, self.t(CATEGORY_TERMS[c])) for c in CATEGORIES]

    def recent(self):
        entries = store.month_time_entries(self.context, self.current_month)
        return sorted(entries, key=lambda e: e.id, reverse=True)[:30]

    def progress(self):
        month = self.current_month
        credit = self.context.credits.get(str(month))
        used = store.used_minutes(self.context, month)
        bought = credit.minutes_bought if credit is not None else 0
        from ...closing import alerts_reached

        return {
            "month": month,
            "used": used,
            "bought": bought,
            "percent": display.percent(used, bought),
            "alerts": alerts_reached(used, bought) if credit is not None else (),
            "has_credit": credit is not None,
        }

    def values(self):
        params = self.request.params
        return {
            "minutes": params.get("minutes", "30"),
            "category": params.get("category", "maintenance"),
            "item_id": params.get("item_id", ""),
            "date": params.get("date", store.today().isoformat()),
            "description": params.get("description", "") if self.errors else "",
        }


@view_config(context=LedgerFolder, name="log", permission=LOG_TIME, api=False)
def log_page(context, request):
    view = LogView(context, request)
    status = 200
    if request.method == "POST":
        params = request.POST
        minutes = params.get("quick") or params.get("minutes")
        category = params.get("category", "maintenance")
        item_id = params.get("item_id") or None
        if category != "development":
            item_id = None
        try:
            entry = store.log_intervention(
                context,
                minutes=minutes,
                category=category,
                description=params.get("description", ""),
                logged_by=view.actor,
                date=params.get("date") or None,
                item_id=item_id,
            )
        except LedgerError as exc:
            view.errors = {exc.field: exc.message}
            status = error_status(exc)
        else:
            alert_after_logging(request, context, entry.month)
            view.flash(
                view.t(
                    _("Logged ${time} of ${category}."),
                    time=view.hours(entry.minutes),
                    category=view.t(view.category_term(category)),
                )
            )
            query = {"category": category, "minutes": str(entry.minutes)}
            if entry.item_id:
                query["item_id"] = entry.item_id
            return HTTPFound(request.resource_url(context, "@@log", query=query))
    response = render_to_response(TEMPLATES + "log.pt", view.page(), request=request)
    response.status_int = status
    return response
