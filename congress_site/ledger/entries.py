"""Append-only ledger entries: payments and the reversals that correct them.

Dues are not entries: they are computed from the subscription history.

A correction never edits or deletes an entry. It is a :class:`Reversal` recorded on
its own date (in an open month) that names the entry it cancels and carries that
entry's amounts, so every entry is self-contained: a month's effect is the sum of its
own entries' signed amounts, with no lookup into older (possibly closed) months.
To correct a wrong payment: reverse it, then record the right payment.

Decided rules:

* A payment's ``amount`` is in the member's currency (its balance is kept in it); the
  amount actually received in the collective's currency is ``cad_received``. For a CAD
  payment both must be equal. Both must be > 0.
* A reversal cancels exactly one payment, at most once, of the same member, dated no
  earlier than that payment; reversing a reversal is refused (record a new payment).
* An entry belongs to the month of its ``date``; a closed month takes no new entries.
"""

from __future__ import annotations

import datetime
from collections.abc import Container, Mapping
from dataclasses import dataclass

from .checks import require_date, require_text
from .errors import CurrencyMismatch, InvalidAmount, InvalidEntry, MonthClosed
from .money import BASE_CURRENCY, Money
from .months import Month


def parse_date(text: object, field: str = "date") -> datetime.date:
    """Parse an ISO ``YYYY-MM-DD`` string (a ``date`` passes through)."""
    if isinstance(text, datetime.date) and not isinstance(text, datetime.datetime):
        return text
    if isinstance(text, str) and len(text) == 10:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidEntry(field, f"{text!r} is not a date (expected YYYY-MM-DD)", code="invalid_date")


@dataclass(frozen=True)
class Payment:
    """Money received from a member."""

    id: str
    member_id: str
    date: datetime.date
    amount: Money
    cad_received: Money
    reference: str = ""
    note: str = ""

    kind = "payment"

    def __post_init__(self) -> None:
        require_text(self.id, "id", allow_empty=False)
        require_text(self.member_id, "member_id", allow_empty=False)
        require_date(self.date)
        require_text(self.reference, "reference")
        require_text(self.note, "note")
        if self.amount.cents <= 0:
            raise InvalidAmount("amount", f"{self.amount.format()} must be greater than zero")
        if self.cad_received.currency != BASE_CURRENCY:
            raise CurrencyMismatch(
                "cad_received", f"must be in {BASE_CURRENCY}, not {self.cad_received.currency}"
            )
        if self.cad_received.cents <= 0:
            raise InvalidAmount(
                "cad_received", f"{self.cad_received.format()} must be greater than zero"
            )
        if self.amount.currency == BASE_CURRENCY and self.cad_received != self.amount:
            raise InvalidAmount(
                "cad_received",
                f"{self.cad_received.format()} differs from the CAD amount {self.amount.format()}",
            )

    @property
    def month(self) -> Month:
        return Month.of(self.date)

    @property
    def signed_amount(self) -> Money:
        return self.amount

    @property
    def signed_cad(self) -> Money:
        return self.cad_received

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "member_id": self.member_id,
            "date": self.date.isoformat(),
            "amount": self.amount.format(),
            "currency": self.amount.currency,
            "cad_received": self.cad_received.format(),
            "reference": self.reference,
            "note": self.note,
        }


@dataclass(frozen=True)
class Reversal:
    """Cancels the payment ``reverses``; ``amount``/``cad_received`` are that payment's
    (positive) amounts, which this entry subtracts. Build it with :func:`reverse`."""

    id: str
    member_id: str
    date: datetime.date
    reverses: str
    amount: Money
    cad_received: Money
    reason: str

    kind = "reversal"

    def __post_init__(self) -> None:
        require_text(self.id, "id", allow_empty=False)
        require_text(self.member_id, "member_id", allow_empty=False)
        require_date(self.date)
        require_text(self.reverses, "reverses", allow_empty=False)
        require_text(self.reason, "reason", allow_empty=False)
        if self.reverses == self.id:
            raise InvalidEntry("reverses", "an entry cannot reverse itself")
        if self.amount.cents <= 0 or self.cad_received.cents <= 0:
            raise InvalidAmount("amount", "a reversal carries the positive amounts it cancels")
        if self.cad_received.currency != BASE_CURRENCY:
            raise CurrencyMismatch("cad_received", f"must be in {BASE_CURRENCY}")

    @property
    def month(self) -> Month:
        return Month.of(self.date)

    @property
    def signed_amount(self) -> Money:
        return -self.amount

    @property
    def signed_cad(self) -> Money:
        return -self.cad_received

    def to_json_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "member_id": self.member_id,
            "date": self.date.isoformat(),
            "reverses": self.reverses,
            "amount": self.amount.format(),
            "currency": self.amount.currency,
            "cad_received": self.cad_received.format(),
            "reason": self.reason,
        }


Entry = Payment | Reversal


def reverse(original: Payment, *, id: str, date: datetime.date, reason: str) -> Reversal:
    """Build the reversal of ``original`` (validate it with :func:`check_new_entry`)."""
    if not isinstance(original, Payment):
        raise InvalidEntry("reverses", "only a payment can be reversed", code="not_reversible")
    return Reversal(
        id=id,
        member_id=original.member_id,
        date=date,
        reverses=original.id,
        amount=original.amount,
        cad_received=original.cad_received,
        reason=reason,
    )


def ensure_open(month: Month, closed_months: Container[Month], field: str = "date") -> None:
    """Raise :class:`MonthClosed` when ``month`` is closed."""
    if month in closed_months:
        raise MonthClosed(
            field,
            f"{month} is closed; record a correction in an open month instead",
        )


def check_new_entry(
    entry: Entry,
    *,
    member_currency: str,
    existing: Mapping[str, Entry],
    reversed_ids: Container[str],
    closed_months: Container[Month],
) -> None:
    """Validate ``entry`` before it is appended to a member's ledger.

    ``existing`` maps entry id -> entry (the member's or the whole ledger's; ids must be
    unique within it), ``reversed_ids`` holds the ids already reversed. All lookups are
    O(1) so the web layer can pass its BTrees directly. Raises a :class:`LedgerError`.
    """
    ensure_open(entry.month, closed_months)
    if entry.id in existing:
        raise InvalidEntry("id", f"an entry {entry.id!r} already exists", code="duplicate_entry")
    if entry.amount.currency != member_currency:
        raise CurrencyMismatch(
            "amount",
            f"is in {entry.amount.currency}, the member's shares are in {member_currency}",
        )
    if isinstance(entry, Reversal):
        _check_reversal(entry, existing, reversed_ids)


def _check_reversal(
    entry: Reversal, existing: Mapping[str, Entry], reversed_ids: Container[str]
) -> None:
    original = existing.get(entry.reverses)
    if original is None:
        raise InvalidEntry("reverses", f"no entry {entry.reverses!r}", code="unknown_entry")
    if isinstance(original, Reversal):
        raise InvalidEntry(
            "reverses",
            f"{original.id!r} is itself a reversal; record a new payment instead",
            code="not_reversible",
        )
    if original.member_id != entry.member_id:
        raise InvalidEntry("reverses", f"{original.id!r} belongs to another member")
    if entry.reverses in reversed_ids:
        raise InvalidEntry(
            "reverses", f"{original.id!r} is already reversed", code="already_reversed"
        )
    if (entry.amount, entry.cad_received) != (original.amount, original.cad_received):
        raise InvalidEntry("amount", f"does not match the amounts of {original.id!r}")
    if entry.date < original.date:
        raise InvalidEntry("date", f"is before the date of {original.id!r} ({original.date})")
