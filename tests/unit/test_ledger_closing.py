"""Month close: usage per category and item, reserve, alerts, members' parts, hash chain."""

import dataclasses
import datetime
import pickle
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from congress_site.ledger.closing import (
    alerts_reached,
    close_month,
    inputs_digest,
    item_usage_totals,
    summarize_month,
    verify_chain,
)
from congress_site.ledger.entries import Payment, reverse
from congress_site.ledger.errors import InvalidEntry
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month
from congress_site.ledger.timecredit import (
    ExchangeRate,
    Intervention,
    MonthCredit,
    reverse_intervention,
)

JAN, FEB, MAR = Month(2026, 1), Month(2026, 2), Month(2026, 3)
EUR_RATE = (ExchangeRate("EUR", 150),)  # 1.00 EUR = 1.50 CAD


def credit(month=JAN, hours=10, dev_hours=4, rates=EUR_RATE):
    return MonthCredit(month, hours * 60, Money(6000, "CAD"), dev_hours * 60, rates)


def work(id, minutes, category="maintenance", item=None, month=JAN, day=10):
    date = datetime.date(month.year, month.month, day)
    return Intervention(id, date, minutes, category, f"task {id}", "sysadmin", item)


def payment(id, member, cents, cad, month=JAN, currency="EUR"):
    date = datetime.date(month.year, month.month, 3)
    return Payment(id, member, date, Money(cents, currency), Money(cad, "CAD"))


DUES = {"alpha": Money(3000, "EUR"), "beta": Money(2000, "CAD"), "gamma": Money(750, "EUR")}


def close(month=JAN, previous=None, time_entries=(), entries=(), dues=DUES, **credit_kw):
    return close_month(
        month,
        previous,
        credit=credit(month, **credit_kw),
        entries=entries,
        time_entries=time_entries,
        dues=dues,
    )


def test_usage_per_category_and_item():
    closed = close(
        time_entries=[
            work("a", 90),
            work("b", 30),
            work("c", 60, "development", "dev-1"),
            work("d", 45, "development", "dev-2"),
            work("e", 15, "development", "dev-1"),
        ]
    )
    s = closed.summary
    assert (s.maintenance_used, s.development_used, s.used_minutes) == (120, 120, 240)
    assert [(u.item_id, u.minutes) for u in s.item_usage] == [("dev-1", 75), ("dev-2", 45)]
    assert s.item_minutes("dev-2") == 45 and s.item_minutes("nope") == 0
    assert s.maintenance_remaining == 6 * 60 - 120


def test_reserve_carries_over_and_goes_negative():
    jan = close(time_entries=[work("a", 60, "development", "dev-1")])
    assert (jan.summary.reserve_before, jan.reserve_after) == (0, 240 - 60)
    feb = close(
        FEB,
        jan,
        time_entries=[
            work("b", 600, "development", "dev-1", month=FEB),
            work("c", 60, "development", "dev-1", month=FEB, day=11),
        ],
    )
    assert feb.summary.reserve_before == 180
    assert feb.reserve_after == 180 + 240 - 660 == -240  # overrun stays visible


def test_opening_reserve_for_the_first_close():
    first = close_month(
        JAN, None, credit=credit(), entries=[], time_entries=[], dues={}, opening_reserve=500
    )
    assert first.reserve_after == 500 + 240


@pytest.mark.parametrize(
    ("used", "bought", "alerts"),
    [
        (0, 600, ()),
        (299, 600, ()),
        (300, 600, (50,)),
        (480, 600, (50, 80)),
        (600, 600, (50, 80, 100)),
        (900, 600, (50, 80, 100)),
        (1, 0, (50, 80, 100)),
        (0, 0, ()),
        (-30, 600, ()),
    ],
)
def test_alerts(used, bought, alerts):
    assert alerts_reached(used, bought) == alerts


def test_alerts_in_summary():
    assert close(time_entries=[work("a", 500)]).summary.alerts == (50, 80)


def test_members_parts_follow_cad_weighted_dues():
    # weights in CAD cents: alpha 30 EUR -> 45.00, beta 20.00 CAD, gamma 7.50 EUR -> 11.25
    closed = close(time_entries=[work("a", 763)])
    parts = {p.member_id: p.minutes for p in closed.summary.member_parts}
    assert sum(parts.values()) == 763
    exact = {"alpha": 763 * 4500 / 7625, "beta": 763 * 2000 / 7625, "gamma": 763 * 1125 / 7625}
    for member, minutes in parts.items():
        assert abs(minutes - exact[member]) < 1
    assert closed.summary.part_of("beta").dues == Money(2000, "CAD")
    assert closed.summary.part_of("nobody") is None


