"""Append-only entries: payments, reversals, and the checks before appending one."""

import datetime

import pytest

from congress_site.ledger.entries import (
    Payment,
    Reversal,
    check_new_entry,
    ensure_open,
    parse_date,
    reverse,
)
from congress_site.ledger.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidEntry,
    LedgerError,
    MonthClosed,
)
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month

D = datetime.date


def pay(id="p1", member="alpha", date=D(2026, 3, 5), cents=3000, cad=4400, currency="EUR"):
    return Payment(id, member, date, Money(cents, currency), Money(cad, "CAD"), "VIR-1", "")


def check(entry, existing=(), reversed_ids=(), closed=(), currency="EUR"):
    check_new_entry(
        entry,
        member_currency=currency,
        existing={e.id: e for e in existing},
        reversed_ids=set(reversed_ids),
        closed_months=set(closed),
    )


def test_payment_fields():
    p = pay()
    assert p.month == Month(2026, 3)
    assert p.signed_amount == Money(3000, "EUR")
    assert p.to_json_dict()["amount"] == "30.00"
    assert p.to_json_dict()["cad_received"] == "44.00"


@pytest.mark.parametrize("cents", [0, -100])
def test_payment_amount_must_be_positive(cents):
    with pytest.raises(InvalidAmount) as info:
        pay(cents=cents)
    assert info.value.field == "amount"


def test_cad_received_must_be_cad_and_positive():
    with pytest.raises(CurrencyMismatch) as info:
        Payment("p", "a", D(2026, 1, 1), Money(1, "EUR"), Money(1, "EUR"))
    assert info.value.field == "cad_received"
    with pytest.raises(InvalidAmount):
        pay(cad=0)


def test_cad_payment_receives_its_amount():
    pay(currency="CAD", cents=2000, cad=2000)
    with pytest.raises(InvalidAmount):
        pay(currency="CAD", cents=2000, cad=1999)


@pytest.mark.parametrize(
    "kwargs",
    [{"id": ""}, {"member": " "}, {"date": "2026-03-05"}, {"date": datetime.datetime(2026, 3, 5)}],
)
def test_payment_required_fields(kwargs):
    with pytest.raises(InvalidEntry):
        pay(**kwargs)


def test_reversal_negates_and_names_its_target():
    r = reverse(pay(), id="r1", date=D(2026, 4, 1), reason="bounced")
    assert r.reverses == "p1"
    assert r.signed_amount == Money(-3000, "EUR")
    assert r.signed_cad == Money(-4400, "CAD")
    assert r.month == Month(2026, 4)


def test_reversal_needs_a_reason():
    with pytest.raises(InvalidEntry) as info:
        reverse(pay(), id="r1", date=D(2026, 4, 1), reason="")
    assert info.value.field == "reason"


def test_check_accepts_a_valid_payment_and_reversal():
    p = pay()
    check(p)
    check(reverse(p, id="r1", date=D(2026, 4, 1), reason="x"), existing=[p])


def test_closed_month_refuses_entries():
    with pytest.raises(MonthClosed) as info:
        check(pay(), closed=[Month(2026, 3)])
    assert info.value.code == "month_closed"
    with pytest.raises(MonthClosed):
        ensure_open(Month(2026, 3), {Month(2026, 3)})


def test_error_json_names_code_and_field():
    with pytest.raises(InvalidAmount) as info:
        pay(cents=-1)
    assert info.value.to_json_dict() == {
        "error": "invalid_amount",
        "field": "amount",
        "message": "amount: -0.01 must be greater than zero",
    }


def test_duplicate_id_refused():
    with pytest.raises(InvalidEntry) as info:
        check(pay(), existing=[pay()])
    assert info.value.code == "duplicate_entry"


def test_amount_must_be_in_member_currency():
    with pytest.raises(CurrencyMismatch):
        check(pay(currency="CAD", cents=100, cad=100), currency="EUR")


def test_reversal_rules():
    p = pay()
    r = reverse(p, id="r1", date=D(2026, 4, 1), reason="x")
    cases = {
        "unknown_entry": dict(entry=r),
        "already_reversed": dict(entry=r, existing=[p], reversed_ids=["p1"]),
        "not_reversible": dict(
            entry=Reversal("r2", "alpha", D(2026, 4, 2), "r1", p.amount, p.cad_received, "x"),
            existing=[p, r],
        ),
    }
    for code, kwargs in cases.items():
        with pytest.raises(LedgerError) as info:
            check(**kwargs)
        assert info.value.code == code
    with pytest.raises(InvalidEntry, match="another member"):
        other = Reversal("r3", "beta", D(2026, 4, 1), "p1", p.amount, p.cad_received, "x")
        check(other, existing=[p])
    with pytest.raises(InvalidEntry, match="amount"):
        wrong = Reversal("r4", "alpha", D(2026, 4, 1), "p1", Money(1, "EUR"), p.cad_received, "x")
        check(wrong, existing=[p])
    with pytest.raises(InvalidEntry, match="before"):
        check(reverse(p, id="r5", date=D(2026, 3, 1), reason="x"), existing=[p])


def test_reversal_of_a_reversal_cannot_be_built():
    r = reverse(pay(), id="r1", date=D(2026, 4, 1), reason="x")
    with pytest.raises(InvalidEntry):
        reverse(r, id="r2", date=D(2026, 4, 1), reason="x")


def test_parse_date():
    assert parse_date("2026-02-28") == D(2026, 2, 28)
    for bad in ["2026-02-30", "2026-2-1", "yesterday", 20260101, None]:
        with pytest.raises(InvalidEntry) as info:
            parse_date(bad, field="date")
        assert info.value.code == "invalid_date"
