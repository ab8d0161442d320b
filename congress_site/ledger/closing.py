"""Month summaries and the month close with its hash chain.

:func:`summarize_month` computes what a month's time credit looks like (usable for an
open month, provisionally); :func:`close_month` freezes that summary into a
:class:`ClosedMonth` whose SHA-256 hash covers a canonical serialization of the
month's contents and the previous closed month's hash.

Decided rules:

* Used minutes are summed per category and per development item, reversals counting
  negative in the month they are recorded.
* Development reserve carried over = previous reserve + development minutes bought -
  development minutes used. It may go negative (an overrun) and is shown as is. The first
  close starts from ``opening_reserve`` (0 unless the collective brings a reserve in).
* Alerts: a threshold ``t`` in ``ALERT_THRESHOLDS`` (percent) is reached when used
  minutes > 0 and ``used * 100 >= t * bought``. With nothing bought any use reaches all.
* Members' parts: the month's used minutes are split between the members in proportion
  to their dues that month, each converted to CAD with the exact rate on the month's
  credit record (no rounding: weights are integers on a common denominator), with
  largest-remainder rounding over members sorted by id. If no member owes anything, the
  used minutes stay ``unallocated_minutes``.
* Hash: ``sha256("konbit-ledger/closed-month/v1\\n" + canonical JSON)`` where the JSON
  (sorted keys, no spaces, UTF-8) holds the previous hash, the summary and a digest of
  the month's entries and time entries (all fields, sorted by id). Input order never
  matters, so closing the same inputs twice gives the identical hash.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .entries import Entry
from .errors import InvalidEntry
from .money import BASE_CURRENCY, Money
from .months import Month
from .rounding import largest_remainder
from .timecredit import MAINTENANCE, MonthCredit, TimeEntry

ALERT_THRESHOLDS = (50, 80, 100)
HASH_DOMAIN = b"konbit-ledger/closed-month/v1\n"


@dataclass(frozen=True)
class ItemUsage:
    item_id: str
    minutes: int


@dataclass(frozen=True)
class MemberPart:
    """A member's dues in the month and its share of the month's used minutes."""

    member_id: str
    dues: Money
    minutes: int


@dataclass(frozen=True)
class MonthSummary:
    """Everything computed about one month; all sequences sorted canonically."""

    month: Month
    credit: MonthCredit
    maintenance_used: int
    development_used: int
    item_usage: tuple[ItemUsage, ...]  # sorted by item id
    reserve_before: int
    reserve_after: int  # carried over to the next month; negative = overrun
    alerts: tuple[int, ...]  # thresholds reached, ascending
    cad_received: Money  # net of reversals
    dues_totals: tuple[Money, ...]  # one per currency, sorted by currency
    member_parts: tuple[MemberPart, ...]  # sorted by member id
    unallocated_minutes: int

    @property
    def used_minutes(self) -> int:
        return self.maintenance_used + self.development_used

    @property
    def maintenance_remaining(self) -> int:
        """Maintenance minutes bought minus used; negative = overrun."""
        return self.credit.maintenance_minutes - self.maintenance_used

    def part_of(self, member_id: str) -> MemberPart | None:
        """The member's part, O(log n)."""
        parts = self.member_parts
        i = bisect.bisect_left(parts, member_id, key=lambda p: p.member_id)
        if i < len(parts) and parts[i].member_id == member_id:
            return parts[i]
        return None

    def item_minutes(self, item_id: str) -> int:
        for usage in self.item_usage:
            if usage.item_id == item_id:
                return usage.minutes
        return 0

    def to_json_dict(self) -> dict[str, object]:
        credit = self.credit
        return {
            "month": str(self.month),
            "credit": {
                "minutes_bought": credit.minutes_bought,
                "maintenance_minutes": credit.maintenance_minutes,
                "development_minutes": credit.development_minutes,
                "hourly_rate": credit.hourly_rate.format(),
                "currency": credit.hourly_rate.currency,
                "rates": [
                    {"currency": r.currency, "cad_cents": r.cad_cents, "per_cents": r.per_cents}
                    for r in credit.rates
                ],
            },
            "maintenance_used": self.maintenance_used,
            "development_used": self.development_used,
            "used_minutes": self.used_minutes,
            "items": [{"item_id": u.item_id, "minutes": u.minutes} for u in self.item_usage],
            "reserve_before": self.reserve_before,
            "reserve_after": self.reserve_after,
            "alerts": list(self.alerts),
            "cad_received": self.cad_received.format(),
            "cad_currency": self.cad_received.currency,
            "dues_totals": [m.to_json_dict() for m in self.dues_totals],
            "member_parts": [
                {"member_id": p.member_id, **p.dues.to_json_dict(), "minutes": p.minutes}
                for p in self.member_parts
            ],
            "unallocated_minutes": self.unallocated_minutes,
        }


