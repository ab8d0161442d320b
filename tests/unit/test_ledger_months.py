"""Month values: strict YYYY-MM parsing, ordering, arithmetic, inclusive ranges."""

import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from congress_site.ledger.errors import InvalidMonth
from congress_site.ledger.months import Month, month_range, months_between


def test_parse_and_str():
    m = Month.parse("2026-05")
    assert (m.year, m.month) == (2026, 5)
    assert str(m) == "2026-05"


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-1",
        "26-01",
        "2026/01",
        "2026-01-01",
        "",
        "garbage",
        "0000-01",
        " 2026-01",
        "2026-011",
        "２０２６-01",
    ],
)
def test_parse_rejects(text):
    with pytest.raises(InvalidMonth) as info:
        Month.parse(text, field="from")
    assert info.value.code == "invalid_month"
    assert str(info.value).startswith(f"from: {text!r} is not a month")


def test_parse_message_names_the_value():
    with pytest.raises(InvalidMonth, match=r"^until: '2026-13' is not a month$"):
        Month.parse("2026-13", field="until")


@pytest.mark.parametrize("value", [202601, None, datetime.date(2026, 1, 1)])
def test_parse_rejects_non_strings(value):
    with pytest.raises(InvalidMonth):
        Month.parse(value)


def test_constructor_validates():
    with pytest.raises(InvalidMonth):
        Month(2026, 13)
    with pytest.raises(InvalidMonth):
        Month(2026, 0)


def test_ordering_and_arithmetic():
    dec, jan = Month(2025, 12), Month(2026, 1)
    assert dec < jan
    assert dec.next() == jan and jan.prev() == dec
    assert jan + 13 == Month(2027, 2)
    assert jan - 1 == dec
    assert sorted([jan, dec]) == [dec, jan]


def test_of_date_and_contains():
    m = Month.of(datetime.date(2026, 2, 28))
    assert m == Month(2026, 2)
    assert m.contains(datetime.date(2026, 2, 1))
    assert not m.contains(datetime.date(2026, 3, 1))
    assert m.first_day() == datetime.date(2026, 2, 1)


def test_range_is_inclusive():
    months = list(month_range(Month(2025, 11), Month(2026, 2)))
    assert [str(m) for m in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert list(month_range(Month(2026, 1), Month(2026, 1))) == [Month(2026, 1)]
    assert months_between(Month(2025, 11), Month(2026, 2)) == 4
    assert months_between(Month(2026, 2), Month(2025, 11)) == 0


def test_reversed_range_is_an_error():
    with pytest.raises(InvalidMonth) as info:
        list(month_range(Month(2026, 2), Month(2026, 1)))
    assert info.value.code == "invalid_range"


def test_pickles_and_hashes():
    m = Month(2026, 7)
    assert pickle.loads(pickle.dumps(m)) == m
    assert {m: 1}[Month.parse("2026-07")] == 1


@given(st.integers(min_value=12, max_value=9999 * 12 + 11))
def test_index_round_trip(index):
    m = Month.from_index(index)
    assert m.index == index
    assert Month.parse(str(m)) == m
