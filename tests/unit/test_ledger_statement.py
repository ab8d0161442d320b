"""Member statements: dues, payments, running balance, time credit, purity, JSON."""

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congress_site.ledger.closing import close_month, summarize_month
from congress_site.ledger.entries import Payment, reverse
from congress_site.ledger.errors import CurrencyMismatch, InvalidEntry, InvalidMonth
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month, month_range
from congress_site.ledger.statement import statement
from congress_site.ledger.subscriptions import Subscription, SubscriptionHistory
from congress_site.ledger.timecredit import ExchangeRate, Intervention, MonthCredit

M = Month.parse
D = datetime.date
EUR_RATE = (ExchangeRate("EUR", 150),)


def eur(cents):
    return Money(cents, "EUR")


ALPHA = SubscriptionHistory(
    "EUR",
    [
        Subscription(M("2026-01"), 2, eur(1500), M("2026-06")),
        Subscription(M("2026-07"), 3, eur(1500)),
    ],
)
BETA = SubscriptionHistory("CAD", [Subscription(M("2026-01"), 1, Money(2000, "CAD"))])


def pay(id, date, cents, member="alpha", cad=None):
    return Payment(id, member, date, eur(cents), Money(cad or cents * 3 // 2, "CAD"), f"ref {id}")


def credit(month):
    return MonthCredit(month, 600, Money(6000, "CAD"), 240, EUR_RATE)


def work(id, month, minutes, category="maintenance", item=None):
    return Intervention(id, month.first_day(), minutes, category, "work", "sysadmin", item)


def closed_months(first, last, works_by_month, entries=()):
    """Close first..last in order, with dues of alpha and beta."""
    result, previous = {}, None
    for month in month_range(first, last):
        previous = close_month(
            month,
            previous,
            credit=credit(month),
            entries=[e for e in entries if e.month == month],
            time_entries=works_by_month.get(month, []),
            dues={"alpha": ALPHA.dues(month), "beta": BETA.dues(month)},
        )
        result[month] = previous
    return result


def test_dues_payments_and_running_balance():
    entries = [pay("p1", D(2026, 1, 5), 3000), pay("p2", D(2026, 2, 5), 6000)]
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-03"), entries=entries, closed={})
    assert [m.dues for m in st_.months] == [eur(3000)] * 3
    assert [m.paid for m in st_.months] == [eur(3000), eur(6000), eur(0)]
    assert [m.balance for m in st_.months] == [eur(0), eur(3000), eur(0)]
    assert st_.opening_balance == eur(0) and st_.closing_balance == eur(0)
    assert st_.months[0].cad_received == Money(4500, "CAD")
    assert st_.total_cad_received == Money(13500, "CAD")


def test_arrears_are_negative_and_credit_positive():
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-02"), entries=[], closed={})
    assert st_.closing_balance == eur(-6000)
    ahead = [pay("p1", D(2026, 1, 5), 10000)]
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-02"), entries=ahead, closed={})
    assert st_.closing_balance == eur(4000)


def test_opening_balance_covers_everything_before_the_period():
    entries = [pay("p1", D(2026, 2, 5), 5000), pay("p2", D(2026, 4, 1), 3000)]
    st_ = statement("alpha", ALPHA, M("2026-04"), M("2026-04"), entries=entries, closed={})
    assert st_.opening_balance == eur(5000 - 3 * 3000)
    assert st_.closing_balance == eur(5000 - 3 * 3000 + 3000 - 3000)


def test_entries_after_the_period_are_ignored():
    entries = [pay("p1", D(2026, 5, 1), 3000)]
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-01"), entries=entries, closed={})
    assert st_.total_paid == eur(0)


def test_reversal_shows_as_a_negative_line_in_its_month():
    p = pay("p1", D(2026, 1, 5), 3000)
    r = reverse(p, id="r1", date=D(2026, 2, 2), reason="bounced")
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-02"), entries=[r, p], closed={})
    feb = st_.months[1]
    assert feb.paid == eur(-3000) and feb.cad_received == Money(-4500, "CAD")
    assert feb.lines[0].reverses == "p1" and feb.lines[0].note == "bounced"
    assert st_.closing_balance == eur(-6000)


def test_lines_sorted_by_date_then_id():
    entries = [
        pay("b", D(2026, 1, 5), 100),
        pay("a", D(2026, 1, 5), 100),
        pay("c", D(2026, 1, 1), 1),
    ]
    st_ = statement("alpha", ALPHA, M("2026-01"), M("2026-01"), entries=entries, closed={})
    assert [line.id for line in st_.months[0].lines] == ["c", "a", "b"]


def test_time_credit_and_hash_for_closed_months():
    jan, feb = M("2026-01"), M("2026-02")
    works = {
        jan: [work("w1", jan, 100), work("w2", jan, 50, "development", "dev-1")],
        feb: [work("w3", feb, 300, "development", "dev-1")],
    }
    closed = closed_months(jan, feb, works)
    st_ = statement("alpha", ALPHA, jan, M("2026-03"), entries=[], closed=closed)
    m1, m2, m3 = st_.months
    assert m1.closed and m1.hash == closed[jan].hash
    assert m1.time_credit.minutes_bought == 600
    assert m1.time_credit.maintenance_used == 100
    assert [(u.item_id, u.minutes) for u in m1.time_credit.used_by_item] == [("dev-1", 50)]
    assert m1.time_credit.reserve_carried_over == 190
    assert m2.time_credit.reserve_carried_over == 190 + 240 - 300
    # alpha owes 30 EUR = 45 CAD, beta 20 CAD: alpha gets 45/65 of 150 minutes
    assert m1.time_credit.member_minutes == 104
    beta = statement("beta", BETA, jan, jan, entries=[], closed=closed)
    assert beta.months[0].time_credit.member_minutes == 150 - 104
    assert not m3.closed and m3.hash is None and m3.time_credit is None


def test_open_month_summaries_show_provisional_time_credit():
    mar = M("2026-03")
    summary = summarize_month(
        mar,
        credit=credit(mar),
        entries=[],
        time_entries=[work("w", mar, 65)],
        dues={"alpha": ALPHA.dues(mar), "beta": BETA.dues(mar)},
        reserve_before=0,
    )
    st_ = statement("alpha", ALPHA, mar, mar, entries=[], closed={}, open_summaries={mar: summary})
    assert not st_.months[0].closed
    assert st_.months[0].time_credit.member_minutes == 45


def test_closed_month_dues_are_the_frozen_ones():
    jan = M("2026-01")
    closed = closed_months(jan, jan, {})
    edited = SubscriptionHistory("EUR", [Subscription(jan, 5, eur(1500))])
    st_ = statement("alpha", edited, jan, M("2026-02"), entries=[], closed=closed)
    assert st_.months[0].dues == eur(3000)  # frozen at close
    assert st_.months[1].dues == eur(7500)  # open month follows the history


def test_bad_inputs():
    with pytest.raises(InvalidEntry):
        statement(
            "alpha",
            ALPHA,
            M("2026-01"),
            M("2026-01"),
            entries=[pay("x", D(2026, 1, 1), 1, "beta")],
            closed={},
        )
    cad = Payment("c", "alpha", D(2026, 1, 1), Money(100, "CAD"), Money(100, "CAD"))
    with pytest.raises(CurrencyMismatch):
        statement("alpha", ALPHA, M("2026-01"), M("2026-01"), entries=[cad], closed={})
    with pytest.raises(InvalidMonth):
        statement("alpha", ALPHA, M("2026-02"), M("2026-01"), entries=[], closed={})


def test_json_dict():
    jan = M("2026-01")
    entries = [pay("p1", D(2026, 1, 5), 3050, cad=4500)]
    closed = closed_months(jan, jan, {jan: [work("w", jan, 30)]}, entries)
    data = statement("alpha", ALPHA, jan, jan, entries=entries, closed=closed).to_json_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["currency"] == "EUR" and data["base_currency"] == "CAD"
    month = data["months"][0]
    assert month["dues"] == "30.00" and month["paid"] == "30.50" and month["balance"] == "0.50"
    assert month["payments"][0]["cad_received"] == "45.00"
    assert month["hash"] == closed[jan].hash
    assert isinstance(month["time_credit"]["member_minutes"], int)
    assert data["from"] == "2026-01" and data["closing_balance"] == "0.50"


def test_statement_is_pure():
    jan, mar = M("2026-01"), M("2026-03")
    entries = [pay("p1", D(2026, 1, 5), 3000), pay("p2", D(2026, 3, 5), 100)]
    closed = closed_months(jan, mar, {jan: [work("w", jan, 30)]}, entries)
    one = statement("alpha", ALPHA, jan, mar, entries=entries, closed=closed)
    two = statement("alpha", ALPHA, jan, mar, entries=entries[::-1], closed=dict(closed))
    assert one == two
    assert one.to_json_dict() == two.to_json_dict()


payments_st = st.lists(
    st.tuples(st.integers(min_value=0, max_value=700), st.integers(min_value=1, max_value=10_000)),
    max_size=30,
)


@settings(max_examples=60)
@given(payments_st, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_balance_is_payments_minus_dues(spec, a, b):
    base = D(2025, 12, 1)
    entries = [
        pay(f"p{i}", base + datetime.timedelta(days=day), cents)
        for i, (day, cents) in enumerate(spec)
    ]
    first, last = M("2025-12") + min(a, b), M("2025-12") + max(a, b)
    st_ = statement("alpha", ALPHA, first, last, entries=entries, closed={})
    paid_until = sum(e.amount.cents for e in entries if e.month <= last)
    dues_until = ALPHA.total_dues(M("2025-01"), last).cents
    assert st_.closing_balance == eur(paid_until - dues_until)
    assert st_.closing_balance == st_.opening_balance + st_.total_paid - st_.total_dues
    running = st_.opening_balance
    for month in st_.months:
        running = running + month.paid - month.dues
        assert month.balance == running
