"""The collective's transparency report: contributions against costs, hours used, the
development reserve, and the alerts."""

from __future__ import annotations

from functools import cached_property

from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ....security.roles import VIEW
from ... import display
from ...charts import Series, bar_chart
from ...errors import LedgerError
from ...models import LedgerFolder
from ...money import Money
from .. import store
from ..i18n import _
from ..report import build_report
from . import TEMPLATES
from .base import LedgerView


class ReportView(LedgerView):
    error = None

    @cached_property
    def report(self):
        try:
            first, last = store.parse_period(self.request.params, self.context)
        except LedgerError:
            self.error = self.t(_("That period is not valid; showing the last twelve months."))
            first, last = store.default_period(self.context)
        return build_report(self.context, first, last)

    def rows(self):
        return [m for m in self.report.months if m.summary is not None]

    def contributions_chart(self) -> str:
        rows = self.report.months
        received = [m.summary.cad_received.cents if m.summary else 0 for m in rows]
        costs = [m.costs.cents for m in rows]
        return bar_chart(
            self.t(_("Contributions and costs per month (CAD)")),
            self.t(
                _("CAD received from members against the cost of the hours bought and the server.")
            ),
            [self.short_month(m.month) for m in rows],
            [
                Series(self.t(_("Received")), received, [self._cad(c) for c in received]),
                Series(self.t(_("Costs")), costs, [self._cad(c) for c in costs]),
            ],
            unit=100,
            tick_label=lambda cents: display.number(cents / 100, self.locale),
            axis_title="CAD",
            key="contributions",
        )

    def _cad(self, cents: int) -> str:
        return self.money(Money(cents, "CAD"))

    def hours_chart(self) -> str:
        rows = self.report.months
        maint = [m.summary.maintenance_used if m.summary else 0 for m in rows]
        dev = [m.summary.development_used if m.summary else 0 for m in rows]
        bought = [m.summary.credit.minutes_bought if m.summary else 0 for m in rows]
        return bar_chart(
            self.t(_("Hours used per month")),
            self.t(_("Maintenance and development hours used, and the hours bought.")),
            [self.short_month(m.month) for m in rows],
            [
                Series(self.t(_("maintenance")), maint, [self.hours(v) for v in maint]),
                Series(self.t(_("development")), dev, [self.hours(v) for v in dev]),
            ],
            line=Series(self.t(_("Hours bought")), bought, [self.hours(v) for v in bought]),
            **self._hours_axis("hours"),
        )

    def reserve_chart(self) -> str:
        rows = [m for m in self.report.months if m.summary is not None]
        reserve = [m.summary.reserve_after for m in rows]
        return bar_chart(
            self.t(_("Development reserve over time")),
            self.t(_("Unused development hours carried over; negative is an overrun.")),
            [self.short_month(m.month) for m in rows],
            [Series(self.t(_("Reserve")), reserve, [self.hours(v) for v in reserve], "#9c3d54")],
            **self._hours_axis("reserve"),
        )

    def _hours_axis(self, key: str) -> dict:
        return {
            "unit": 60,
            "tick_label": lambda minutes: display.number(minutes / 60, self.locale),
            "axis_title": self.t(_("Hours")),
            "key": key,
        }

    def query(self) -> dict:
        return {"from": str(self.report.first), "to": str(self.report.last)}


@view_config(context=LedgerFolder, name="report", permission=VIEW, api=False)
def report_page(context, request):
    view = ReportView(context, request)
    return render_to_response(TEMPLATES + "report.pt", view.page(), request=request)