@dataclass(frozen=True)
class ClosedMonth:
    """A frozen month: its summary, the ids it froze, and its place in the hash chain."""

    summary: MonthSummary
    entry_ids: tuple[str, ...]  # sorted
    time_entry_ids: tuple[str, ...]  # sorted
    inputs_digest: str  # sha256 of the month's entries and time entries
    previous_hash: str  # "" for the first closed month
    hash: str

    @property
    def month(self) -> Month:
        return self.summary.month

    @property
    def reserve_after(self) -> int:
        return self.summary.reserve_after


def _used_by_category(time_entries: Iterable[TimeEntry]) -> tuple[int, int, dict[str, int]]:
    maintenance = development = 0
    per_item: dict[str, int] = {}
    for entry in time_entries:
        minutes = entry.signed_minutes
        if entry.category == MAINTENANCE:
            maintenance += minutes
        else:
            development += minutes
            per_item[entry.item_id] = per_item.get(entry.item_id, 0) + minutes
    return maintenance, development, per_item


def alerts_reached(used: int, bought: int) -> tuple[int, ...]:
    if used <= 0:
        return ()
    return tuple(t for t in ALERT_THRESHOLDS if used * 100 >= t * bought)


def cad_weights(dues: Sequence[Money], credit: MonthCredit) -> list[int]:
    """Dues converted to CAD as exact integer weights on a common denominator."""
    values = [Fraction(m.cents) * credit.cad_ratio(m.currency) for m in dues]
    common = math.lcm(*(v.denominator for v in values)) if values else 1
    return [int(v * common) for v in values]


def member_parts(
    used_minutes: int, dues: Mapping[str, Money], credit: MonthCredit
) -> tuple[tuple[MemberPart, ...], int]:
    """Split ``used_minutes`` by CAD-weighted dues. Returns (parts sorted by id, unallocated)."""
    member_ids = sorted(dues)
    amounts = [dues[m] for m in member_ids]
    for member_id, amount in zip(member_ids, amounts, strict=True):
        if amount.cents < 0:
            raise InvalidEntry(f"dues[{member_id}]", "must not be negative")
    weights = cad_weights(amounts, credit)
    if sum(weights) == 0:
        minutes, unallocated = [0] * len(member_ids), used_minutes
    else:
        minutes, unallocated = largest_remainder(used_minutes, weights), 0
    parts = tuple(MemberPart(m, a, n) for m, a, n in zip(member_ids, amounts, minutes, strict=True))
    return parts, unallocated


def _check_month(month: Month, items: Iterable[Entry | TimeEntry], what: str) -> list:
    result = list(items)
    seen: set[str] = set()
    for item in result:
        if item.month != month:
            raise InvalidEntry(
                what, f"{item.id!r} is dated {item.date}, outside {month}", code="wrong_month"
            )
        if item.id in seen:
            raise InvalidEntry(what, f"{item.id!r} appears twice", code="duplicate_entry")
        seen.add(item.id)
    return result


def summarize_month(
    month: Month,
    *,
    credit: MonthCredit,
    entries: Iterable[Entry],
    time_entries: Iterable[TimeEntry],
    dues: Mapping[str, Money],
    reserve_before: int,
) -> MonthSummary:
    """Compute a month's summary from that month's data only (O(n log n) in members).

    ``entries``/``time_entries`` are the month's own (all members); ``dues`` maps every
    member id to its dues for the month (members owing nothing may be left out).
    """
    if credit.month != month:
        raise InvalidEntry("credit", f"is the record of {credit.month}, not {month}")
    entries = _check_month(month, entries, "entries")
    time_entries = _check_month(month, time_entries, "time_entries")
    maintenance, development, per_item = _used_by_category(time_entries)
    parts, unallocated = member_parts(maintenance + development, dues, credit)
    cad = sum((e.signed_cad.cents for e in entries), 0)
    dues_totals: dict[str, int] = {}
    for amount in dues.values():
        dues_totals[amount.currency] = dues_totals.get(amount.currency, 0) + amount.cents
    return MonthSummary(
        month=month,
        credit=credit,
        maintenance_used=maintenance,
        development_used=development,
        item_usage=tuple(ItemUsage(i, per_item[i]) for i in sorted(per_item)),
        reserve_before=reserve_before,
        reserve_after=reserve_before + credit.development_minutes - development,
        alerts=alerts_reached(maintenance + development, credit.minutes_bought),
        cad_received=Money(cad, BASE_CURRENCY),
        dues_totals=tuple(Money(dues_totals[c], c) for c in sorted(dues_totals)),
        member_parts=parts,
        unallocated_minutes=unallocated,
    )


