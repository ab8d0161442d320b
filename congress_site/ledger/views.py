"""The ledger's pages: member statement (HTML, PDF from the same template, CSV), the
members folder, the intervention log screen, month close and the transparency report.

Views are thin: they parse the request, call ``store``/``report`` and format values per
locale with ``display``. Forms post with a CSRF token and redirect after success.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import cached_property

from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render, render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from ..pdf import render_pdf
from ..security.roles import VIEW
from ..views.content import BaseView
from . import display, store
from .alerts import notify_new_alerts
from .charts import Series, bar_chart
from .closing import verify_chain
from .entries import Payment
from .errors import LedgerError
from .i18n import _
from .models import LOG_TIME, MANAGE_LEDGER, LedgerFolder, Member
from .money import Money
from .months import Month
from .report import build_report
from .timecredit import CATEGORIES, LOGGABLE_ITEM_STATUSES

TEMPLATES = "congress_site:templates/ledger/"


CATEGORY_TERMS = {"maintenance": _("maintenance"), "development": _("development")}
STATUS_TERMS = {
    "proposed": _("proposed"),
    "allocated": _("allocated"),
    "in_progress": _("in progress"),
    "done": _("done"),
}


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
    pdf = render_pdf(view.render_html(), request)
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
            status = 400
        else:
            credit = context.credits.get(str(entry.month))
            if credit is not None:
                notify_new_alerts(
                    context,
                    entry.month,
                    store.used_minutes(context, entry.month),
                    credit.minutes_bought,
                )
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


# -- month close ---------------------------------------------------------------------------------
class CloseView(LedgerView):
    error = None

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

    def credit_defaults(self):
        """Defaults of the credit form: the first month without a record, the terms of
        the latest record."""
        keys = list(self.context.credits.keys())
        latest = self.context.credits[keys[-1]] if keys else None
        month = self.next_month() or Month.of(store.today())
        while str(month) in self.context.credits:
            month = month.next()
        eur = ""
        if latest is not None:
            for rate in latest.rates:
                if rate.currency == "EUR":
                    eur = Money(rate.cad_cents * 100 // rate.per_cents, "CAD").format()
        return {
            "month": str(month),
            "hours": hours_value(latest.minutes_bought) if latest else "10",
            "development_hours": hours_value(latest.development_minutes) if latest else "4",
            "hourly_rate": latest.hourly_rate.format() if latest else "60.00",
            "eur": eur or "1.50",
        }


def hours_value(minutes: int) -> str:
    """Minutes as a plain decimal hours string for a form field ("12.5")."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return format(value, "f")


@view_config(context=LedgerFolder, name="close", permission=MANAGE_LEDGER, api=False)
def close_page(context, request):
    view = CloseView(context, request)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "credit":
                month = Month.parse(request.POST.get("month"), "month")
                rates = {"EUR": request.POST.get("eur")} if request.POST.get("eur") else None
                store.set_credit(
                    context,
                    month,
                    hours=request.POST.get("hours", "").replace(",", "."),
                    development_hours=request.POST.get("development_hours", "0").replace(",", "."),
                    hourly_rate=request.POST.get("hourly_rate", "").replace(",", "."),
                    rates=rates,
                    server_cost=(request.POST.get("server_cost") or "").replace(",", ".") or None,
                )
                view.flash(view.t(_("Time credit of ${month} saved."), month=view.month(month)))
            else:
                month = Month.parse(request.POST.get("month"), "month")
                store.close(context, month, view.actor)
                view.flash(view.t(_("${month} is closed."), month=view.month(month)))
        except LedgerError as exc:
            view.error = exc.message
            status = 409 if exc.code == "month_closed" else 400
        else:
            return HTTPFound(request.resource_url(context, "@@close"))
    response = render_to_response(TEMPLATES + "close.pt", view.page(), request=request)
    response.status_int = status
    return response


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


@view_config(context=Member, name="payments", permission=MANAGE_LEDGER, api=False)
def payments_page(context, request):
    view = PaymentsView(context, request)
    status = 200
    if request.method == "POST":
        params = request.POST
        folder = context.__parent__
        try:
            if params.get("reverses"):
                store.reverse_payment(
                    folder,
                    context,
                    reverses=params["reverses"],
                    date=params.get("date") or str(store.today()),
                    reason=params.get("reason", ""),
                )
                message = _("The payment was reversed.")
            else:
                cad = params.get("cad_received") or None
                store.record_payment(
                    folder,
                    context,
                    date=params.get("date") or str(store.today()),
                    amount=params.get("amount", ""),
                    currency=params.get("currency") or None,
                    cad_received=cad,
                    reference=params.get("reference", ""),
                    note=params.get("note", ""),
                )
                message = _("Payment recorded.")
        except LedgerError as exc:
            view.errors = {exc.field: exc.message}
            view.values = dict(params)
            status = 409 if exc.code == "month_closed" else 400
        else:
            view.flash(message)
            return HTTPFound(request.resource_url(context, "@@payments"))
    response = render_to_response(TEMPLATES + "payments.pt", view.page(), request=request)
    response.status_int = status
    return response
