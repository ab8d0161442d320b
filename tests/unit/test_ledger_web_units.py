"""Units of the ledger's web layer that need no HTTP: charts, display, alerts, the store on
an in-memory ZODB (closed months, provisional summaries, concurrency-friendly layout), and
the rule that the pure ledger modules import no web framework."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from congress_site.ledger import alerts, charts, display
from congress_site.ledger.errors import InvalidEntry, MonthClosed
from congress_site.ledger.money import Money
from congress_site.ledger.months import Month
from congress_site.ledger.web import store
from congress_site.site import new_site

LEDGER = Path(__file__).resolve().parents[2] / "congress_site" / "ledger"
# The domain is every module of the ledger package but ``models``, the persistent classes
# (kept at that path because stored records name them by it); the web layer is ``web/``.
DOMAIN = sorted(p.stem for p in LEDGER.glob("*.py") if p.stem != "models")


def test_the_domain_modules_are_found():
    assert {"money", "months", "closing", "statement", "display", "charts"} <= set(DOMAIN)


@pytest.mark.parametrize("module", DOMAIN)
def test_pure_ledger_modules_import_no_web_framework(module):
    tree = ast.parse((LEDGER / f"{module}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                imported.add(node.module.split(".")[0])
            elif node.level > 1:
                imported.add("..")
            elif node.module:
                imported.add("." + node.module.split(".")[0])
            else:
                imported |= {"." + a.name for a in node.names}
    web = {"pyramid", "webob", "chameleon", "deform", "colander", "ZODB", "..", ".web", ".models"}
    assert not imported & web
    assert "persistent" not in imported


def test_bar_chart_is_escaped_svg_with_one_bar_per_value():
    svg = charts.bar_chart(
        "Costs <&>",
        "desc",
        ["Jan", "Feb"],
        [charts.Series("a", [100, -50], ["1", "-0.5"]), charts.Series("b", [0, 30], ["0", "3"])],
        line=charts.Series("bought", [60, 60], ["1 h", "1 h"]),
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Costs &lt;&amp;&gt;" in svg and "<title>Costs <&>" not in svg
    assert svg.count("<title>Jan · ") == 3 and svg.count("<title>Feb · ") == 3  # 2 bars, 1 point
    assert "<polyline" in svg
    empty = charts.bar_chart("t", "d", [], [charts.Series("a", [], [])])
    assert empty.startswith("<svg")


def test_bar_chart_reads_without_colour():
    """Labelled value axis, each bar's value written on it, a fill pattern per series."""
    svg = charts.bar_chart(
        "t",
        "d",
        ["Jan", "Feb"],
        [
            charts.Series("received", [7550, 11550], ["CA$75.50", "CA$115.50"]),
            charts.Series("costs", [64500, 64500], ["CA$645.00", "CA$645.00"]),
        ],
        unit=100,
        tick_label=lambda cents: f"{cents // 100}",
        axis_title="CAD",
        key="k",
    )
    assert ">CAD</text>" in svg
    for tick in ("0", "200", "400", "600", "800"):
        assert f">{tick}</text>" in svg
    for value in ("CA$75.50", "CA$115.50"):
        assert f">{value}</text>" in svg
    assert svg.count(">CA$645.00</text>") == 2
    assert 'fill="url(#k-0)"' in svg and 'fill="url(#k-1)"' in svg
    assert '<pattern id="k-1"' in svg and "<path" in svg  # the second series is striped


def test_nice_ticks_are_round_in_the_unit():
    assert charts.nice_ticks(0, 64500, unit=100) == [0, 20000, 40000, 60000, 80000]
    assert charts.nice_ticks(-90, 600, unit=60) == [-300, 0, 300, 600]  # 5 h steps
    assert charts.nice_ticks(0, 0) == [0]


def test_display_formats_per_locale():
    assert display.money(Money(150050, "EUR"), "fr") == "1\u202f500,50\xa0€"
    assert display.money(Money(-3000, "CAD"), "en") == "-CA$30.00"
    assert display.hours(90, "en") == "1.5 h" and display.hours(20, "pt") == "0,33 h"
    assert display.month(Month(2026, 3), "es") == "marzo de 2026"
    assert display.percent(45, 60) == 75 and display.percent(5, 0) == 0


