"""Locale-aware display of ledger values with Babel (amounts, hours, months, dates).

Display only: every computation stays on integer cents and minutes. No Pyramid here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal

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
