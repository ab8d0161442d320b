"""The window ledger dates must fall in, around today and the subscription history."""

from __future__ import annotations

import datetime

import pytest

from congress_site.ledger.errors import InvalidMonth
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month, plausible_window, require_plausible
from congress_site.ledger.subscriptions import (
    Subscription,
    SubscriptionHistory,
    check_plausible_lines,
)

TODAY = datetime.date(2026, 11, 30)


def test_the_window_reaches_a_year_beyond_today_and_the_history():
    assert plausible_window([], TODAY) == (Month(2025, 11), Month(2027, 11))
    history = [Month(2020, 3), Month(2027, 6)]
    assert plausible_window(history, TODAY) == (Month(2019, 3), Month(2028, 6))


def test_a_month_outside_is_refused_with_its_own_code():
    window = plausible_window([], TODAY)
    require_plausible(Month(2025, 11), window, "date", "2025-11-01")
    with pytest.raises(InvalidMonth) as refused:
        require_plausible(Month(9999, 12), window, "date", "9999-12-31")
    assert refused.value.code == "implausible_date" and "9999-12-31" in refused.value.message


def line(start, until=None):
    return Subscription(Month.parse(start), 1, Money(1500, "EUR"), until and Month.parse(until))


def test_only_new_subscription_lines_are_judged():
    old = SubscriptionHistory("EUR", [line("1990-01")])  # kept from an old import
    check_plausible_lines(
        old, SubscriptionHistory("EUR", [line("1990-01"), line("2026-01")]), TODAY
    )
    for bad in (line("9999-01"), line("2026-01", until="3026-01"), line("1900-01")):
        with pytest.raises(InvalidMonth):
            check_plausible_lines(old, SubscriptionHistory("EUR", [line("1990-01"), bad]), TODAY)
