"""Months as values: ``Month.parse("2026-05")``, ordering, arithmetic, inclusive ranges."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import InvalidMonth

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month. Ordered chronologically; ``str()`` gives ``"YYYY-MM"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        for name in ("year", "month"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidMonth(name, f"must be an int, got {type(value).__name__}")
        if not 1 <= self.year <= 9999:
            raise InvalidMonth("month", f"year {self.year} is out of range 1..9999")
        if not 1 <= self.month <= 12:
            raise InvalidMonth("month", f"month {self.month} is out of range 1..12")

    @classmethod
    def parse(cls, text: object, field: str = "month") -> Month:
        """Parse exactly ``YYYY-MM`` (two-digit month). ``"2026-1"``, ``"2026-13"``,
        ``"2026-00"``, dates and non-strings raise :class:`InvalidMonth` naming ``field``."""
        if isinstance(text, datetime.date):  # YAML turns an unquoted 2026-01-01 into a date
            raise InvalidMonth(field, f'{text.isoformat()} is a date, not a month ("YYYY-MM")')
        if not isinstance(text, str):
            raise InvalidMonth(field, f'{text!r} is not a month (expected a "YYYY-MM" string)')
        match = _MONTH_RE.fullmatch(text)
        if match is None:
            raise InvalidMonth(field, f"{text!r} is not a month (expected YYYY-MM)")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year == 0:
            raise InvalidMonth(field, f"{text!r} is not a month")
        return cls(year, month)

    @classmethod
    def of(cls, date: datetime.date) -> Month:
        return cls(date.year, date.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        year, month0 = divmod(index, 12)
        return cls(year, month0 + 1)

    @property
    def index(self) -> int:
        """Months since year 0; differences of indexes count months."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Month.from_index(self.index + months)

    def __sub__(self, months: int) -> Month:
        if not isinstance(months, int) or isinstance(months, bool):
            return NotImplemented
        return Month.from_index(self.index - months)

    def next(self) -> Month:
        return self + 1

    def prev(self) -> Month:
        return self - 1

    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    def contains(self, date: datetime.date) -> bool:
        return date.year == self.year and date.month == self.month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: Month, last: Month) -> int:
    """Number of months in the inclusive range ``first..last`` (0 when ``last < first``)."""
    return max(0, last.index - first.index + 1)


def month_range(first: Month, last: Month) -> Iterator[Month]:
    """Inclusive range ``first..last``. ``last < first`` is a caller error
    (an impossible period) and raises :class:`InvalidMonth` with code ``invalid_range``."""
    if last < first:
        raise InvalidMonth("to", f"{last} is before {first}", code="invalid_range")
    for index in range(first.index, last.index + 1):
        yield Month.from_index(index)


# A ledger date may lie this many months before the earliest, and after the latest, of
# today and the subscription history: a year either way takes late corrections, back-dated
# imports and planned changes, and refuses typos such as 9999-12-31 or 0226-03-01 (stored,
# they would show in no statement).
PLAUSIBLE_MARGIN = 12


def plausible_window(
    anchors: Iterable[Month], today: datetime.date, margin: int = PLAUSIBLE_MARGIN
) -> tuple[Month, Month]:
    """The months a ledger date may fall in, around ``today`` and the ``anchors`` (the
    months of the subscription history)."""
    months = [Month.of(today), *anchors]
    return min(months) - margin, max(months) + margin


def require_plausible(month: Month, window: tuple[Month, Month], field: str, shown: str) -> None:
    """Raise :class:`InvalidMonth` (``implausible_date``) unless ``month`` is in
    ``window``; ``shown`` is the value as given, for the message."""
    first, last = window
    if not first <= month <= last:
        raise InvalidMonth(
            field,
            f"{shown} is too far from today and the subscription history (from {first} to {last})",
            code="implausible_date",
        )
