"""The collective transparency report: per month contributions against costs and hours
bought, hours used per category and item, the reserve over time, alerts. Built from the
closed months' frozen summaries and provisional summaries of open months. No Pyramid."""

from __future__ import annotations

from dataclasses import dataclass

from ...clock import today
from ..closing import MonthSummary, item_usage_totals
from ..models import LedgerFolder
from ..money import BASE_CURRENCY, Money
from ..months import Month, month_range
from .store import ClosedMonths, summaries


@dataclass(frozen=True)
class ReportMonth:
    month: Month
    summary: MonthSummary | None
    closed: bool
    hash: str | None
    server_cost: Money | None

    @property
    def costs(self) -> Money:
        """Hours bought plus the server's costs, in CAD."""
        total = Money.zero(BASE_CURRENCY)
        if self.summary is not None:
            total = total + self.summary.credit.cost()
        if self.server_cost is not None:
            total = total + self.server_cost
        return total

    def to_json_dict(self) -> dict:
        s = self.summary
        return {
            "month": str(self.month),
            "closed": self.closed,
            "hash": self.hash,
            "server_cost": self.server_cost.format() if self.server_cost else None,
            "hours_cost": s.credit.cost().format() if s else None,
            "costs": self.costs.format(),
            "cad_received": s.cad_received.format() if s else None,
            "currency": BASE_CURRENCY,
            "dues_totals": [m.to_json_dict() for m in s.dues_totals] if s else [],
            "minutes_bought": s.credit.minutes_bought if s else None,
            "maintenance_used": s.maintenance_used if s else None,
            "development_used": s.development_used if s else None,
            "items": [{"item_id": u.item_id, "minutes": u.minutes} for u in s.item_usage]
            if s
            else [],
            "reserve_after": s.reserve_after if s else None,
            "alerts": list(s.alerts) if s else [],
        }


@dataclass(frozen=True)
class ItemLine:
    id: str
    title: str
    status: str
    allocated_minutes: int
    used_minutes: int

    @property
    def remaining_minutes(self) -> int:
        return self.allocated_minutes - self.used_minutes


@dataclass(frozen=True)
class Report:
    first: Month
    last: Month
    months: tuple[ReportMonth, ...]
    items: tuple[ItemLine, ...]

    @property
    def alerts(self) -> list[ReportMonth]:
        return [m for m in self.months if m.summary is not None and m.summary.alerts]

    def to_json_dict(self) -> dict:
        return {
            "from": str(self.first),
            "to": str(self.last),
            "currency": BASE_CURRENCY,
            "months": [m.to_json_dict() for m in self.months],
            "items": [
                {
                    "id": i.id,
                    "title": i.title,
                    "status": i.status,
                    "allocated_minutes": i.allocated_minutes,
                    "used_minutes": i.used_minutes,
                    "remaining_minutes": i.remaining_minutes,
                }
                for i in self.items
            ],
            "alerts": [
                {
                    "month": str(m.month),
                    "thresholds": list(m.summary.alerts),
                    "used_minutes": m.summary.used_minutes,
                    "minutes_bought": m.summary.credit.minutes_bought,
                }
                for m in self.alerts
            ],
        }


def item_usage(folder: LedgerFolder, upto: Month | None = None) -> dict[str, int]:
    """Minutes used per development item over all closed months and the open ones."""
    closed = [r.closed.summary for r in folder.closed.values()]
    last = upto or Month.of(today())
    if closed:
        open_first = closed[-1].month.next()
    elif folder.credits:
        open_first = Month.parse(folder.credits.minKey())
    else:
        open_first = last
    provisional = {}
    if open_first <= last:
        provisional = summaries(folder, open_first, last, with_entries=False)
    return item_usage_totals([*closed, *provisional.values()])


def build_report(folder: LedgerFolder, first: Month, last: Month) -> Report:
    closed = ClosedMonths(folder)
    by_month = summaries(folder, first, last)
    months = []
    for month in month_range(first, last):
        link = closed.get(month)
        months.append(
            ReportMonth(
                month=month,
                summary=by_month.get(month),
                closed=link is not None,
                hash=link.hash if link is not None else None,
                server_cost=folder.server_costs.get(str(month)),
            )
        )
    used = item_usage(folder, max(last, Month.of(today())))
    items = tuple(
        ItemLine(i.id, i.title, i.status, i.allocated_minutes, used.get(i.id, 0))
        for i in folder.items.values()
    )
    return Report(first, last, tuple(months), items)
