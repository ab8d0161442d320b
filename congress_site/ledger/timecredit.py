"""The administrator's time credit: monthly purchases, interventions, development items.

Time is integer minutes everywhere. Decided rules:

* :class:`MonthCredit` stores the split as ``development_minutes`` (the part of the
  hours bought that goes to the development reserve); maintenance gets the rest.
* Exchange rates live on the month's credit record as integer ratios
  (:class:`ExchangeRate`: ``cad_cents`` CAD cents for ``per_cents`` cents of a currency),
  fixed when the record is made, so members' parts are never recomputed with new rates.
* A development item's id is a slug (``backup-drill``): it appears in URLs.
* An intervention is 1..1440 minutes; ``development`` needs an item id, ``maintenance``
  must not have one. Time may not be logged on a ``proposed`` item (the collective has not
  allocated it yet).
* A wrong intervention is corrected like a payment: an :class:`InterventionReversal` in an
  open month subtracts the original's minutes from that month's usage.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .checks import is_int, require_date, require_minutes, require_text
from .entries import ensure_open
from .errors import CurrencyMismatch, InvalidAmount, InvalidEntry, InvalidMinutes
from .money import BASE_CURRENCY, Money, get_currency
from .months import Month

MAINTENANCE = "maintenance"
DEVELOPMENT = "development"
CATEGORIES = (MAINTENANCE, DEVELOPMENT)

MAX_INTERVENTION_MINUTES = 24 * 60

ITEM_STATUSES = ("proposed", "allocated", "in_progress", "done")
LOGGABLE_ITEM_STATUSES = ("allocated", "in_progress", "done")
# An item's id is a slug (what a title becomes): it is a URL segment (PUT @items/<id>).
ITEM_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ITEM_ID = 60


_HOURS_RE = re.compile(r"([0-9]{1,6})(?:\.([0-9]{1,2}))?")


def parse_hours(text: object, field: str = "hours") -> int:
    """``"12"``, ``"12.5"``, ``"0.25"`` hours -> minutes. Must be a whole number of minutes."""
    match = _HOURS_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidMinutes(field, f'{text!r} is not a number of hours (e.g. "12.5")')
    fraction = match.group(2) or "0"
    minutes = Fraction(int(match.group(1))) * 60 + Fraction(int(fraction), 10 ** len(fraction)) * 60
    if minutes.denominator != 1:
        raise InvalidMinutes(field, f"{text!r} hours is not a whole number of minutes")
    return int(minutes)


@dataclass(frozen=True)
class ExchangeRate:
    """``per_cents`` minor units of ``currency`` are worth ``cad_cents`` CAD cents."""

    currency: str
    cad_cents: int
    per_cents: int = 100

    def __post_init__(self) -> None:
        get_currency(self.currency, field="rates.currency")
        for name in ("cad_cents", "per_cents"):
            value = getattr(self, name)
            if not is_int(value) or value <= 0:
                raise InvalidAmount(f"rates.{name}", f"{value!r} must be a positive integer")

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.cad_cents, self.per_cents)


@dataclass(frozen=True)
class MonthCredit:
    """Admin time bought for one month and the terms it was bought on."""

    month: Month
    minutes_bought: int
    hourly_rate: Money  # CAD
    development_minutes: int  # part of minutes_bought that feeds the development reserve
    rates: tuple[ExchangeRate, ...] = ()

    def __post_init__(self) -> None:
        require_minutes(self.minutes_bought, "minutes_bought")
        require_minutes(self.development_minutes, "development_minutes")
        if self.development_minutes > self.minutes_bought:
            raise InvalidMinutes(
                "development_minutes",
                f"{self.development_minutes} exceeds the {self.minutes_bought} minutes bought",
            )
        if self.hourly_rate.currency != BASE_CURRENCY:
            raise CurrencyMismatch("hourly_rate", f"must be in {BASE_CURRENCY}")
        if self.hourly_rate.cents < 0:
            raise InvalidAmount("hourly_rate", "must not be negative")
        seen = set()
        for rate in self.rates:
            if rate.currency in seen or rate.currency == BASE_CURRENCY:
                raise InvalidEntry("rates", f"duplicate or needless rate for {rate.currency}")
            seen.add(rate.currency)
        # Canonical order, so equal records compare and hash equal.
        object.__setattr__(self, "rates", tuple(sorted(self.rates, key=lambda r: r.currency)))

    @property
    def maintenance_minutes(self) -> int:
        return self.minutes_bought - self.development_minutes

    def cost(self) -> Money:
        """Price of the hours bought, rounded half up to the cent (for reports)."""
        numerator = self.minutes_bought * self.hourly_rate.cents
        return Money((numerator + 30) // 60, BASE_CURRENCY)

    def cad_ratio(self, currency: str) -> Fraction:
        """CAD value of one minor unit of ``currency``, exact."""
        if currency == BASE_CURRENCY:
            return Fraction(1)
        for rate in self.rates:
            if rate.currency == currency:
                return rate.ratio
        raise InvalidEntry(
            "rates", f"no {currency} rate on the {self.month} credit record", code="missing_rate"
        )


@dataclass(frozen=True)
class DevelopmentItem:
    """A technical development the collective funds from the reserve."""

    id: str
    title: str
    allocated_minutes: int
    status: str = "proposed"
    description: str = ""

    def __post_init__(self) -> None:
        require_text(self.id, "id", allow_empty=False)
        if len(self.id) > MAX_ITEM_ID or not ITEM_ID_RE.fullmatch(self.id):
            raise InvalidEntry(
                "id",
                f"{self.id!r} is not a short name: lowercase letters and digits, words "
                f"joined by '-', at most {MAX_ITEM_ID} characters",
                code="invalid_id",
            )
        require_text(self.title, "title", allow_empty=False)
        require_text(self.description, "description")
        require_minutes(self.allocated_minutes, "allocated_minutes")
        if self.status not in ITEM_STATUSES:
            raise InvalidEntry(
                "status", f"{self.status!r} is not one of {', '.join(ITEM_STATUSES)}"
            )

    def remaining_minutes(self, used_minutes: int) -> int:
        """Allocated minus used; negative means an overrun, shown as such."""
        return self.allocated_minutes - used_minutes


def _check_category(category: object, item_id: object) -> None:
    if category not in CATEGORIES:
        raise InvalidEntry(
            "category",
            f"{category!r} is not one of {', '.join(CATEGORIES)}",
            code="invalid_category",
        )
    if category == DEVELOPMENT and not (isinstance(item_id, str) and item_id):
        raise InvalidEntry("item_id", "development time needs a development item", code="required")
    if category == MAINTENANCE and item_id is not None:
        raise InvalidEntry("item_id", "maintenance time has no development item")


def _check_minutes(minutes: object) -> None:
    if not is_int(minutes) or not 1 <= minutes <= MAX_INTERVENTION_MINUTES:
        raise InvalidMinutes(
            "minutes", f"{minutes!r} must be a whole number from 1 to {MAX_INTERVENTION_MINUTES}"
        )


@dataclass(frozen=True)
class Intervention:
    """Work logged by the administrator."""

    id: str
    date: datetime.date
    minutes: int
    category: str
    description: str
    logged_by: str
    item_id: str | None = None

    kind = "intervention"

    def __post_init__(self) -> None:
        require_text(self.id, "id", allow_empty=False)
        require_date(self.date)
        _check_minutes(self.minutes)
        _check_category(self.category, self.item_id)
        require_text(self.description, "description", allow_empty=False)
        require_text(self.logged_by, "logged_by", allow_empty=False)

    @property
    def month(self) -> Month:
        return Month.of(self.date)

    @property
    def signed_minutes(self) -> int:
        return self.minutes

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "date": self.date.isoformat(),
            "minutes": self.minutes,
            "category": self.category,
            "item_id": self.item_id,
            "description": self.description,
            "logged_by": self.logged_by,
        }


@dataclass(frozen=True)
class InterventionReversal:
    """Cancels intervention ``reverses`` in the month of ``date``. Build with
    :func:`reverse_intervention`."""

    id: str
    date: datetime.date
    reverses: str
    minutes: int
    category: str
    reason: str
    logged_by: str
    item_id: str | None = None

    kind = "intervention_reversal"

    def __post_init__(self) -> None:
        require_text(self.id, "id", allow_empty=False)
        require_date(self.date)
        require_text(self.reverses, "reverses", allow_empty=False)
        _check_minutes(self.minutes)
        _check_category(self.category, self.item_id)
        require_text(self.reason, "reason", allow_empty=False)
        require_text(self.logged_by, "logged_by", allow_empty=False)

    @property
    def month(self) -> Month:
        return Month.of(self.date)

    @property
    def signed_minutes(self) -> int:
        return -self.minutes

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "date": self.date.isoformat(),
            "reverses": self.reverses,
            "minutes": self.minutes,
            "category": self.category,
            "item_id": self.item_id,
            "reason": self.reason,
            "logged_by": self.logged_by,
        }


TimeEntry = Intervention | InterventionReversal


def reverse_intervention(
    original: Intervention, *, id: str, date: datetime.date, reason: str, logged_by: str
) -> InterventionReversal:
    if not isinstance(original, Intervention):
        raise InvalidEntry(
            "reverses", "only an intervention can be reversed", code="not_reversible"
        )
    return InterventionReversal(
        id=id,
        date=date,
        reverses=original.id,
        minutes=original.minutes,
        category=original.category,
        item_id=original.item_id,
        reason=reason,
        logged_by=logged_by,
    )


def check_new_time_entry(
    entry: TimeEntry,
    *,
    existing: Mapping[str, TimeEntry],
    reversed_ids: Container[str],
    items: Mapping[str, DevelopmentItem],
    closed_months: Container[Month],
) -> None:
    """Validate an intervention (or its reversal) before it is appended. O(1) lookups."""
    ensure_open(entry.month, closed_months)
    if entry.id in existing:
        raise InvalidEntry("id", f"an entry {entry.id!r} already exists", code="duplicate_entry")
    if isinstance(entry, InterventionReversal):
        original = existing.get(entry.reverses)
        if not isinstance(original, Intervention):
            raise InvalidEntry(
                "reverses", f"no intervention {entry.reverses!r}", code="unknown_entry"
            )
        if entry.reverses in reversed_ids:
            raise InvalidEntry(
                "reverses", f"{entry.reverses!r} is already reversed", code="already_reversed"
            )
        same = (entry.minutes, entry.category, entry.item_id)
        if same != (original.minutes, original.category, original.item_id):
            raise InvalidEntry("minutes", f"does not match intervention {original.id!r}")
        if entry.date < original.date:
            raise InvalidEntry("date", f"is before the date of {original.id!r}")
        return
    if entry.item_id is not None:
        item = items.get(entry.item_id)
        if item is None:
            raise InvalidEntry(
                "item_id", f"no development item {entry.item_id!r}", code="unknown_item"
            )
        if item.status not in LOGGABLE_ITEM_STATUSES:
            raise InvalidEntry(
                "item_id",
                f"item {item.id!r} is {item.status}; the collective has not allocated it yet",
                code="item_not_allocated",
            )
