"""A member's subscription history (coordinators)."""

from __future__ import annotations

from functools import cached_property

from pyramid.view import view_config

from ... import display
from ...models import MANAGE_LEDGER, Member
from ...money import parse_money
from ...months import Month
from .. import store
from ..i18n import _
from .base import LedgerView
from .forms import decimal_text, form_page, whole_number


class SubscriptionsView(LedgerView):
    """A member's subscription history: add a line, end the open one, drop a mistaken one.

    The history may change only where no closed month's dues move (the store refuses the
    rest with a 409), so closed months' lines are shown without actions."""

    @cached_property
    def closed(self):
        return store.ClosedMonths(self.folder)

    @cached_property
    def first_open_month(self) -> Month:
        """The earliest month a change may start: this month, or after the last close."""
        month = self.this_month
        if self.closed.last is not None and self.closed.last >= month:
            month = self.closed.last.next()
        return month

    def suggested_amount(self) -> str:
        return store.SUGGESTED_AMOUNT_PER_SHARE.get(self.context.currency, "")

    def suggested_money(self) -> str:
        amount = self.suggested_amount()
        if not amount:
            return ""
        return self.money(parse_money(amount, self.context.currency))

    def rows(self):
        """Lines newest first, with the last month each one applies (after superseding)."""
        history = self.context.subscription_history
        periods = list(history.periods())
        rows = []
        for line, (start, end, monthly) in zip(history.subscriptions, periods, strict=True):
            rows.append(
                {
                    "line": line,
                    "start": start,
                    "end": end,
                    "monthly": monthly,
                    "superseded": end is not None and end != line.until,
                    "removable": start not in self.closed,
                }
            )
        return list(reversed(rows))

    def open_line(self):
        lines = self.context.subscription_history.subscriptions
        return lines[-1] if lines and lines[-1].until is None else None

    def add_defaults(self) -> dict:
        current = self.context.subscription_history.active(self.first_open_month)
        return {
            "from": str(self.first_open_month),
            "shares": str(current.shares) if current is not None else "1",
            "amount_per_share": display.number_input(self.suggested_amount(), self.locale),
            "until": "",
        }

    def add_value(self, name) -> str:
        if self.posted is not None and self.posted.get("action", "add") == "add":
            return self.posted.get(name, "")
        return self.add_defaults()[name]

    def end_value(self) -> str:
        if self.posted is not None and self.posted.get("action") == "end":
            return self.posted.get("until", "")
        return str(self.first_open_month)


@view_config(context=Member, name="subscriptions", permission=MANAGE_LEDGER, api=False)
def subscriptions_page(context, request):
    view = SubscriptionsView(context, request)
    folder = context.__parent__

    def apply(params):
        action = params.get("action", "add")
        if action == "end":
            month = store.parse_month(params.get("until"), "until")
            store.end_subscription(folder, context, month)
            message = _("The subscription ends after ${month}.")
        elif action == "remove":
            month = store.parse_month(params.get("from"), "from")
            store.remove_subscription(folder, context, month)
            message = _("The subscription from ${month} was removed.")
        else:
            line = store.parse_subscription(
                {
                    "from": params.get("from", "").strip(),
                    "shares": whole_number(params.get("shares")),
                    "amount_per_share": decimal_text(params.get("amount_per_share"), view.locale),
                    "until": params.get("until", "").strip() or None,
                },
                context.currency,
            )
            store.add_subscription(folder, context, line)
            message = _("Subscription from ${month} recorded.")
            month = line.start
        context.record("subscriptions", view.actor)
        return view.t(message, month=view.month(month))

    return form_page(view, "subscriptions.pt", apply)
