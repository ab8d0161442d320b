"""The ledger's pages: member statement (HTML, PDF from the same template, CSV), the
members folder, the intervention log screen, month close and the transparency report.

Views are thin: they parse the request, call ``store``/``report`` and format values per
locale with ``display``. Forms post with a CSRF token and redirect after success.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render, render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from ..pdf import render_pdf
from ..security.roles import VIEW
from ..views.content import BaseView
from . import display, store
from .alert_mail import alert_after_logging
from .charts import Series, bar_chart
from .closing import verify_chain
from .entries import Payment
from .errors import LedgerError, MonthClosed
from .i18n import _
from .models import LOG_TIME, MANAGE_LEDGER, LedgerFolder, Member
from .money import BASE_CURRENCY, CURRENCIES, Money, parse_money
from .months import Month
from .report import build_report
from .timecredit import CATEGORIES, ITEM_STATUSES, LOGGABLE_ITEM_STATUSES

TEMPLATES = "congress_site:templates/ledger/"


CATEGORY_TERMS = {"maintenance": _("maintenance"), "development": _("development")}
STATUS_TERMS = {
    "proposed": _("proposed"),
    "allocated": _("allocated"),
    "in_progress": _("in progress"),
    "done": _("done"),
}

# What a coordinator should do about each domain error, in their language; the domain's
# English detail is shown below it, so nothing it says is lost.
ERROR_TERMS = {
    "invalid_amount": _("Write an amount like 15.00: digits, at most two decimals, not negative."),
    "unknown_currency": _("That currency is not known to the ledger."),
    "invalid_month": _("Write a month as YYYY-MM, for example 2026-03."),
    "invalid_range": _("The end month cannot be before the start month."),
    "month_closed": _(
        "That change would touch a closed month, whose figures are frozen. "
        "Make it in an open month."
    ),
    "invalid_minutes": _("Write hours like 12 or 12.5, in whole minutes."),
    "duplicate_subscription_start": _("Another subscription already starts in that month."),
    "duplicate_item": _("A development item with that short name exists already."),
    "not_open": _("There is no open subscription to end."),
    "confirm_close": _("Closing a month cannot be undone: tick the box to confirm."),
    "required": _("This field is required."),
    # The domain's catch-all code, made specific by the field it concerns.
    "invalid_entry shares": _("Write a whole number of shares: 0 or more."),
    "invalid_entry status": _("Choose one of the listed statuses."),
}
FIELD_TERMS = {
    "from": _("From"),
    "until": _("Until"),
    "shares": _("Shares"),
    "amount_per_share": _("Amount per share"),
    "subscriptions": _("Subscriptions"),
    "month": _("Month"),
    "hours": _("Hours bought"),
    "development_hours": _("of which development"),
    "development_minutes": _("of which development"),
    "hourly_rate": _("Hourly rate (CAD)"),
    "server_cost": _("Server costs (CAD)"),
    "rates": _("Exchange rate"),
    "id": _("Short name"),
    "title": _("Title"),
    "description": _("Description"),
    "allocated_hours": _("Hours allocated"),
    "allocated_minutes": _("Hours allocated"),
    "status": _("Status"),
}


class FormError(NamedTuple):
    field: str  # the form field it concerns ("shares"), "" when none
    label: str
    message: str
    detail: str


def error_status(exc: LedgerError) -> int:
    """Same mapping as the JSON API: a closed month is a conflict, the rest bad input."""
    return 409 if isinstance(exc, MonthClosed) else 400


def form_page(view, template: str, apply):
    """A coordinators' form page. GET shows it; POST calls ``apply(params)``, which stores
    through the ledger store and returns the message to flash, then redirects back to the
    page; a refusal shows the form again with ``view.refuse``'s error and 4xx status (any
    4xx aborts the transaction: nothing is stored)."""
    request = view.request
    status = 200
    if request.method == "POST":
        try:
            message = apply(request.POST)
        except LedgerError as exc:
            status = view.refuse(exc)
        else:
            view.flash(message)
            return HTTPFound(request.resource_url(view.context, "@@" + request.view_name))
    response = render_to_response(TEMPLATES + template, view.page(), request=request)
    response.status_int = status
    return response


def form_field(path: str) -> str:
    """The form field of a domain field path: "subscription.amount_per_share" ->
    "amount_per_share", "rates.EUR" -> "rates"."""
    parts = re.sub(r"\[\d+\]", "", path or "").split(".")
    for part in reversed(parts):
        if part in FIELD_TERMS:
            return part
    return ""


class LedgerView(BaseView):
    """Formatting helpers shared by the ledger templates."""

    quick_minutes = (5, 10, 15, 30, 45, 60, 90, 120)

    @cached_property
    def this_month(self) -> Month:
        return Month.of(store.today())

    def category_term(self, category):
        return CATEGORY_TERMS.get(category, category)

    def status_term(self, status):
        return STATUS_TERMS.get(status, status)

    @cached_property
    def locale(self) -> str:
        return self.request.locale_name

    def t(self, term, **mapping) -> str:
        return self.request.localizer.translate(term, mapping=mapping or None)

    def money(self, value) -> str:
        return display.money(value, self.locale)

    def hours(self, minutes) -> str:
        return display.hours(minutes, self.locale)

    def month(self, value) -> str:
        return display.month(value, self.locale)

    def short_month(self, value) -> str:
        return display.short_month(value, self.locale)

    def date(self, value) -> str:
        return display.date(value, self.locale)

    def balance_word(self, money) -> str:
        if money.cents < 0:
            return self.t(_("arrears"))
        if money.cents > 0:
            return self.t(_("credit"))
        return self.t(_("settled"))

    def item_title(self, item_id) -> str:
        folder = self.folder
        item = folder.items.get(item_id) if folder is not None else None
        return item.title if item is not None else item_id

    @cached_property
    def folder(self):
        node = self.context
        while node is not None and not isinstance(node, LedgerFolder):
            node = node.__parent__
        return node

    @property
    def is_coordinator(self) -> bool:
        return bool(self.request.has_permission(MANAGE_LEDGER, self.folder))

    @property
    def can_log(self) -> bool:
        return bool(self.request.has_permission(LOG_TIME, self.folder))

    # -- forms: the posted values come back with the error that refused them
    error: FormError | None = None
    posted: dict | None = None

    def refuse(self, exc: LedgerError) -> int:
        """Keep the posted values and a translated error for the form; the status."""
        field = form_field(exc.field)
        term = ERROR_TERMS.get(f"{exc.code} {field}") or ERROR_TERMS.get(exc.code)
        self.error = FormError(
            field,
            self.t(FIELD_TERMS[field]) if field else "",
            self.t(term) if term is not None else "",
            exc.message,
        )
        self.posted = dict(self.request.POST)
        return error_status(exc)

    def field(self, name, default=""):
        return (self.posted or {}).get(name, default)

    def invalid(self, *names) -> str | None:
        """``aria-invalid`` of a field the error concerns."""
        return "true" if self.error is not None and self.error.field in names else None


# -- member statement ------------------------------------------------------------------------
class StatementView(LedgerView):
    pdf = False

    @property
    def frame(self):
        """The page frame: the site layout, or the bare print frame for the PDF (the
        statement's own content is the same template either way)."""
        from pyramid.renderers import get_renderer

        name = TEMPLATES + "print.pt" if self.pdf else "congress_site:templates/layout.pt"
        return get_renderer(name).implementation()

    @cached_property
    def period(self):
        try:
            return store.parse_period(self.request.params, self.context)
        except LedgerError:
            self.error = self.t(_("That period is not valid; showing the last twelve months."))
            return store.default_period(self.context)

    error = None

    @cached_property
    def statement(self):
        first, last = self.period
        return store.member_statement(self.folder, self.context, first, last)

    def query(self) -> dict:
        first, last = self.period
        return {"from": str(first), "to": str(last)}

    def link(self, name) -> str:
        return self.request.resource_url(self.context, name, query=self.query())

    def has_time_credit(self) -> bool:
        return any(m.time_credit is not None for m in self.statement.months)

    def closed_months(self):
        return [m for m in self.statement.months if m.closed]

    def render_html(self) -> str:
        return render(TEMPLATES + "statement.pt", self.page(), request=self.request)


@view_config(context=Member, permission=VIEW, api=False)
@view_config(context=Member, name="statement", permission=VIEW, api=False)
def statement_page(context, request):
    view = StatementView(context, request)
    return render_to_response(TEMPLATES + "statement.pt", view.page(), request=request)


@view_config(context=Member, name="statement.pdf", permission=VIEW)
def statement_pdf(context, request):
    view = StatementView(context, request)
    view.pdf = True
    pdf = render_pdf(
        view.render_html(), request, stylesheets=["ledger/statement-print.css"], compact=True
    )
    first, last = view.period
    response = Response(body=pdf, content_type="application/pdf")
    response.content_disposition = (
        f'attachment; filename="statement-{context.member_id}-{first}-{last}.pdf"'
    )
    return response


CSV_COLUMNS = (
    "row",
    "month",
    "date",
    "id",
    "reference",
    "note",
    "dues",
    "amount",
    "currency",
    "cad_received",
    "balance",
    "closed",
    "hash",
    "minutes_bought",
    "maintenance_used",
    "development_used",
    "reserve_carried_over",
    "member_minutes",
)


def statement_csv_text(result) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    cur = result.currency
    writer.writerow(
        {"row": "opening", "month": str(result.first), "currency": cur}
        | {"balance": result.opening_balance.format()}
    )
    for m in result.months:
        tc = m.time_credit
        row = {
            "row": "month",
            "month": str(m.month),
            "dues": m.dues.format(),
            "amount": m.paid.format(),
            "currency": cur,
            "cad_received": m.cad_received.format(),
            "balance": m.balance.format(),
            "closed": "yes" if m.closed else "no",
            "hash": m.hash or "",
        }
        if tc is not None:
            row |= {
                "minutes_bought": tc.minutes_bought,
                "maintenance_used": tc.maintenance_used,
                "development_used": tc.development_used,
                "reserve_carried_over": tc.reserve_carried_over,
                "member_minutes": tc.member_minutes,
            }
        writer.writerow(row)
        for line in m.lines:
            writer.writerow(
                {
                    "row": line.kind,
                    "month": str(m.month),
                    "date": line.date.isoformat(),
                    "id": line.id,
                    "reference": line.reference,
                    "note": line.note,
                    "amount": line.amount.format(),
                    "currency": cur,
                    "cad_received": line.cad_received.format(),
                }
            )
    writer.writerow(
        {
            "row": "total",
            "month": str(result.last),
            "dues": result.total_dues.format(),
            "amount": result.total_paid.format(),
            "currency": cur,
            "cad_received": result.total_cad_received.format(),
            "balance": result.closing_balance.format(),
        }
    )
    return out.getvalue()


@view_config(context=Member, name="statement.csv", permission=VIEW)
def statement_csv(context, request):
    view = StatementView(context, request)
    first, last = view.period
    response = Response(
        body=statement_csv_text(view.statement).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
    )
    response.content_disposition = (
        f'attachment; filename="statement-{context.member_id}-{first}-{last}.csv"'
    )
    return response


# -- members folder ---------------------------------------------------------------------------
class FolderView(LedgerView):
    def visible_members(self):
        return [m for m in self.context.members() if self.request.has_permission(VIEW, m)]


@view_config(context=LedgerFolder, permission=VIEW, api=False)
def folder_page(context, request):
    view = FolderView(context, request)
    return render_to_response(TEMPLATES + "members.pt", view.page(), request=request)


# -- intervention log screen -------------------------------------------------------------------
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
        from .closing import alerts_reached

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


# -- month close and the monthly time-credit record -------------------------------------------
def decimal_text(value: str | None) -> str:
    """Form input as the domain's decimal string: French, Spanish and Portuguese users
    type a decimal comma."""
    return (value or "").strip().replace(",", ".")


def rate_text(rate) -> str:
    """CAD value of one unit of a currency, as the form shows it."""
    return Money(rate.cad_cents * 100 // rate.per_cents, BASE_CURRENCY).format()


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
        rates = {r.currency: rate_text(r) for r in record.rates} if record else {}
        rates.setdefault("EUR", "1.50")
        return {
            "month": str(month),
            "hours": hours_value(record.minutes_bought) if record else "10",
            "development_hours": hours_value(record.development_minutes) if record else "4",
            "hourly_rate": record.hourly_rate.format() if record else "60.00",
            "server_cost": cost.format() if cost is not None else "",
            "rates": {c: rates.get(c, "") for c in self.rate_currencies()},
        }


def hours_value(minutes: int) -> str:
    """Minutes as a plain decimal hours string for a form field ("12.5")."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return format(value, "f")


def posted_rates(params) -> dict | None:
    """``rate_<CODE>`` fields (and the older ``eur`` field) as the store's rates mapping;
    the store refuses a currency it does not know."""
    rates = {
        key.removeprefix("rate_"): decimal_text(value)
        for key, value in params.items()
        if key.startswith("rate_") and value.strip()
    }
    if params.get("eur", "").strip():
        rates.setdefault("EUR", decimal_text(params["eur"]))
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
                hours=decimal_text(params.get("hours")),
                development_hours=decimal_text(params.get("development_hours")) or "0",
                hourly_rate=decimal_text(params.get("hourly_rate")),
                rates=posted_rates(params),
                server_cost=decimal_text(params.get("server_cost")) or None,
            )
            return view.t(_("Time credit of ${month} saved."), month=view.month(month))
        # Closing is irreversible: the form's confirmation box must be ticked (enforced here,
        # not only by the browser).
        if params.get("confirm") != "yes":
            raise LedgerError("confirm", "tick the box to confirm the close", code="confirm_close")
        store.close(context, month, view.actor)
        return view.t(_("${month} is closed."), month=view.month(month))

    return form_page(view, "close.pt", apply)


# -- transparency report ---------------------------------------------------------------------------
class ReportView(LedgerView):
    error = None

    @cached_property
    def report(self):
        try:
            first, last = store.parse_period(self.request.params)
        except LedgerError:
            self.error = self.t(_("That period is not valid; showing the last twelve months."))
            first, last = store.default_period()
        return build_report(self.context, first, last)

    def rows(self):
        return [m for m in self.report.months if m.summary is not None]

    def contributions_chart(self) -> str:
        rows = self.report.months
        cats = [self.short_month(m.month) for m in rows]
        received = [m.summary.cad_received.cents if m.summary else 0 for m in rows]
        costs = [m.costs.cents for m in rows]
        return bar_chart(
            self.t(_("Contributions and costs per month (CAD)")),
            self.t(
                _("CAD received from members against the cost of the hours bought and the server.")
            ),
            cats,
            [
                Series(self.t(_("Received")), received, [self._cad(c) for c in received]),
                Series(self.t(_("Costs")), costs, [self._cad(c) for c in costs], "#d08a1e"),
            ],
        )

    def _cad(self, cents: int) -> str:
        return self.money(Money(cents, "CAD"))

    def hours_chart(self) -> str:
        rows = self.report.months
        cats = [self.short_month(m.month) for m in rows]
        maint = [m.summary.maintenance_used if m.summary else 0 for m in rows]
        dev = [m.summary.development_used if m.summary else 0 for m in rows]
        bought = [m.summary.credit.minutes_bought if m.summary else 0 for m in rows]
        return bar_chart(
            self.t(_("Hours used per month")),
            self.t(_("Maintenance and development hours used, and the hours bought.")),
            cats,
            [
                Series(self.t(_("maintenance")), maint, [self.hours(v) for v in maint]),
                Series(self.t(_("development")), dev, [self.hours(v) for v in dev], "#4f8f4f"),
            ],
            stacked=True,
            line=Series(self.t(_("Hours bought")), bought, [self.hours(v) for v in bought], "#222"),
        )

    def reserve_chart(self) -> str:
        rows = [m for m in self.report.months if m.summary is not None]
        cats = [self.short_month(m.month) for m in rows]
        reserve = [m.summary.reserve_after for m in rows]
        return bar_chart(
            self.t(_("Development reserve over time")),
            self.t(_("Unused development hours carried over; negative is an overrun.")),
            cats,
            [Series(self.t(_("Reserve")), reserve, [self.hours(v) for v in reserve], "#9c3d54")],
        )

    def query(self) -> dict:
        return {"from": str(self.report.first), "to": str(self.report.last)}


@view_config(context=LedgerFolder, name="report", permission=VIEW, api=False)
def report_page(context, request):
    view = ReportView(context, request)
    return render_to_response(TEMPLATES + "report.pt", view.page(), request=request)


# -- payments (coordinators) ---------------------------------------------------------------------
class PaymentsView(LedgerView):
    """Record a member's payment, or correct one with a reversing entry."""

    errors: dict | None = None
    values: dict | None = None

    def entries(self):
        return sorted(self.context.entries.values(), key=lambda e: e.id, reverse=True)[:50]

    def reversible(self, entry) -> bool:
        return isinstance(entry, Payment) and entry.id not in self.context.reversed_ids

    def field(self, name, default=""):
        return (self.values or {}).get(name, default)

    def refuse(self, exc: LedgerError) -> int:
        # This page shows the store's message beside the field it concerns.
        self.errors = {exc.field: exc.message}
        self.values = dict(self.request.POST)
        return error_status(exc)


@view_config(context=Member, name="payments", permission=MANAGE_LEDGER, api=False)
def payments_page(context, request):
    view = PaymentsView(context, request)
    folder = context.__parent__

    def apply(params):
        if params.get("reverses"):
            store.reverse_payment(
                folder,
                context,
                reverses=params["reverses"],
                date=params.get("date") or str(store.today()),
                reason=params.get("reason", ""),
            )
            return _("The payment was reversed.")
        store.record_payment(
            folder,
            context,
            date=params.get("date") or str(store.today()),
            amount=params.get("amount", ""),
            currency=params.get("currency") or None,
            cad_received=params.get("cad_received") or None,
            reference=params.get("reference", ""),
            note=params.get("note", ""),
        )
        return _("Payment recorded.")

    return form_page(view, "payments.pt", apply)


# -- subscriptions (coordinators) ----------------------------------------------------------------
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
            "amount_per_share": self.suggested_amount(),
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


def whole_number(value: str | None):
    """Digits from a form become an int; anything else goes on to the domain, which
    refuses it with its own message."""
    text = (value or "").strip()
    return int(text) if text.isdigit() else text


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
                    "amount_per_share": decimal_text(params.get("amount_per_share")),
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


# -- development items (coordinators) ------------------------------------------------------------
class ItemsView(LedgerView):
    """Development items with the hours the collective allocated and those used so far."""

    @cached_property
    def usage(self) -> dict[str, int]:
        from .report import item_usage

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
            "allocated_hours": hours_value(item.allocated_minutes),
            "status": item.status,
        }.get(name, "")

    def quick_value(self, row, name) -> str:
        """The values of an item's row form, or what was posted there when refused."""
        item = row["item"]
        if self.posted is not None and self.posted.get("quick") and self.field("item") == item.id:
            return self.posted.get(name, "")
        return hours_value(item.allocated_minutes) if name == "allocated_hours" else item.status


def new_item_id(folder: LedgerFolder, title: str) -> str:
    """A short name from the title when none is given, unique among the items."""
    from ..content.base import slugify

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
                "allocated_hours": decimal_text(params.get("allocated_hours")),
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
                allocated_hours=decimal_text(params.get("allocated_hours")) or "0",
                status=params.get("status") or "proposed",
            )
            message = _("Development item “${title}” created.")
        return view.t(message, title=item.title)

    return form_page(view, "items.pt", apply)