class Folder:
    def __init__(self):
        from BTrees.OOBTree import OOBTree

        self.alerts_notified = OOBTree()


def test_alert_mail_hook_runs_once_per_threshold(caplog):
    folder = Folder()
    caplog.set_level("INFO")
    assert alerts.notify_new_alerts(folder, Month(2026, 1), 300, 600) == (50,)
    assert alerts.notify_new_alerts(folder, Month(2026, 1), 320, 600) == ()
    assert alerts.notify_new_alerts(folder, Month(2026, 1), 610, 600) == (80, 100)
    assert folder.alerts_notified["2026-01"] == (50, 80, 100)
    assert "mail is not configured" in caplog.text


@pytest.fixture
def db(tmp_path):
    # FileStorage, not MappingStorage: only the former resolves BTree conflicts.
    database = DB(FileStorage(str(tmp_path / "Data.fs")))
    yield database
    database.close()


@pytest.fixture
def site(db):
    from congress_site.content import operations

    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    root = conn.root()
    root["app_root"] = site = new_site()
    folder = store.get_folder(site, create=True)
    for member_id, currency, amount in (("a", "EUR", "15.00"), ("b", "CAD", "20.00")):
        member = operations.create(
            folder, "Member", {"title": member_id, "currency": currency}, None, name=member_id
        )
        lines = store.parse_subscriptions(
            [{"from": "2026-01", "shares": 1, "amount_per_share": amount}], currency
        )
        store.set_subscriptions(folder, member, lines)
    for m in (1, 2, 3):
        store.set_credit(folder, Month(2026, m), hours="2", development_hours="1",
                         hourly_rate="60.00", rates={"EUR": "1.50"})  # fmt: skip
    store.save_item(folder, "x", title="X", allocated_hours="1", status="allocated")
    tm.commit()
    yield site
    tm.abort()
    conn.close()


def work(folder, day, minutes, category="maintenance", item=None):
    return store.log_intervention(
        folder, minutes=minutes, category=category, item_id=item, description="w",
        logged_by="s", date=day,
    )  # fmt: skip


def test_months_before_the_last_close_are_frozen_too(site):
    folder = site["members"]
    store.close(folder, Month(2026, 1), None)
    closed = store.ClosedMonths(folder)
    assert Month(2025, 12) in closed and Month(2026, 1) in closed
    assert Month(2026, 2) not in closed
    with pytest.raises(MonthClosed):
        store.record_payment(folder, folder["a"], date="2025-12-31", amount="1.00",
                             cad_received="1.50")  # fmt: skip
    with pytest.raises(MonthClosed):
        store.set_subscriptions(folder, folder["a"], ())


def test_failed_calls_write_nothing(site):
    folder = site["members"]
    with pytest.raises(InvalidEntry):
        store.reverse_payment(folder, folder["a"], reverses="nope", date="2026-01-02", reason="r")
    with pytest.raises(InvalidEntry):
        store.close(folder, Month(2026, 4), None)  # no credit record
    assert len(folder["a"].entries) == 0 and len(folder.closed) == 0


def test_provisional_summaries_chain_the_reserve_from_the_last_close(site):
    folder = site["members"]
    work(folder, "2026-01-05", 90, "development", "x")  # reserve 60 - 90 = -30
    store.close(folder, Month(2026, 1), None)
    work(folder, "2026-02-05", 30, "development", "x")  # -30 + 60 - 30 = 0
    work(folder, "2026-03-05", 120)  # maintenance 120 of 60: overrun shown, reserve +60
    summaries = store.summaries(folder, Month(2026, 1), Month(2026, 3))
    assert [summaries[Month(2026, m)].reserve_after for m in (1, 2, 3)] == [-30, 0, 60]
    assert summaries[Month(2026, 3)].maintenance_remaining == -60
    assert summaries[Month(2026, 3)].alerts == (50, 80, 100)
    # Members' parts add up to the month's used minutes.
    parts = summaries[Month(2026, 2)].member_parts
    assert sum(p.minutes for p in parts) == 30
    # The statement takes the frozen month and the provisional ones.
    st = store.member_statement(folder, folder["a"], Month(2026, 1), Month(2026, 3))
    assert [m.closed for m in st.months] == [True, False, False]
    assert st.months[2].time_credit.maintenance_used == 120


