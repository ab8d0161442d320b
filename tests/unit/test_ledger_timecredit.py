"""Time credit records, interventions and development items: validation rules."""

import datetime

import pytest

from congress_site.ledger.errors import (
    CurrencyMismatch,
    InvalidEntry,
    InvalidMinutes,
    LedgerError,
    MonthClosed,
)
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month
from congress_site.ledger.timecredit import (
    DevelopmentItem,
    ExchangeRate,
    Intervention,
    MonthCredit,
    check_new_time_entry,
    parse_hours,
    reverse_intervention,
)

D = datetime.date
JAN = Month(2026, 1)


def work(id="i1", minutes=30, category="maintenance", item=None, date=D(2026, 1, 10)):
    return Intervention(id, date, minutes, category, "apt upgrade", "sysadmin", item)


def check(entry, existing=(), reversed_ids=(), items=(), closed=()):
    check_new_time_entry(
        entry,
        existing={e.id: e for e in existing},
        reversed_ids=set(reversed_ids),
        items={i.id: i for i in items},
        closed_months=set(closed),
    )


@pytest.mark.parametrize("minutes", [0, -5, 1441, 30.0, True, "30"])
def test_intervention_minutes_bounds(minutes):
    with pytest.raises(InvalidMinutes) as info:
        work(minutes=minutes)
    assert info.value.code == "invalid_minutes"
    assert info.value.field == "minutes"


@pytest.mark.parametrize("minutes", [1, 1440])
def test_intervention_minutes_limits_accepted(minutes):
    assert work(minutes=minutes).minutes == minutes


def test_development_needs_an_item_and_maintenance_has_none():
    with pytest.raises(InvalidEntry) as info:
        work(category="development")
    assert info.value.field == "item_id"
    with pytest.raises(InvalidEntry):
        work(category="maintenance", item="dev-1")
    assert work(category="development", item="dev-1").item_id == "dev-1"


def test_unknown_category_and_empty_description():
    with pytest.raises(InvalidEntry) as info:
        work(category="coffee")
    assert info.value.code == "invalid_category"
    with pytest.raises(InvalidEntry) as info:
        Intervention("i", D(2026, 1, 1), 5, "maintenance", "   ", "sysadmin")
    assert info.value.field == "description"


def test_month_credit_split_and_cost():
    credit = MonthCredit(JAN, 20 * 60, Money(6000, "CAD"), 5 * 60)
    assert credit.maintenance_minutes == 15 * 60
    assert credit.cost() == Money(120000, "CAD")
    # 61 minutes at 60.00/h = 61.00; 1 minute at 0.01/h rounds half up to 0.00
    assert MonthCredit(JAN, 61, Money(6000, "CAD"), 0).cost() == Money(6100, "CAD")
    assert MonthCredit(JAN, 1, Money(1, "CAD"), 0).cost() == Money(0, "CAD")
    assert MonthCredit(JAN, 30, Money(1, "CAD"), 0).cost() == Money(1, "CAD")


def test_month_credit_validation():
    with pytest.raises(InvalidMinutes):
        MonthCredit(JAN, 60, Money(6000, "CAD"), 61)
    with pytest.raises(InvalidMinutes):
        MonthCredit(JAN, -60, Money(6000, "CAD"), 0)
    with pytest.raises(CurrencyMismatch):
        MonthCredit(JAN, 60, Money(6000, "EUR"), 0)
    with pytest.raises(InvalidEntry):
        MonthCredit(JAN, 60, Money(6000, "CAD"), 0, (ExchangeRate("EUR", 147),) * 2)


def test_exchange_rates_are_exact_ratios():
    credit = MonthCredit(JAN, 60, Money(6000, "CAD"), 0, (ExchangeRate("EUR", 147),))
    assert credit.cad_ratio("EUR") * 100 == 147
    assert credit.cad_ratio("CAD") == 1
    with pytest.raises(InvalidEntry) as info:
        MonthCredit(JAN, 60, Money(6000, "CAD"), 0).cad_ratio("EUR")
    assert info.value.code == "missing_rate"
    with pytest.raises(LedgerError):
        ExchangeRate("EUR", 0)
    with pytest.raises(LedgerError):
        ExchangeRate("USD", 130)


def test_development_item():
    item = DevelopmentItem("dev-1", "Backups to a second site", 600, "allocated")
    assert item.remaining_minutes(700) == -100  # overrun shown as negative
    with pytest.raises(InvalidEntry):
        DevelopmentItem("dev-1", "x", 600, "maybe")
    with pytest.raises(InvalidMinutes):
        DevelopmentItem("dev-1", "x", -1)


def test_check_new_time_entry():
    item = DevelopmentItem("dev-1", "Backups", 600, "in_progress")
    proposed = DevelopmentItem("dev-2", "Chat", 600, "proposed")
    check(work(category="development", item="dev-1"), items=[item])
    with pytest.raises(InvalidEntry) as info:
        check(work(category="development", item="dev-9"), items=[item])
    assert info.value.code == "unknown_item"
    with pytest.raises(InvalidEntry) as info:
        check(work(category="development", item="dev-2"), items=[proposed])
    assert info.value.code == "item_not_allocated"
    with pytest.raises(MonthClosed):
        check(work(), closed=[JAN])
    with pytest.raises(InvalidEntry) as info:
        check(work(), existing=[work()])
    assert info.value.code == "duplicate_entry"


def test_intervention_reversal():
    original = work(minutes=45)
    fix = reverse_intervention(
        original, id="x1", date=D(2026, 2, 1), reason="logged twice", logged_by="sysadmin"
    )
    assert fix.signed_minutes == -45 and fix.reverses == "i1"
    check(fix, existing=[original])
    with pytest.raises(InvalidEntry) as info:
        check(fix, existing=[original], reversed_ids=["i1"])
    assert info.value.code == "already_reversed"
    with pytest.raises(InvalidEntry) as info:
        check(fix)
    assert info.value.code == "unknown_entry"


@pytest.mark.parametrize(("text", "minutes"), [("12", 720), ("12.5", 750), ("0.25", 15)])
def test_parse_hours(text, minutes):
    assert parse_hours(text) == minutes


@pytest.mark.parametrize("text", ["", "-1", "1.333", "0.01", "abc", 12, 1.5])
def test_parse_hours_rejects(text):
    with pytest.raises(InvalidMinutes):
        parse_hours(text)
