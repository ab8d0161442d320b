"""Subscription history and the dues that follow from it.

Rule for overlapping periods (the issue leaves it open): **a later ``start`` supersedes**.
For a month ``m`` the subscription that applies is the one with the latest ``start <= m``;
if that one has ended (``until < m``) the member owes nothing that month, even when an
older subscription would still run. So a new line in the history replaces the previous
one from its start month onwards, and ``until`` on the latest line ends the membership.
Two lines with the same ``start`` are ambiguous and refused.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import CurrencyMismatch, InvalidEntry
from .money import Money, get_currency
from .months import PLAUSIBLE_MARGIN, Month, month_range, require_plausible


@dataclass(frozen=True)
class Subscription:
    """One line of a member's history: from ``start`` (the file's ``from``), ``shares`` shares
    of ``amount_per_share`` a month, up to and including ``until`` when given.

    ``shares`` may be 0 and ``amount_per_share`` may be 0 ("according to means", or a
    pause that supersedes an earlier line); negative values are refused.
    """

    start: Month
    shares: int
    amount_per_share: Money
    until: Month | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.shares, int) or isinstance(self.shares, bool) or self.shares < 0:
            raise InvalidEntry("shares", f"{self.shares!r} must be an integer >= 0")
        if self.amount_per_share.cents < 0:
            raise InvalidEntry("amount_per_share", "must not be negative")
        if self.until is not None and self.until < self.start:
            raise InvalidEntry(
                "until", f"{self.until} is before from {self.start}", code="invalid_range"
            )

    @property
    def monthly_dues(self) -> Money:
        return self.amount_per_share * self.shares

    def last_month_before(self, next_start: Month | None) -> Month | None:
        """Last month this line applies, given the start of the line that supersedes it."""
        end = self.until
        if next_start is not None:
            superseded = next_start.prev()
            end = superseded if end is None or superseded < end else end
        return end


class SubscriptionHistory:
    """A member's subscriptions in one currency, ordered by start. Immutable once built.

    ``dues(month)`` is O(log n); ``total_dues(first, last)`` is O(n) in the number of
    lines, not in the number of months.
    """

    __slots__ = ("currency", "subscriptions", "_starts")

    def __init__(self, currency: str, subscriptions: Iterable[Subscription] = ()) -> None:
        get_currency(currency)
        lines = sorted(subscriptions, key=lambda s: s.start)
        for i, line in enumerate(lines):
            if line.amount_per_share.currency != currency:
                raise CurrencyMismatch(
                    f"subscriptions[{i}].amount_per_share",
                    f"is in {line.amount_per_share.currency}, the member's currency is {currency}",
                )
            if i and lines[i - 1].start == line.start:
                raise InvalidEntry(
                    f"subscriptions[{i}].from",
                    f"two subscriptions start in {line.start}",
                    code="duplicate_subscription_start",
                )
        self.currency = currency
        self.subscriptions: tuple[Subscription, ...] = tuple(lines)
        self._starts = [s.start for s in lines]

    def active(self, month: Month) -> Subscription | None:
        """The subscription that applies in ``month``, or None."""
        i = bisect.bisect_right(self._starts, month) - 1
        if i < 0:
            return None
        line = self.subscriptions[i]
        if line.until is not None and line.until < month:
            return None
        return line

    def dues(self, month: Month) -> Money:
        line = self.active(month)
        return line.monthly_dues if line is not None else Money.zero(self.currency)

    def dues_by_month(self, first: Month, last: Month) -> Iterator[tuple[Month, Money]]:
        for month in month_range(first, last):
            yield month, self.dues(month)

    def periods(self) -> Iterator[tuple[Month, Month | None, Money]]:
        """Effective periods after superseding: ``(first, last or None, monthly dues)``."""
        lines = self.subscriptions
        for i, line in enumerate(lines):
            next_start = lines[i + 1].start if i + 1 < len(lines) else None
            yield line.start, line.last_month_before(next_start), line.monthly_dues

    def total_dues(self, first: Month, last: Month) -> Money:
        """Sum of dues over the inclusive range (zero when ``last < first``)."""
        cents = 0
        for start, end, monthly in self.periods():
            lo = max(start, first)
            hi = last if end is None else min(end, last)
            if lo <= hi:
                cents += monthly.cents * (hi.index - lo.index + 1)
        return Money(cents, self.currency)

    def first_month(self) -> Month | None:
        return self._starts[0] if self._starts else None

    def months(self) -> list[Month]:
        """Every month a line starts or ends in: what other ledger dates are judged by."""
        return [*self._starts, *(s.until for s in self.subscriptions if s.until is not None)]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SubscriptionHistory):
            return NotImplemented
        return (self.currency, self.subscriptions) == (other.currency, other.subscriptions)

    def __hash__(self) -> int:
        return hash((self.currency, self.subscriptions))

    def __repr__(self) -> str:
        return f"SubscriptionHistory({self.currency!r}, {list(self.subscriptions)!r})"


def check_history_change(
    old: SubscriptionHistory, new: SubscriptionHistory, closed_months: Iterable[Month]
) -> None:
    """Refuse a history edit that would change the dues of a closed month.

    Closed months froze their dues into their hash; a change of means is a new line
    starting in an open month. O(closed months x log lines).
    """
    from .errors import MonthClosed  # local: keeps the import list above about values

    if new.currency != old.currency:
        raise CurrencyMismatch("currency", f"cannot change from {old.currency} to {new.currency}")
    for month in closed_months:
        if old.dues(month) != new.dues(month):
            raise MonthClosed(
                "subscriptions",
                f"the change alters the dues of closed month {month}; start it in an open month",
            )


# How far back a subscription line may start: histories are imported from the konbit's
# beginnings, never from another century. Forward, the usual margin (planned changes).
HISTORY_YEARS_BACK = 30


def check_plausible_lines(
    old: SubscriptionHistory, new: SubscriptionHistory, today: datetime.date
) -> None:
    """Refuse a new or changed line starting or ending implausibly far from today (the
    history's months anchor the window of every other ledger date). Lines kept as they were
    are not judged again."""
    current = Month.of(today)
    window = (current - 12 * HISTORY_YEARS_BACK, current + PLAUSIBLE_MARGIN)
    kept = set(old.subscriptions)
    for i, line in enumerate(new.subscriptions):
        if line in kept:
            continue
        require_plausible(line.start, window, f"subscriptions[{i}].from", str(line.start))
        if line.until is not None:
            require_plausible(line.until, window, f"subscriptions[{i}].until", str(line.until))
