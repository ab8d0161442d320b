"""Dues from a subscription history: supersession, end months, totals over ranges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress_site.ledger.errors import CurrencyMismatch, InvalidEntry, MonthClosed
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month, month_range
from congress_site.ledger.subscriptions import (
    Subscription,
    SubscriptionHistory,
    check_history_change,
)

M = Month.parse


def eur(cents):
    return Money(cents, "EUR")


def sub(start, shares, cents, until=None, currency="EUR"):
    return Subscription(M(start), shares, Money(cents, currency), M(until) if until else None)


def test_dues_are_shares_times_amount():
    history = SubscriptionHistory("EUR", [sub("2026-01", 2, 1500)])
    assert history.dues(M("2026-01")) == eur(3000)
    assert history.dues(M("2030-05")) == eur(3000)
    assert history.dues(M("2025-12")) == eur(0)


def test_until_is_inclusive():
    history = SubscriptionHistory("EUR", [sub("2026-01", 1, 1500, until="2026-03")])
    assert history.dues(M("2026-03")) == eur(1500)
    assert history.dues(M("2026-04")) == eur(0)


def test_later_start_supersedes_even_if_earlier_line_runs_on():
    history = SubscriptionHistory(
        "EUR", [sub("2026-01", 2, 1500), sub("2026-03", 1, 1500, until="2026-05")]
    )
    assert history.dues(M("2026-02")) == eur(3000)
    assert history.dues(M("2026-04")) == eur(1500)
    # the superseding line ended: no fallback to the older one
    assert history.dues(M("2026-06")) == eur(0)


def test_history_order_does_not_matter():
    lines = [sub("2026-07", 3, 1500), sub("2026-01", 2, 1500, until="2026-06")]
    assert SubscriptionHistory("EUR", lines) == SubscriptionHistory("EUR", lines[::-1])


def test_duplicate_start_refused():
    with pytest.raises(InvalidEntry) as info:
        SubscriptionHistory("EUR", [sub("2026-01", 1, 1500), sub("2026-01", 2, 1500)])
    assert info.value.code == "duplicate_subscription_start"


def test_currency_must_match_member():
    with pytest.raises(CurrencyMismatch):
        SubscriptionHistory("EUR", [sub("2026-01", 1, 2000, currency="CAD")])


@pytest.mark.parametrize("shares", [-1, 1.5, True, "2"])
def test_bad_shares(shares):
    with pytest.raises(InvalidEntry):
        Subscription(M("2026-01"), shares, eur(1500))


def test_negative_amount_and_reversed_period_refused():
    with pytest.raises(InvalidEntry):
        Subscription(M("2026-01"), 1, eur(-1))
    with pytest.raises(InvalidEntry) as info:
        sub("2026-05", 1, 1500, until="2026-04")
    assert info.value.field == "until"


def test_zero_shares_is_a_pause():
    history = SubscriptionHistory("EUR", [sub("2026-01", 2, 1500), sub("2026-04", 0, 1500)])
    assert history.dues(M("2026-05")) == eur(0)


def test_total_dues_over_range():
    history = SubscriptionHistory(
        "EUR", [sub("2026-01", 2, 1500, until="2026-06"), sub("2026-07", 3, 1500)]
    )
    assert history.total_dues(M("2026-01"), M("2026-12")) == eur(6 * 3000 + 6 * 4500)
    assert history.total_dues(M("2026-05"), M("2026-04")) == eur(0)


def test_dues_by_month():
    history = SubscriptionHistory("CAD", [sub("2026-02", 1, 2000, currency="CAD")])
    rows = list(history.dues_by_month(M("2026-01"), M("2026-02")))
    assert rows == [(M("2026-01"), Money(0, "CAD")), (M("2026-02"), Money(2000, "CAD"))]


def test_history_change_refused_when_it_alters_a_closed_month():
    old = SubscriptionHistory("EUR", [sub("2026-01", 2, 1500)])
    retroactive = SubscriptionHistory("EUR", [sub("2026-01", 2, 1500), sub("2026-02", 1, 1500)])
    forward = SubscriptionHistory("EUR", [sub("2026-01", 2, 1500), sub("2026-04", 1, 1500)])
    closed = [M("2026-01"), M("2026-02"), M("2026-03")]
    with pytest.raises(MonthClosed):
        check_history_change(old, retroactive, closed)
    check_history_change(old, forward, closed)


lines_st = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),  # start offset
        st.integers(min_value=0, max_value=5),  # shares
        st.integers(min_value=0, max_value=3000),  # cents per share
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),  # length - 1
    ),
    max_size=6,
    unique_by=lambda t: t[0],
)


@given(lines_st, st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50))
def test_total_dues_equals_sum_of_monthly_dues(lines, a, b):
    base = M("2025-01")
    history = SubscriptionHistory(
        "EUR",
        [
            Subscription(base + s, n, eur(c), None if length is None else base + s + length)
            for s, n, c, length in lines
        ],
    )
    first, last = base + min(a, b), base + max(a, b)
    expected = sum(history.dues(m).cents for m in month_range(first, last))
    assert history.total_dues(first, last) == eur(expected)
