"""Money: integer minor units (cents) with a currency. Never floats.

``decimal.Decimal`` is used only at the edge: :func:`parse_money` reads decimal
strings and :meth:`Money.format` writes them; all arithmetic is on ints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import CurrencyMismatch, InvalidAmount, UnknownCurrency
from .rounding import largest_remainder


@dataclass(frozen=True)
class Currency:
    code: str
    minor_units: int  # digits after the decimal point (2 for EUR and CAD)

    @property
    def scale(self) -> int:
        return 10**self.minor_units


# The registry of known currencies. Adding one here is the only step needed.
CURRENCIES: dict[str, Currency] = {
    "EUR": Currency("EUR", 2),
    "CAD": Currency("CAD", 2),
}

BASE_CURRENCY = "CAD"  # the collective's currency: cad_received, hourly rates

# Amounts beyond this many integer digits are typos, not shares.
_MAX_INTEGER_DIGITS = 12


def get_currency(code: object, field: str = "currency") -> Currency:
    """Return the registered currency ``code`` or raise :class:`UnknownCurrency`."""
    if isinstance(code, str) and code in CURRENCIES:
        return CURRENCIES[code]
    known = ", ".join(sorted(CURRENCIES))
    raise UnknownCurrency(field, f"{code!r} is not a known currency (known: {known})")


@dataclass(frozen=True)
class Money:
    """An immutable amount: ``cents`` minor units of ``currency``.

    Negative values exist (balances, reversals); parsing user input rejects them
    unless asked. Arithmetic is allowed only between equal currencies and raises
    :class:`CurrencyMismatch` otherwise. Comparison operators follow the same rule;
    ``==`` between different currencies is simply False.
    """

    cents: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise InvalidAmount("amount", f"cents must be an int, got {type(self.cents).__name__}")
        get_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    # -- arithmetic -----------------------------------------------------------------
    def _same(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {op} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                "currency", f"cannot {op} {self.currency} and {other.currency} amounts"
            )
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.cents + self._same(other, "add").cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.cents - self._same(other, "subtract").cents, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            # Multiplying by a float or Decimal would need a rounding rule; use allocate().
            raise TypeError(f"Money can only be multiplied by an int, not {type(factor).__name__}")
        return Money(self.cents * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.cents < self._same(other, "compare").cents

    def __le__(self, other: Money) -> bool:
        return self.cents <= self._same(other, "compare").cents

    def __gt__(self, other: Money) -> bool:
        return self.cents > self._same(other, "compare").cents

    def __ge__(self, other: Money) -> bool:
        return self.cents >= self._same(other, "compare").cents

    def is_zero(self) -> bool:
        return self.cents == 0

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to ``weights`` that add up exactly to ``self``.

        Largest-remainder rounding; see :func:`~.rounding.largest_remainder` for ties,
        zero weights and negative amounts.
        """
        return [Money(c, self.currency) for c in largest_remainder(self.cents, weights)]

    # -- formatting -----------------------------------------------------------------
    def format(self) -> str:
        """Decimal string with exactly the currency's minor units: ``"30.00"``, ``"-0.05"``."""
        minor = CURRENCIES[self.currency].minor_units
        sign = "-" if self.cents < 0 else ""
        units, fraction = divmod(abs(self.cents), 10**minor)
        if minor == 0:
            return f"{sign}{units}"
        return f"{sign}{units}.{fraction:0{minor}d}"

    def to_decimal(self) -> Decimal:
        return Decimal(self.format())

    def to_json_dict(self) -> dict[str, str]:
        return {"amount": self.format(), "currency": self.currency}

    def __str__(self) -> str:
        return f"{self.format()} {self.currency}"


def total(amounts: Sequence[Money], currency: str) -> Money:
    """Sum of ``amounts`` (all in ``currency``); the zero of ``currency`` when empty."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


_AMOUNT_RE = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def parse_money(
    text: object,
    currency: object,
    *,
    field: str = "amount",
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> Money:
    """Parse a decimal string such as ``"30"``, ``"30.5"`` or ``"30.00"`` into :class:`Money`.

    Refused, with an :class:`InvalidAmount` naming ``field``: anything that is not a
    ``str`` (floats above all, also ints and bools: the members file promises strings),
    signs other than a leading ``-``, exponents, spaces, ``"30."``/``".5"``, more decimals
    than the currency has, negative values unless ``allow_negative``, zero unless
    ``allow_zero``. An unknown currency raises :class:`UnknownCurrency`.
    """
    cur = get_currency(currency, field=f"{field}.currency" if field else "currency")
    if not isinstance(text, str):
        kind = type(text).__name__
        raise InvalidAmount(field, f'must be a decimal string like "15.00", not {kind} {text!r}')
    match = _AMOUNT_RE.fullmatch(text)
    if match is None:
        raise InvalidAmount(field, f'{text!r} is not a decimal amount (expected e.g. "15.00")')
    integer, fraction = match.group(1), match.group(2) or ""
    if len(fraction) > cur.minor_units:
        raise InvalidAmount(
            field, f"{text!r} has more than {cur.minor_units} decimals for {cur.code}"
        )
    if len(integer.lstrip("0")) > _MAX_INTEGER_DIGITS:
        raise InvalidAmount(field, f"{text!r} is too large")
    cents = int(integer) * cur.scale + int(fraction.ljust(cur.minor_units, "0") or "0")
    if text.startswith("-"):
        cents = -cents
    if cents < 0 and not allow_negative:
        raise InvalidAmount(field, f"{text!r} must not be negative")
    if cents == 0 and not allow_zero:
        raise InvalidAmount(field, f"{text!r} must be greater than zero")
    return Money(cents, cur.code)


def money_from_decimal(value: Decimal, currency: str, *, field: str = "amount") -> Money:
    """Exact conversion from a ``Decimal`` (e.g. from a form library); refuses rounding."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidAmount(field, f"{value!r} is not a finite decimal")
    cur = get_currency(currency)
    scaled = value * cur.scale
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(field, f"{value} has more than {cur.minor_units} decimals")
    return Money(int(scaled), cur.code)