def _canonical(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def inputs_digest(entries: Iterable[Entry], time_entries: Iterable[TimeEntry]) -> str:
    """SHA-256 over the month's entries and time entries, all fields, sorted by id."""
    payload = {
        "entries": [e.to_json_dict() for e in sorted(entries, key=lambda e: e.id)],
        "time_entries": [e.to_json_dict() for e in sorted(time_entries, key=lambda e: e.id)],
    }
    return hashlib.sha256(_canonical(payload)).hexdigest()


def month_hash(summary: MonthSummary, digest: str, previous_hash: str) -> str:
    payload = {"previous_hash": previous_hash, "summary": summary.to_json_dict(), "inputs": digest}
    return hashlib.sha256(HASH_DOMAIN + _canonical(payload)).hexdigest()


def close_month(
    month: Month,
    previous: ClosedMonth | None,
    *,
    credit: MonthCredit,
    entries: Iterable[Entry],
    time_entries: Iterable[TimeEntry],
    dues: Mapping[str, Money],
    opening_reserve: int = 0,
) -> ClosedMonth:
    """Close ``month`` after ``previous`` (None only for the very first close).

    Months close in order: ``previous`` must be the month just before. Pure: the caller
    stores the result and from then on refuses entries dated in ``month``.
    """
    if previous is not None and previous.month != month.prev():
        raise InvalidEntry(
            "month",
            f"cannot close {month} after {previous.month}; close {previous.month.next()} first",
            code="close_out_of_order",
        )
    entries = list(entries)
    time_entries = list(time_entries)
    summary = summarize_month(
        month,
        credit=credit,
        entries=entries,
        time_entries=time_entries,
        dues=dues,
        reserve_before=previous.reserve_after if previous is not None else opening_reserve,
    )
    digest = inputs_digest(entries, time_entries)
    previous_hash = previous.hash if previous is not None else ""
    return ClosedMonth(
        summary=summary,
        entry_ids=tuple(sorted(e.id for e in entries)),
        time_entry_ids=tuple(sorted(e.id for e in time_entries)),
        inputs_digest=digest,
        previous_hash=previous_hash,
        hash=month_hash(summary, digest, previous_hash),
    )


def verify_chain(closed: Sequence[ClosedMonth]) -> None:
    """Check consecutive months, each link, and each stored hash against its content.

    Raises :class:`InvalidEntry` (code ``broken_chain``) naming the first bad month.
    Whether the stored entries still match ``inputs_digest`` is checked by recomputing
    :func:`inputs_digest` over them.
    """
    previous: ClosedMonth | None = None
    for link in closed:
        where = f"closed[{link.month}]"
        if previous is not None and link.month != previous.month.next():
            raise InvalidEntry(where, f"does not follow {previous.month}", code="broken_chain")
        expected_previous = previous.hash if previous is not None else link.previous_hash
        if link.previous_hash != expected_previous:
            raise InvalidEntry(where, "previous hash does not match", code="broken_chain")
        if month_hash(link.summary, link.inputs_digest, link.previous_hash) != link.hash:
            raise InvalidEntry(where, "hash does not match its content", code="broken_chain")
        previous = link


def item_usage_totals(summaries: Iterable[MonthSummary]) -> dict[str, int]:
    """Minutes used per development item over several months (for the items' progress)."""
    totals: dict[str, int] = {}
    for summary in summaries:
        for usage in summary.item_usage:
            totals[usage.item_id] = totals.get(usage.item_id, 0) + usage.minutes
    return totals
