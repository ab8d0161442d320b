"""A member's statement for a period: a pure function of its inputs.

Sign of the balance: **balance = payments - dues**, so a negative balance is arrears
(the member owes) and a positive one is credit (paid ahead). The opening balance covers
everything before the period; each month's balance is the running balance at its end.

Dues of a closed month are the ones frozen (and hashed) in it; open months take them from
the subscription history. Amounts are in the member's currency, ``cad_received`` in CAD.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .closing import ClosedMonth, ItemUsage, MonthSummary
from .entries import Entry, Payment, Reversal
from .errors import CurrencyMismatch, InvalidEntry
from .money import BASE_CURRENCY, Money
from .months import Month, month_range
from .subscriptions import SubscriptionHistory


@dataclass(frozen=True)
class StatementLine:
    """A payment (positive) or reversal (negative) as it appears on the statement."""

    kind: str
    id: str
    date: datetime.date
    amount: Money  # signed, member's currency
    cad_received: Money  # signed, CAD
    reference: str
    note: str  # the payment's note or the reversal's reason
    reverses: str | None

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "date": self.date.isoformat(),
            "amount": self.amount.format(),
            "cad_received": self.cad_received.format(),
            "reference": self.reference,
            "note": self.note,
            "reverses": self.reverses,
        }


@dataclass(frozen=True)
class TimeCreditLine:
    minutes_bought: int
    maintenance_minutes_bought: int
    development_minutes_bought: int
    maintenance_used: int
    development_used: int
    used_by_item: tuple[ItemUsage, ...]
    reserve_carried_over: int  # after this month; negative = overrun
    used_minutes: int
    member_minutes: int  # this member's part of used_minutes
    alerts: tuple[int, ...]

    def to_json_dict(self) -> dict[str, object]:
        return {
            "minutes_bought": self.minutes_bought,
            "maintenance_minutes_bought": self.maintenance_minutes_bought,
            "development_minutes_bought": self.development_minutes_bought,
            "maintenance_used": self.maintenance_used,
            "development_used": self.development_used,
            "used_by_item": [
                {"item_id": u.item_id, "minutes": u.minutes} for u in self.used_by_item
            ],
            "reserve_carried_over": self.reserve_carried_over,
            "used_minutes": self.used_minutes,
            "member_minutes": self.member_minutes,
            "alerts": list(self.alerts),
        }


@dataclass(frozen=True)
class StatementMonth:
    month: Month
    dues: Money
    lines: tuple[StatementLine, ...]  # by date, then id
    paid: Money  # net of reversals
    cad_received: Money
    balance: Money  # running balance at the end of the month
    closed: bool
    hash: str | None  # the closed month's hash
    time_credit: TimeCreditLine | None  # None when no credit record is known for the month

    def to_json_dict(self) -> dict[str, object]:
        return {
            "month": str(self.month),
            "dues": self.dues.format(),
            "payments": [line.to_json_dict() for line in self.lines],
            "paid": self.paid.format(),
            "cad_received": self.cad_received.format(),
            "balance": self.balance.format(),
            "closed": self.closed,
            "hash": self.hash,
            "time_credit": self.time_credit.to_json_dict() if self.time_credit else None,
        }


@dataclass(frozen=True)
class Statement:
    member_id: str
    currency: str
    first: Month
    last: Month
    opening_balance: Money
    months: tuple[StatementMonth, ...]
    total_dues: Money
    total_paid: Money
    total_cad_received: Money
    closing_balance: Money

    def to_json_dict(self) -> dict[str, object]:
        """JSON-ready dict. Amounts are decimal strings (``"30.00"``): those of the member
        in ``currency``, every ``cad_received`` in ``base_currency``. Minutes are ints."""
        return {
            "member_id": self.member_id,
            "currency": self.currency,
            "base_currency": BASE_CURRENCY,
            "from": str(self.first),
            "to": str(self.last),
            "balance_sign": "payments minus dues: negative = arrears, positive = credit",
            "opening_balance": self.opening_balance.format(),
            "months": [m.to_json_dict() for m in self.months],
            "total_dues": self.total_dues.format(),
            "total_paid": self.total_paid.format(),
            "total_cad_received": self.total_cad_received.format(),
            "closing_balance": self.closing_balance.format(),
        }


def _line(entry: Entry) -> StatementLine:
    is_payment = isinstance(entry, Payment)
    return StatementLine(
        kind=entry.kind,
        id=entry.id,
        date=entry.date,
        amount=entry.signed_amount,
        cad_received=entry.signed_cad,
        reference=entry.reference if is_payment else "",
        note=entry.note if is_payment else entry.reason,
        reverses=entry.reverses if isinstance(entry, Reversal) else None,
    )


def _time_credit(summary: MonthSummary, member_id: str) -> TimeCreditLine:
    part = summary.part_of(member_id)
    credit = summary.credit
    return TimeCreditLine(
        minutes_bought=credit.minutes_bought,
        maintenance_minutes_bought=credit.maintenance_minutes,
        development_minutes_bought=credit.development_minutes,
        maintenance_used=summary.maintenance_used,
        development_used=summary.development_used,
        used_by_item=summary.item_usage,
        reserve_carried_over=summary.reserve_after,
        used_minutes=summary.used_minutes,
        member_minutes=part.minutes if part is not None else 0,
        alerts=summary.alerts,
    )


class _Dues:
    """Dues per month: frozen in closed months, else from the history."""

    def __init__(
        self, member_id: str, history: SubscriptionHistory, closed: Mapping[Month, ClosedMonth]
    ) -> None:
        self.member_id, self.history, self.closed = member_id, history, closed

    def __call__(self, month: Month) -> Money:
        link = self.closed.get(month)
        part = link.summary.part_of(self.member_id) if link is not None else None
        if part is None:
            return self.history.dues(month)
        if part.dues.currency != self.history.currency:
            raise CurrencyMismatch(f"closed[{month}]", "frozen dues are in another currency")
        return part.dues


def statement(
    member_id: str,
    history: SubscriptionHistory,
    first: Month,
    last: Month,
    *,
    entries: Iterable[Entry],
    closed: Mapping[Month, ClosedMonth],
    open_summaries: Mapping[Month, MonthSummary] | None = None,
) -> Statement:
    """Build the statement of ``member_id`` for ``first..last`` (inclusive).

    ``entries`` are this member's ledger entries (any order; those after ``last`` are
    ignored, those before ``first`` make the opening balance). ``closed`` maps month ->
    closed month (at least those in and before the period); ``open_summaries`` may give
    provisional summaries for open months so their time credit shows. Cost: O(entries +
    months x log members); nothing scans all members.
    """
    currency = history.currency
    zero = Money.zero(currency)
    cad_zero = Money.zero(BASE_CURRENCY)
    open_summaries = open_summaries or {}
    months = list(month_range(first, last))
    dues_of = _Dues(member_id, history, closed)

    by_month: dict[Month, list[Entry]] = {}
    opening = zero
    for entry in entries:
        if entry.member_id != member_id:
            raise InvalidEntry("entries", f"{entry.id!r} belongs to {entry.member_id!r}")
        if entry.amount.currency != currency:
            raise CurrencyMismatch("entries", f"{entry.id!r} is not in {currency}")
        month = entry.month
        if month < first:
            opening = opening + entry.signed_amount
        elif month <= last:
            by_month.setdefault(month, []).append(entry)

    start = history.first_month()
    if start is not None and start < first:
        for month in month_range(start, first.prev()):
            opening = opening - dues_of(month)

    balance = opening
    total_dues, total_paid, total_cad = zero, zero, cad_zero
    rows = []
    for month in months:
        month_entries = sorted(by_month.get(month, ()), key=lambda e: (e.date, e.id))
        lines = tuple(_line(e) for e in month_entries)
        dues = dues_of(month)
        paid = Money(sum(line.amount.cents for line in lines), currency)
        cad = Money(sum(line.cad_received.cents for line in lines), BASE_CURRENCY)
        balance = balance + paid - dues
        total_dues, total_paid, total_cad = total_dues + dues, total_paid + paid, total_cad + cad
        link = closed.get(month)
        summary = link.summary if link is not None else open_summaries.get(month)
        rows.append(
            StatementMonth(
                month=month,
                dues=dues,
                lines=lines,
                paid=paid,
                cad_received=cad,
                balance=balance,
                closed=link is not None,
                hash=link.hash if link is not None else None,
                time_credit=_time_credit(summary, member_id) if summary is not None else None,
            )
        )
    return Statement(
        member_id=member_id,
        currency=currency,
        first=first,
        last=last,
        opening_balance=opening,
        months=tuple(rows),
        total_dues=total_dues,
        total_paid=total_paid,
        total_cad_received=total_cad,
        closing_balance=balance,
    )
