"""Locale-aware display of ledger values with Babel (amounts, hours, months, dates), and
the reading of the numbers people type in forms ("40,00" in French, "1.500,50" in Spanish).

Display and input only: every computation stays on integer cents and minutes, and the
domain reads dot decimals ("40.00"), as the JSON API does. No Pyramid here.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

from .money import Money
from .months import Month


def money(value: Money | None, locale: str) -> str:
    if value is None:
        return ""
    return format_currency(value.to_decimal(), value.currency, locale=locale)


def hours(minutes: int | None, locale: str) -> str:
    """Minutes as hours with up to two decimals: ``"12.5 h"`` / ``"12,5 h"``."""
    if minutes is None:
        return ""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return f"{format_decimal(value, '#,##0.##', locale=locale)} h"


def number(value: float | Decimal, locale: str) -> str:
    """A plain number with the locale's separators, at most one decimal (chart axes)."""
    return format_decimal(value, "#,##0.#", locale=locale)


def minutes(value: int, locale: str) -> str:
    return f"{format_decimal(value, '#,##0', locale=locale)} min"


def month(value: Month, locale: str) -> str:
    """``March 2026``, ``mars 2026``, ``marzo de 2026``: the locale's own pattern."""
    return format_skeleton("yMMMM", value.first_day(), locale=locale)


def short_month(value: Month, locale: str) -> str:
    return format_date(value.first_day(), "MMM yy", locale=locale)


def date(value: datetime.date, locale: str) -> str:
    return format_date(value, "medium", locale=locale)


def percent(part: int, whole: int) -> int:
    """Whole percent, for progress bars (0 when nothing was bought)."""
    return (part * 100) // whole if whole > 0 else 0


# The domain's own format, accepted in every locale (it is what the JSON API speaks).
_DOT_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
# Digits, separators and a leading minus: no exponents, no "NaN".
_NUMBER_CHARS = re.compile(r"-?[\d.,]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_number(text: str | None, locale: str) -> str:
    """What a person typed in a number field, as the domain's dot decimal string:
    ``"40,00"`` -> ``"40.00"`` in French, ``"1.500,50"`` -> ``"1500.50"`` in Spanish,
    ``"1,500.50"`` -> ``"1500.50"`` in English. Spaces (French thousands) are ignored; a
    plain dot decimal, or one with a lone decimal comma, is read in any locale. Text that
    is no number comes back as it was typed, for the domain to refuse."""
    raw = (text or "").strip()
    compact = _SPACES.sub("", raw)
    if not compact:
        return ""
    if not _NUMBER_CHARS.fullmatch(compact):
        return raw
    try:
        value = parse_decimal(compact, locale=locale, strict=True)
    except NumberFormatError:
        # Not a number as the locale writes it: a plain dot decimal, or a lone decimal
        # comma ("12,50" typed in English; a thousands comma is never followed by two
        # digits only, and Babel has read "1,500" already).
        dotted = compact.replace(",", ".") if compact.count(",") == 1 else compact
        return dotted if _DOT_DECIMAL.fullmatch(dotted) else raw
    return format(value, "f")


def number_input(value: Decimal | str | None, locale: str, places: int | None = None) -> str:
    """A number as a person of ``locale`` types it in a form field, without thousands
    separators: ``"40,00"`` in French for ``"40.00"``. ``places`` fixes the decimals;
    without it they are kept as they are (``"12.5"`` -> ``"12,5"``)."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if places is None:
        exponent = number.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    pattern = "0." + "0" * places if places else "0"
    return format_decimal(number, pattern, locale=locale)


def amount_input(value: Money | None, locale: str) -> str:
    """An amount for a form field: ``"40,00"`` in French, ``"40.00"`` in English."""
    return "" if value is None else number_input(value.format(), locale)
