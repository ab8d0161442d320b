"""Month close and the monthly time-credit record (coordinators)."""

from __future__ import annotations

from functools import cached_property

from pyramid.view import view_config

from ... import display
from ...closing import verify_chain
from ...errors import LedgerError
from ...models import MANAGE_LEDGER, LedgerFolder
from ...money import BASE_CURRENCY, CURRENCIES, Money
from ...months import Month
from .. import store
from ..i18n import _
from .base import LedgerView
from .forms import decimal_text, form_page, hours_value


def rate_text(rate, locale: str) -> str:
    """CAD value of one unit of a currency, as the form shows it."""
    value = Money(rate.cad_cents * 100 // rate.per_cents, BASE_CURRENCY)
    return display.amount_input(value, locale)


class CloseView(LedgerView):
    @cached_property
    def closed(self):
        return store.ClosedMonths(self.context)

    def next_month(self) -> Month | None:
        if self.closed.last is not None:
            return self.closed.last.next()
        if self.context.credits:
            return Month.parse(self.context.credits.minKey())
        return None

    def preview(self):
        month = self.next_month()
        if month is None or str(month) not in self.context.credits:
            return None
        return store.summaries(self.context, month, month).get(month)

    def records(self):
        return list(reversed(list(self.context.closed.values())))

    def chain_ok(self) -> bool:
        try:
            verify_chain([r.closed for r in self.context.closed.values()])
        except LedgerError:
            return False
        return True

    def credits(self):
        return list(reversed(list(self.context.credits.values())))[:12]

    def is_closed(self, month: Month) -> bool:
        return month in self.closed

    def server_cost(self, month: Month):
        return self.context.server_costs.get(str(month))

    def rate_currencies(self) -> list[str]:
        """Currencies members may pay in that need a rate to CAD on the record."""
        return sorted(c for c in CURRENCIES if c != BASE_CURRENCY)

    @cached_property
    def editing(self):
        """The open month's record asked for with ``?month=YYYY-MM`` (an edit link)."""
        try:
            month = Month.parse(self.request.GET.get("month"))
        except LedgerError:
            return None
        credit = self.context.credits.get(str(month))
        return credit if credit is not None and not self.is_closed(month) else None

    def credit_defaults(self):
        """Values of the credit form: what was posted when it was refused, the record
        being edited, or else the first month without a record with the terms of the
        latest record."""
        if self.posted is not None and self.posted.get("action") == "credit":
            values = {
                key: self.posted.get(key, "")
                for key in ("month", "hours", "development_hours", "hourly_rate", "server_cost")
            }
            values["rates"] = {c: self.posted.get(f"rate_{c}", "") for c in self.rate_currencies()}
            return values
        record = self.editing
        if record is None and self.context.credits:
            record = self.context.credits[self.context.credits.maxKey()]
        month = self.next_month() or Month.of(store.today())
        while str(month) in self.context.credits:
            month = month.next()
        cost = None
        if self.editing is not None:
            month = self.editing.month
            cost = self.server_cost(month)
        rates = {r.currency: rate_text(r, self.locale) for r in record.rates} if record else {}
        rates.setdefault("EUR", display.number_input("1.50", self.locale))
        return {
            "month": str(month),
            "hours": hours_value(record.minutes_bought, self.locale) if record else "10",
            "development_hours": (
                hours_value(record.development_minutes, self.locale) if record else "4"
            ),
            "hourly_rate": display.amount_input(
                record.hourly_rate if record else Money(6000, BASE_CURRENCY), self.locale
            ),
            "server_cost": display.amount_input(cost, self.locale),
            "rates": {c: rates.get(c, "") for c in self.rate_currencies()},
        }


def posted_rates(params, locale: str) -> dict | None:
    """``rate_<CODE>`` fields (and the older ``eur`` field) as the store's rates mapping;
    the store refuses a currency it does not know."""
    rates = {
        key.removeprefix("rate_"): decimal_text(value, locale)
        for key, value in params.items()
        if key.startswith("rate_") and value.strip()
    }
    if params.get("eur", "").strip():
        rates.setdefault("EUR", decimal_text(params["eur"], locale))
    return rates or None


@view_config(context=LedgerFolder, name="close", permission=MANAGE_LEDGER, api=False)
def close_page(context, request):
    view = CloseView(context, request)

    def apply(params):
        month = Month.parse(params.get("month"), "month")
        if params.get("action") == "credit":
            store.set_credit(
                context,
                month,
                hours=decimal_text(params.get("hours"), view.locale),
                development_hours=decimal_text(params.get("development_hours"), view.locale) or "0",
                hourly_rate=decimal_text(params.get("hourly_rate"), view.locale),
                rates=posted_rates(params, view.locale),
                server_cost=decimal_text(params.get("server_cost"), view.locale) or None,
            )
            return view.t(_("Time credit of ${month} saved."), month=view.month(month))
        # Closing is irreversible: the form's confirmation box must be ticked (enforced here,
        # not only by the browser).
        if params.get("confirm") != "yes":
            raise LedgerError("confirm", "tick the box to confirm the close", code="confirm_close")
        store.close(context, month, view.actor)
        return view.t(_("${month} is closed."), month=view.month(month))

    return form_page(view, "close.pt", apply)
