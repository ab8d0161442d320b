"""Errors of the ledger domain.

Every validation failure is a :class:`LedgerError` with a stable machine ``code``
(used as the JSON ``error`` value by the web layer), the ``field`` it concerns
(a dotted path such as ``amount`` or ``konbit_members[2].subscriptions[0].from``)
and a human message that names that field.

Suggested HTTP mapping for the web layer: :class:`MonthClosed` -> 409,
every other :class:`LedgerError` -> 400 (or 422). Nothing here knows about HTTP.
"""

from __future__ import annotations


class LedgerError(ValueError):
    """Base of all ledger validation errors."""

    code = "ledger_error"

    def __init__(self, field: str, detail: str, *, code: str | None = None) -> None:
        if code is not None:
            self.code = code
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}" if field else detail)

    @property
    def message(self) -> str:
        return str(self)

    def to_json_dict(self) -> dict[str, str]:
        return {"error": self.code, "field": self.field, "message": self.message}


class InvalidAmount(LedgerError):
    code = "invalid_amount"


class UnknownCurrency(LedgerError):
    code = "unknown_currency"


class CurrencyMismatch(LedgerError):
    code = "currency_mismatch"


class InvalidMonth(LedgerError):
    code = "invalid_month"


class InvalidMinutes(LedgerError):
    code = "invalid_minutes"


class InvalidEntry(LedgerError):
    """A ledger entry, intervention, credit record or subscription is malformed or
    inconsistent; the ``code`` says which rule (e.g. ``unknown_entry``)."""

    code = "invalid_entry"


class MonthClosed(LedgerError):
    """A write was attempted into a closed (frozen) month. Map to HTTP 409."""

    code = "month_closed"
