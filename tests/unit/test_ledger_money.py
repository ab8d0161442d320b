"""Money: parsing at the edge, formatting, same-currency arithmetic, allocation."""

import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress_site.ledger.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency
from congress_site.ledger.money import Money, money_from_decimal, parse_money, total


@pytest.mark.parametrize(
    ("text", "cents"),
    [("30", 3000), ("30.5", 3050), ("30.00", 3000), ("0.01", 1), ("0", 0), ("007.10", 710)],
)
def test_parse(text, cents):
    assert parse_money(text, "EUR") == Money(cents, "EUR")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "30.",
        ".5",
        "+30",
        "1e3",
        " 30",
        "30 ",
        "30,00",
        "30.001",
        "NaN",
        "Infinity",
        "3 0",
        "--1",
        "1234567890123",
    ],
)
def test_parse_rejects_malformed(text):
    with pytest.raises(InvalidAmount) as info:
        parse_money(text, "EUR", field="amount_per_share")
    assert info.value.code == "invalid_amount"
    assert info.value.field == "amount_per_share"
    assert "amount_per_share" in str(info.value)


@pytest.mark.parametrize("value", [30.0, 30, True, None, Decimal("30")])
def test_parse_rejects_non_strings(value):
    with pytest.raises(InvalidAmount):
        parse_money(value, "EUR")


def test_parse_rejects_negative_unless_allowed():
    with pytest.raises(InvalidAmount, match="negative"):
        parse_money("-5", "CAD")
    assert parse_money("-5.25", "CAD", allow_negative=True) == Money(-525, "CAD")


def test_parse_can_refuse_zero():
    with pytest.raises(InvalidAmount, match="greater than zero"):
        parse_money("0.00", "CAD", allow_zero=False)


@pytest.mark.parametrize("code", ["USD", "eur", "", None, 1])
def test_unknown_currency(code):
    with pytest.raises(UnknownCurrency) as info:
        parse_money("1", code)
    assert info.value.code == "unknown_currency"
    with pytest.raises(UnknownCurrency):
        Money(1, code)


def test_money_refuses_float_cents():
    with pytest.raises(InvalidAmount):
        Money(1.5, "EUR")


@pytest.mark.parametrize(
    ("cents", "text"),
    [(3000, "30.00"), (5, "0.05"), (-5, "-0.05"), (-12345, "-123.45"), (0, "0.00")],
)
def test_format(cents, text):
    assert Money(cents, "EUR").format() == text
    assert str(Money(cents, "CAD")) == f"{text} CAD"


def test_arithmetic_same_currency_only():
    a, b = Money(1000, "EUR"), Money(250, "EUR")
    assert a + b == Money(1250, "EUR")
    assert a - b == Money(750, "EUR")
    assert -b == Money(-250, "EUR")
    assert b * 3 == Money(750, "EUR") == 3 * b
    assert b < a and a > b and a >= a and b <= a
    with pytest.raises(CurrencyMismatch):
        a + Money(1, "CAD")
    with pytest.raises(CurrencyMismatch):
        _ = a < Money(1, "CAD")
    assert a != Money(1000, "CAD")


@pytest.mark.parametrize("factor", [1.5, Decimal("2"), True])
def test_multiply_only_by_int(factor):
    with pytest.raises(TypeError):
        Money(100, "EUR") * factor


def test_total():
    assert total([Money(1, "EUR"), Money(2, "EUR")], "EUR") == Money(3, "EUR")
    assert total([], "CAD") == Money(0, "CAD")


def test_allocate():
    assert Money(1000, "EUR").allocate([1, 1, 1]) == [
        Money(334, "EUR"),
        Money(333, "EUR"),
        Money(333, "EUR"),
    ]


def test_from_decimal_is_exact():
    assert money_from_decimal(Decimal("12.30"), "EUR") == Money(1230, "EUR")
    with pytest.raises(InvalidAmount):
        money_from_decimal(Decimal("12.305"), "EUR")
    with pytest.raises(InvalidAmount):
        money_from_decimal(Decimal("NaN"), "EUR")


def test_pickles_for_zodb():
    m = Money(1234, "CAD")
    assert pickle.loads(pickle.dumps(m)) == m


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_parse_round_trip(cents):
    m = Money(cents, "EUR")
    assert parse_money(m.format(), "EUR", allow_negative=True) == m
    assert m.to_decimal() == Decimal(cents) / 100


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30).filter(any),
)
def test_allocate_sums_to_whole(cents, weights):
    parts = Money(cents, "CAD").allocate(weights)
    assert total(parts, "CAD") == Money(cents, "CAD")
    assert all(p.cents >= 0 for p in parts)