def test_members_parts_need_a_rate_for_each_currency():
    with pytest.raises(InvalidEntry) as info:
        close(rates=())
    assert info.value.code == "missing_rate"


def test_nobody_owes_anything_leaves_minutes_unallocated():
    closed = close(time_entries=[work("a", 60)], dues={"alpha": Money(0, "EUR")})
    assert closed.summary.unallocated_minutes == 60
    assert closed.summary.part_of("alpha").minutes == 0


def test_reversals_count_in_their_own_month():
    original = work("a", 120)
    jan = close(time_entries=[original])
    fix = reverse_intervention(
        original, id="x", date=datetime.date(2026, 2, 2), reason="dup", logged_by="sysadmin"
    )
    feb = close(FEB, jan, time_entries=[fix, work("b", 30, month=FEB)])
    assert feb.summary.maintenance_used == -90
    assert sum(p.minutes for p in feb.summary.member_parts) == -90


def test_development_reversal_gives_minutes_back_to_the_reserve():
    original = work("a", 300, "development", "dev-1")
    jan = close(time_entries=[original])
    fix = reverse_intervention(
        original, id="x", date=datetime.date(2026, 2, 2), reason="wrong item", logged_by="s"
    )
    feb = close(FEB, jan, time_entries=[fix])
    assert feb.summary.development_used == -300
    assert feb.summary.item_minutes("dev-1") == -300
    assert feb.reserve_after == (240 - 300) + 240 + 300


def test_cad_received_and_dues_totals():
    p = payment("p1", "alpha", 3000, 4400)
    r = reverse(
        payment("p0", "gamma", 750, 1100), id="r1", date=datetime.date(2026, 1, 20), reason="x"
    )
    s = close(entries=[p, r]).summary
    assert s.cad_received == Money(3300, "CAD")
    assert s.dues_totals == (Money(2000, "CAD"), Money(3750, "EUR"))


def test_entries_outside_the_month_or_duplicated_are_refused():
    with pytest.raises(InvalidEntry) as info:
        close(time_entries=[work("a", 5, month=FEB)])
    assert info.value.code == "wrong_month"
    with pytest.raises(InvalidEntry) as info:
        close(entries=[payment("p", "alpha", 1, 1)] * 2)
    assert info.value.code == "duplicate_entry"
    with pytest.raises(InvalidEntry):
        close_month(JAN, None, credit=credit(FEB), entries=[], time_entries=[], dues={})


def test_months_close_in_order():
    jan = close()
    with pytest.raises(InvalidEntry) as info:
        close(MAR, jan)
    assert info.value.code == "close_out_of_order"


def test_closed_month_is_frozen_and_pickles():
    closed = close(time_entries=[work("a", 30)], entries=[payment("p1", "alpha", 3000, 4400)])
    with pytest.raises(AttributeError):
        closed.hash = "x"
    assert pickle.loads(pickle.dumps(closed)) == closed
    assert closed.entry_ids == ("p1",) and closed.time_entry_ids == ("a",)
    assert len(closed.hash) == 64 and closed.previous_hash == ""


def test_hash_is_deterministic_regardless_of_input_order():
    entries = [payment(f"p{i}", "alpha", 100 + i, 150 + i) for i in range(10)]
    works = [work(f"w{i}", 10 + i, day=1 + i) for i in range(10)]
    first = close(entries=entries, time_entries=works)
    shuffled = random.Random(4).sample
    again = close(entries=shuffled(entries, 10), time_entries=shuffled(works, 10))
    assert again.hash == first.hash
    dues_reordered = dict(reversed(list(DUES.items())))
    assert close(entries=entries, time_entries=works, dues=dues_reordered).hash == first.hash


def test_hash_changes_with_any_content():
    base = close(time_entries=[work("a", 30)], entries=[payment("p1", "alpha", 3000, 4400)])
    variants = [
        close(time_entries=[work("a", 31)], entries=[payment("p1", "alpha", 3000, 4400)]),
        close(time_entries=[work("a", 30)], entries=[payment("p1", "alpha", 3000, 4401)]),
        close(time_entries=[work("a", 30)], entries=[payment("p1", "alpha", 3000, 4400)], hours=11),
        close(
            time_entries=[work("a", 30)],
            entries=[payment("p1", "alpha", 3000, 4400)],
            dues={**DUES, "gamma": Money(751, "EUR")},
        ),
    ]
    assert len({base.hash, *(v.hash for v in variants)}) == 5