def test_close_is_deterministic_for_the_same_inputs(site, db):
    folder = site["members"]
    work(folder, "2026-01-05", 45)
    store.record_payment(folder, folder["b"], date="2026-01-03", amount="20.00")
    transaction.get()  # nothing pending outside the site's own manager
    first = store.close(folder, Month(2026, 1), None)
    del folder.closed["2026-01"]
    again = store.close(folder, Month(2026, 1), "someone else")
    assert first.hash == again.hash and len(first.hash) == 64


def test_entry_ids_are_date_prefixed_and_make_month_ranges(site):
    folder = site["members"]
    p = store.record_payment(folder, folder["b"], date="2026-02-28", amount="20.00")
    store.record_payment(folder, folder["b"], date="2026-03-01", amount="20.00")
    assert p.id.startswith("2026-02-28-")
    assert [e.id for e in folder["b"].month_entries(Month(2026, 2))] == [p.id]
    assert datetime.date(2026, 3, 1) == folder["b"].month_entries(Month(2026, 3))[0].date


def test_concurrent_payments_to_different_members_and_interventions_merge(db, site):
    """Two transactions writing the ledger at once: no ConflictError, both kept."""
    tm1, tm2 = transaction.TransactionManager(), transaction.TransactionManager()
    c1, c2 = db.open(transaction_manager=tm1), db.open(transaction_manager=tm2)
    f1, f2 = c1.root()["app_root"]["members"], c2.root()["app_root"]["members"]
    store.record_payment(f1, f1["a"], date="2026-01-03", amount="15.00", cad_received="22.50")
    work(f1, "2026-01-04", 30)
    store.record_payment(f2, f2["b"], date="2026-01-03", amount="20.00")
    work(f2, "2026-01-04", 45)
    tm1.commit()
    tm2.commit()
    c3 = db.open()
    folder = c3.root()["app_root"]["members"]
    assert len(folder.time_entries) == 2
    assert len(folder["a"].entries) == 1 and len(folder["b"].entries) == 1
    for c in (c1, c2, c3):
        c.close()


@pytest.mark.parametrize(
    ("locale", "typed", "domain"),
    [
        ("fr", "40,00", "40.00"),
        ("fr", "1 234,50", "1234.50"),
        ("fr", "1\u202f234,50", "1234.50"),  # Babel's own French thousands separator
        ("es", "1.500,50", "1500.50"),
        ("pt", "40,00", "40.00"),
        ("en", "1,500.50", "1500.50"),
        ("en", "12,50", "12.50"),  # a lone decimal comma is read in any locale
        ("es", "40.00", "40.00"),  # so is the domain's (and the JSON API's) own format
        ("fr", " 15 ", "15"),
        ("fr", "", ""),
    ],
)
def test_numbers_are_read_as_the_user_types_them(locale, typed, domain):
    assert display.parse_number(typed, locale) == domain


@pytest.mark.parametrize("typed", ["quarante", "1e5", "NaN", "4,5,6", "1.2.3,4"])
def test_what_is_no_number_goes_on_unchanged_for_the_domain_to_refuse(typed):
    assert display.parse_number(typed, "fr") == typed


def test_numbers_are_written_in_form_fields_as_the_user_types_them():
    assert display.amount_input(Money(4000, "EUR"), "fr") == "40,00"
    assert display.amount_input(Money(123450, "CAD"), "en") == "1234.50"  # no grouping
    assert display.number_input("12.5", "pt") == "12,5"
    assert display.amount_input(None, "fr") == ""