def chain(jan_minutes):
    jan = close(time_entries=[work("a", jan_minutes)])
    feb = close(FEB, jan, time_entries=[work("b", 20, month=FEB)])
    mar = close(MAR, feb, time_entries=[work("c", 40, month=MAR)])
    return [jan, feb, mar]


def test_hash_chain_links_and_verifies():
    months = chain(30)
    assert months[1].previous_hash == months[0].hash
    assert months[2].previous_hash == months[1].hash
    verify_chain(months)


def test_changing_an_earlier_month_changes_every_later_hash():
    original, changed = chain(30), chain(31)
    for a, b in zip(original, changed, strict=True):
        assert a.hash != b.hash


def test_verify_chain_detects_tampering_and_gaps():
    jan, feb, mar = chain(30)
    tampered = dataclasses.replace(
        feb, summary=dataclasses.replace(feb.summary, maintenance_used=1)
    )
    for bad in (
        [jan, tampered, mar],
        [jan, mar],
        [jan, dataclasses.replace(feb, previous_hash="0")],
    ):
        with pytest.raises(InvalidEntry) as info:
            verify_chain(bad)
        assert info.value.code == "broken_chain"


def test_inputs_digest_lets_stored_entries_be_checked():
    works = [work("a", 30), work("b", 40)]
    closed = close(time_entries=works)
    assert inputs_digest([], works[::-1]) == closed.inputs_digest
    assert inputs_digest([], [work("a", 30), work("b", 41)]) != closed.inputs_digest


def test_item_usage_totals_over_months():
    jan = close(time_entries=[work("a", 60, "development", "dev-1")])
    feb = close(FEB, jan, time_entries=[work("b", 30, "development", "dev-1", month=FEB)])
    assert item_usage_totals([jan.summary, feb.summary]) == {"dev-1": 90}


def test_summarize_open_month_matches_close():
    works = [work("a", 30)]
    summary = summarize_month(
        JAN, credit=credit(), entries=[], time_entries=works, dues=DUES, reserve_before=0
    )
    assert summary == close(time_entries=works).summary


member_dues_st = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=4),
    st.tuples(st.sampled_from(["EUR", "CAD"]), st.integers(min_value=0, max_value=10_000)),
    min_size=1,
    max_size=25,
)
minutes_st = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=1440), st.sampled_from(["maintenance", "dev-1", "dev-2"])
    ),
    max_size=25,
)


def _works(spec):
    return [
        work(
            f"w{i}",
            m,
            "maintenance" if c == "maintenance" else "development",
            None if c == "maintenance" else c,
            day=1 + i % 28,
        )
        for i, (m, c) in enumerate(spec)
    ]


@settings(max_examples=60)
@given(member_dues_st, minutes_st, st.integers(min_value=1, max_value=999))
def test_parts_always_add_up_and_closing_is_deterministic(dues_spec, spec, eur_rate):
    dues = {m: Money(c, cur) for m, (cur, c) in dues_spec.items()}
    works = _works(spec)
    rates = (ExchangeRate("EUR", eur_rate),)
    closed = close(time_entries=works, dues=dues, rates=rates)
    s = closed.summary
    assert s.maintenance_used + s.development_used == sum(m for m, _ in spec)
    assert sum(u.minutes for u in s.item_usage) == s.development_used
    assert sum(p.minutes for p in s.member_parts) + s.unallocated_minutes == s.used_minutes
    assert all(p.minutes >= 0 for p in s.member_parts)
    weights = {
        p.member_id: p.dues.cents * (eur_rate if p.dues.currency == "EUR" else 100)
        for p in s.member_parts
    }
    if sum(weights.values()):
        for p in s.member_parts:
            exact = Fraction(s.used_minutes * weights[p.member_id], sum(weights.values()))
            assert abs(p.minutes - exact) < 1
    again = close(time_entries=works[::-1], dues=dict(reversed(list(dues.items()))), rates=rates)
    assert again == closed


@settings(max_examples=40)
@given(st.lists(minutes_st, min_size=2, max_size=4), st.data())
def test_changing_any_earlier_month_changes_the_last_hash(months_spec, data):
    def build(specs):
        previous = None
        for offset, spec in enumerate(specs):
            month = JAN + offset
            works = [
                Intervention(
                    w.id,
                    month.first_day(),
                    w.minutes,
                    w.category,
                    w.description,
                    w.logged_by,
                    w.item_id,
                )
                for w in _works(spec)
            ]
            previous = close(month, previous, time_entries=works)
        return previous

    index = data.draw(st.integers(min_value=0, max_value=len(months_spec) - 2))
    changed = [list(s) for s in months_spec]
    changed[index] = [*changed[index], (7, "maintenance")]
    assert build(months_spec).hash != build(changed).hash
