"""The ledger's web layer: statement pages (HTML, JSON, PDF, CSV), the JSON API with its
errors, the log and close screens, the report, and access control between two members."""

from __future__ import annotations

import csv
import io

import pytest

from congress_site.ledger.models import CONTACT_ROLE
from congress_site.ledger.months import Month
from congress_site.ledger.web import store
from tests.conftest import (
    ADMIN_PASSWORD,
    api_token,
    bearer,
    browser_login,
    csrf_from,
)

PASSWORD = "ledger-password-for-tests"
JAN, FEB, MAR = "2026-01", "2026-02", "2026-03"


@pytest.fixture
def ledger(site):
    """Two members (EUR and CAD), their contacts, a sysadmin, credits for Jan-Mar 2026."""
    site.add_user("marie", PASSWORD, ["Member"])
    site.add_user("sophie", PASSWORD, ["Member"])
    site.add_user("sysadmin", PASSWORD, ["Sysadmin"])
    from congress_site.content import operations

    with site.edit() as root:
        folder = store.get_folder(root, create=True)
        for member_id, name, currency, amount, login in (
            ("alpha", "Coop Alpha", "EUR", "15.00", "marie"),
            ("beta", "Asso Beta", "CAD", "20.00", "sophie"),
        ):
            member = operations.create(
                folder, "Member", {"title": name, "currency": currency}, "admin", name=member_id
            )
            lines = store.parse_subscriptions(
                [{"from": JAN, "shares": 2, "amount_per_share": amount}], currency
            )
            store.set_subscriptions(folder, member, lines)
            operations.set_local_roles(member, f"user:{login}", {CONTACT_ROLE}, "admin")
        for month in (JAN, FEB, MAR):
            store.set_credit(
                folder,
                Month.parse(month),
                hours="10",
                development_hours="4",
                hourly_rate="60.00",
                rates={"EUR": "1.50"},
            )
        store.save_item(
            folder, "backup", title="Backup drill", allocated_hours="6", status="allocated"
        )
    return site


@pytest.fixture
def admin(app, ledger):
    return bearer(api_token(app, "admin", ADMIN_PASSWORD))


@pytest.fixture
def marie(app, ledger):
    return bearer(api_token(app, "marie", PASSWORD))


@pytest.fixture
def sophie(app, ledger):
    return bearer(api_token(app, "sophie", PASSWORD))


@pytest.fixture
def sysadmin(app, ledger):
    return bearer(api_token(app, "sysadmin", PASSWORD))


def pay(app, headers, member="alpha", status=201, **body):
    values = {"date": "2026-01-05", "amount": "30.00", "cad_received": "45.00"} | body
    return app.post_json(f"/members/{member}/@payments", values, headers=headers, status=status)


def log(app, headers, status=201, **body):
    values = {
        "date": "2026-01-10",
        "minutes": 45,
        "category": "maintenance",
        "description": "Security updates",
    } | body
    return app.post_json("/members/@interventions", values, headers=headers, status=status)


def statement(app, headers, member="alpha", period=(JAN, MAR), status=200):
    return app.get(
        f"/members/{member}/@statement",
        {"from": period[0], "to": period[1]},
        headers=headers,
        status=status,
    )


def entry_count(site, member="alpha"):
    with site.edit() as root:
        return len(root["members"][member].entries)


# -- the statement -----------------------------------------------------------------------------
def test_statement_json_amounts_are_decimal_strings_and_minutes_ints(app, admin, marie):
    pay(app, admin)
    log(app, admin, minutes=60)
    log(app, admin, minutes=30, category="development", item_id="backup", date="2026-01-12")
    res = statement(app, marie).json
    assert res["currency"] == "EUR" and res["base_currency"] == "CAD"
    assert (res["from"], res["to"]) == (JAN, MAR)
    jan = res["months"][0]
    assert jan["dues"] == "30.00" and jan["paid"] == "30.00" and jan["balance"] == "0.00"
    assert jan["payments"][0]["cad_received"] == "45.00"
    tc = jan["time_credit"]
    assert tc["minutes_bought"] == 600 and tc["used_minutes"] == 90
    assert tc["used_by_item"] == [{"item_id": "backup", "minutes": 30}]
    # alpha owes 30 EUR = 45 CAD, beta 40 CAD: alpha's part of 90 minutes is 45*90/85.
    assert isinstance(tc["member_minutes"], int) and tc["member_minutes"] == 48
    beta = statement(app, admin, "beta").json["months"][0]["time_credit"]
    assert beta["member_minutes"] + tc["member_minutes"] == 90
    assert res["total_dues"] == "90.00" and res["closing_balance"] == "-60.00"


def test_statement_html_shows_totals_and_balance(app, ledger, marie):
    browser_login(app, "marie", PASSWORD)
    page = app.get("/members/alpha", {"from": JAN, "to": FEB})
    assert "Coop Alpha" in page.text
    assert "€60.00" in page.text  # total dues, English locale
    assert "arrears" in page.text
    assert "@@statement.pdf" in page.text and "@@statement.csv" in page.text


def test_statement_html_in_french_formats_per_locale(app, ledger):
    browser_login(app, "marie", PASSWORD)
    page = app.get("/members/alpha", {"from": JAN, "to": FEB}, headers={"Accept-Language": "fr"})
    assert "Relevé" in page.text and "janvier 2026" in page.text
    assert "60,00\xa0€" in page.text or "60,00 €" in page.text


def test_statement_pdf_contains_the_totals(app, admin, marie):
    import pypdf

    pay(app, admin, amount="25.00", cad_received="37.50")
    res = app.get("/members/alpha/@@statement.pdf", {"from": JAN, "to": MAR}, headers=marie)
    assert res.content_type == "application/pdf"
    assert res.body.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(res.body)).pages)
    assert "Coop Alpha" in text
    assert "90.00" in text  # total dues
    assert "25.00" in text  # paid
    assert "-€65.00" in text  # closing balance (arrears)
    assert "Skip to content" not in text and "Log out" not in text  # print CSS


def test_statement_pdf_keeps_every_month_credit_and_hash(app, admin, marie):
    """The PDF has its own lean stylesheet and leaves out the page's form: it still shows
    every month with its payments, the time credit by item and the closed months' hashes;
    the HTML page keeps the site's stylesheet and the period form."""
    import pypdf

    pay(app, admin, amount="25.00", cad_received="37.50")
    log(app, admin, minutes=30, category="development", item_id="backup", date="2026-01-12")
    app.post_json("/members/@close", {"month": JAN}, headers=admin, status=201)
    jan_hash = app.get("/members/@close", headers=admin).json["items"][0]["hash"]
    res = app.get("/members/alpha/@@statement.pdf", {"from": JAN, "to": MAR}, headers=marie)
    reader = pypdf.PdfReader(io.BytesIO(res.body))
    text = "".join(p.extract_text() for p in reader.pages)
    for month in ("January 2026", "February 2026", "March 2026"):
        assert month in text
    assert "Jan 5, 2026: €25.00" in text  # the payment line
    assert "Backup drill: 0.5 h" in text  # development time by item
    assert "Closed months" in text and jan_hash in text
    assert "Download CSV" not in text and "Show" not in text  # no page controls
    html = {**marie, "Accept": "text/html"}
    page = app.get("/members/alpha", {"from": JAN, "to": MAR}, headers=html)
    assert "ledger/ledger.css" in page.text and 'name="from"' in page.text
    assert "statement-print.css" not in page.text


def test_statement_csv(app, admin, marie):
    pay(app, admin)
    res = app.get("/members/alpha/@@statement.csv", {"from": JAN, "to": FEB}, headers=marie)
    assert res.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(res.text)))
    kinds = [r["row"] for r in rows]
    assert kinds == ["opening", "month", "payment", "month", "total"]
    assert rows[-1]["dues"] == "60.00" and rows[-1]["balance"] == "-30.00"
    assert rows[2]["cad_received"] == "45.00"


def test_bad_period_is_400(app, marie):
    res = statement(app, marie, period=("2026-13", MAR), status=400)
    assert res.json["error"] == "invalid_month" and res.json["field"] == "from"
    res = statement(app, marie, period=(MAR, JAN), status=400)
    assert res.json["error"] == "invalid_range"


# -- access control ----------------------------------------------------------------------------
def test_member_contacts_see_only_their_own_member(app, marie, sophie, sysadmin):
    statement(app, marie, "alpha")
    statement(app, sophie, "beta")
    assert statement(app, marie, "beta", status=403).json["error"] == "forbidden"
    statement(app, sophie, "alpha", status=403)
    statement(app, sysadmin, "alpha", status=403)
    app.get("/members/beta/@@statement.pdf", headers=marie, status=403)
    app.get("/members/beta/@@statement.csv", headers=marie, status=403)
    assert (
        statement(app, {"Accept": "application/json"}, status=401).json["error"] == "unauthorized"
    )


def test_member_html_statement_of_another_member_is_forbidden(app, ledger):
    browser_login(app, "marie", PASSWORD)
    app.get("/members/alpha")
    app.get("/members/beta", status=403)
    listing = app.get("/members")
    assert "Coop Alpha" in listing.text and "Asso Beta" not in listing.text


def test_coordinator_sees_all(app, admin):
    statement(app, admin, "alpha")
    statement(app, admin, "beta")


def test_only_coordinators_record_payments_and_close(app, marie, sysadmin):
    pay(app, marie, status=403)
    pay(app, sysadmin, status=403)
    app.post_json("/members/@close", {"month": JAN}, headers=marie, status=403)
    app.post_json("/members/@close", {"month": JAN}, headers=sysadmin, status=403)


def test_sysadmin_logs_interventions_members_do_not(app, sysadmin, marie):
    res = log(app, sysadmin)
    assert res.json["logged_by"] == "sysadmin" and res.json["minutes"] == 45
    log(app, marie, status=403)
    log(app, sysadmin, logged_by="admin", status=403)


# -- bad input: clear 4xx, nothing stored ------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": "-5.00"}, "invalid_amount"),
        ({"amount": "abc"}, "invalid_amount"),
        ({"amount": 30.0}, "invalid_amount"),
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "30.001"}, "invalid_amount"),
        ({"currency": "XYZ"}, "unknown_currency"),
        ({"currency": "CAD", "cad_received": "30.00"}, "currency_mismatch"),
        ({"date": "2026-13-01"}, "invalid_date"),
        ({"cad_received": None}, "invalid_amount"),
        ({"surprise": 1}, "unknown_field"),
    ],
)
def test_bad_payments_are_400_and_store_nothing(app, ledger, admin, body, code):
    res = pay(app, admin, status=400, **body)
    assert res.json["error"] == code
    assert res.json["message"]
    assert entry_count(ledger) == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"minutes": 0}, "invalid_minutes"),
        ({"minutes": 1441}, "invalid_minutes"),
        ({"minutes": "lots"}, "invalid_minutes"),
        ({"category": "fun"}, "invalid_category"),
        ({"category": "development"}, "required"),
        ({"category": "development", "item_id": "nope"}, "unknown_item"),
        ({"description": ""}, "required"),
        ({"date": "2026-02-30"}, "invalid_date"),
    ],
)
def test_bad_interventions_are_400_and_store_nothing(app, ledger, admin, body, code):
    res = log(app, admin, status=400, **body)
    assert res.json["error"] == code
    with ledger.edit() as root:
        assert len(root["members"].time_entries) == 0


def test_close_month_freezes_it_409(app, ledger, admin):
    pay(app, admin)
    log(app, admin)
    res = app.post_json("/members/@close", {"month": JAN}, headers=admin, status=201)
    assert len(res.json["hash"]) == 64 and res.json["previous_hash"] == ""
    assert pay(app, admin, date="2026-01-20", status=409).json["error"] == "month_closed"
    assert log(app, admin, date="2026-01-20", status=409).json["error"] == "month_closed"
    app.post_json("/members/@close", {"month": JAN}, headers=admin, status=409)
    res = app.put_json(
        f"/members/@credit/{JAN}",
        {"hours": "20", "hourly_rate": "60.00"},
        headers=admin,
        status=409,
    )
    assert res.json["error"] == "month_closed"
    res = app.put_json(
        "/members/alpha/@subscriptions",
        {"subscriptions": [{"from": JAN, "shares": 3, "amount_per_share": "15.00"}]},
        headers=admin,
        status=409,
    )
    assert res.json["error"] == "month_closed"
    assert entry_count(ledger) == 1
    # Out of order and unknown months are refused too.
    assert (
        app.post_json("/members/@close", {"month": MAR}, headers=admin, status=400).json["error"]
        == "close_out_of_order"
    )
    app.post_json("/members/@close", {"month": "2026-13"}, headers=admin, status=400)
    # The next month closes and chains to the first.
    feb = app.post_json("/members/@close", {"month": FEB}, headers=admin, status=201).json
    assert feb["previous_hash"] == res_hash(app, admin, JAN)
    chain = app.get("/members/@close", headers=admin).json
    assert chain["chain"] == "ok" and [i["month"] for i in chain["items"]] == [JAN, FEB]
    months = statement(app, admin).json["months"]
    assert months[0]["closed"] and months[0]["hash"] == chain["items"][0]["hash"]
    assert not months[2]["closed"] and months[2]["hash"] is None


def res_hash(app, headers, month):
    items = app.get("/members/@close", headers=headers).json["items"]
    return next(i["hash"] for i in items if i["month"] == month)


def test_correction_is_a_reversing_entry_in_an_open_month(app, ledger, admin, marie):
    wrong = pay(app, admin, amount="300.00", cad_received="450.00").json
    app.post_json("/members/@close", {"month": JAN}, headers=admin, status=201)
    res = app.post_json(
        "/members/alpha/@reversals",
        {"reverses": wrong["id"], "date": "2026-02-02", "reason": "typo: 30, not 300"},
        headers=admin,
        status=201,
    )
    assert res.json["kind"] == "reversal" and res.json["reverses"] == wrong["id"]
    again = app.post_json(
        "/members/alpha/@reversals",
        {"reverses": wrong["id"], "date": "2026-02-03", "reason": "twice"},
        headers=admin,
        status=400,
    )
    assert again.json["error"] == "already_reversed"
    pay(app, admin, date="2026-02-02")
    months = statement(app, marie).json["months"]
    assert months[0]["paid"] == "300.00"  # the closed month is unchanged
    assert months[1]["paid"] == "-270.00"
    assert [p["kind"] for p in months[1]["payments"]] == ["payment", "reversal"] or [
        p["kind"] for p in months[1]["payments"]
    ] == ["reversal", "payment"]


def test_intervention_reversal(app, ledger, admin, sysadmin):
    original = log(app, sysadmin).json
    res = app.post_json(
        "/members/@intervention-reversals",
        {"reverses": original["id"], "date": "2026-01-11", "reason": "logged twice"},
        headers=sysadmin,
        status=201,
    )
    assert res.json["minutes"] == 45
    listing = app.get("/members/@interventions", {"month": JAN}, headers=sysadmin).json
    assert listing["used_minutes"] == 0 and len(listing["items"]) == 2


def test_credit_items_and_subscriptions_api(app, admin, marie):
    res = app.put_json(
        "/members/@credit/2026-04",
        {
            "hours": "12.5",
            "hourly_rate": "65.00",
            "development_hours": "5",
            "rates": {"EUR": "1.45"},
        },
        headers=admin,
    )
    assert res.json["minutes_bought"] == 750 and res.json["cost"] == "812.50"
    # PUT replaces the month's record: with a server cost, then without one.
    body = {
        "hours": "12.5",
        "hourly_rate": "65.00",
        "development_hours": "5",
        "rates": {"EUR": "1.45"},
        "server_cost": "40.00",
    }
    res = app.put_json("/members/@credit/2026-04", body, headers=admin)
    assert res.json["server_cost"] == "40.00"
    del body["server_cost"]
    res = app.put_json("/members/@credit/2026-04", body, headers=admin)
    assert res.json["server_cost"] is None
    bad = app.put_json(
        "/members/@credit/2026-04",
        {"hours": "-1", "hourly_rate": "65.00"},
        headers=admin,
        status=400,
    )
    assert bad.json["error"] == "invalid_minutes"
    app.put_json("/members/@credit/2026-04", {"hours": "1"}, headers=marie, status=403)
    item = app.post_json(
        "/members/@items",
        {"id": "matrix", "title": "Matrix server", "allocated_hours": "12"},
        headers=admin,
        status=201,
    ).json
    assert item["status"] == "proposed" and item["allocated_minutes"] == 720
    # Time cannot go on an item the collective has not allocated yet.
    assert (
        log(app, admin, category="development", item_id="matrix", status=400).json["error"]
        == "item_not_allocated"
    )
    app.put_json("/members/@items/matrix", {"status": "allocated"}, headers=admin)
    log(app, admin, category="development", item_id="matrix")
    items = {i["id"]: i for i in app.get("/members/@items", headers=marie).json["items"]}
    assert items["matrix"]["used_minutes"] == 45 and items["matrix"]["allocated_minutes"] == 720
    res = app.put_json(
        "/members/alpha/@subscriptions",
        {"subscriptions": [{"from": "2026-04", "shares": 3, "amount_per_share": "15.00"}]},
        headers=admin,
    )
    assert res.json["changed"] is True
    bad = app.put_json(
        "/members/alpha/@subscriptions",
        {"subscriptions": [{"from": "2026-04", "shares": 3, "amount_per_share": "15.5.0"}]},
        headers=admin,
        status=400,
    )
    assert bad.json["error"] == "invalid_amount"


# -- report ------------------------------------------------------------------------------------
def test_report_json_and_alerts_for_coordinators_only(app, ledger, admin, marie):
    pay(app, admin)
    log(app, admin, minutes=300)
    log(app, admin, minutes=200, date="2026-01-11")
    app.post_json("/members/@close", {"month": JAN}, headers=admin, status=201)
    res = app.get("/members/@report", {"from": JAN, "to": MAR}, headers=admin).json
    jan = res["months"][0]
    assert jan["closed"] and jan["cad_received"] == "45.00" and jan["costs"] == "600.00"
    assert jan["maintenance_used"] == 500 and jan["alerts"] == [50, 80]
    assert res["alerts"][0]["month"] == JAN
    assert "alerts" not in app.get("/members/@report", headers=marie).json
    app.get("/members/@report", headers={"Accept": "application/json"}, status=401)


def test_report_page_has_svg_charts_and_alerts(app, ledger, admin):
    log(app, admin, minutes=600, date="2026-03-03")
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/members/@@report", {"from": JAN, "to": MAR})
    assert page.text.count("<svg") == 3
    assert "Hours used have reached" in page.text and "mail is not configured" in page.text
    app.reset()
    browser_login(app, "marie", PASSWORD)
    page = app.get("/members/@@report", {"from": JAN, "to": MAR})
    assert page.text.count("<svg") == 3 and "Hours used have reached" not in page.text


# -- screens -----------------------------------------------------------------------------------
def test_log_screen_logs_with_defaults_and_remembers_choices(app, ledger):
    browser_login(app, "sysadmin", PASSWORD)
    page = app.get("/members/@@log")
    assert "autofocus" in page.text and 'value="maintenance"' in page.text
    res = app.post(
        "/members/@@log",
        {
            "csrf_token": csrf_from(page),
            "description": "Restore drill",
            "quick": "15",
            "category": "development",
            "item_id": "backup",
        },
    )
    assert res.status_int == 302 and "item_id=backup" in res.location
    page = res.follow()
    assert "Restore drill" in page.text and "Logged" in page.text
    with ledger.edit() as root:
        (entry,) = root["members"].time_entries.values()
        assert (entry.minutes, entry.item_id, entry.logged_by) == (15, "backup", "sysadmin")
        assert entry.date == store.today()


def test_log_screen_errors_are_4xx_and_keep_the_input(app, ledger):
    browser_login(app, "sysadmin", PASSWORD)
    page = app.get("/members/@@log")
    res = app.post(
        "/members/@@log",
        {"csrf_token": csrf_from(page), "description": "Too long", "minutes": "1500"},
        status=400,
    )
    assert "1440" in res.text and 'value="Too long"' in res.text
    # A closed month is a conflict, as on the other forms and in the API.
    with ledger.edit() as root:
        store.close(root["members"], Month(2026, 1), "admin")
    res = app.post(
        "/members/@@log",
        {
            "csrf_token": csrf_from(page),
            "description": "Late",
            "minutes": "10",
            "date": "2026-01-20",
        },
        status=409,
    )
    assert 'value="Late"' in res.text and "record a correction in an open month" in res.text
    app.post("/members/@@log", {"description": "no csrf", "minutes": "10"}, status=400)
    with ledger.edit() as root:
        assert len(root["members"].time_entries) == 0


def test_log_and_close_screens_are_guarded(app, ledger):
    browser_login(app, "marie", PASSWORD)
    app.get("/members/@@log", status=403)
    app.get("/members/@@close", status=403)
    app.reset()
    browser_login(app, "sysadmin", PASSWORD)
    app.get("/members/@@close", status=403)


def test_close_screen_sets_credit_and_closes(app, ledger):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/members/@@close")
    assert "January 2026" in page.text
    res = app.post(
        "/members/@@close",
        {
            "csrf_token": csrf_from(page),
            "action": "credit",
            "month": "2026-04",
            "hours": "8",
            "development_hours": "2",
            "hourly_rate": "60,00",
            "eur": "1.50",
        },
    )
    assert res.status_int == 302
    # Closing is irreversible: without the confirmation box the server refuses it.
    res = app.post(
        "/members/@@close",
        {"csrf_token": csrf_from(page), "action": "close", "month": JAN},
        status=400,
    )
    assert "cannot be undone" in res.text
    with ledger.edit() as root:
        assert list(root["members"].closed.keys()) == []
    form = res.forms["close-form"]
    form["confirm"].checked = True
    page = form.submit().follow()
    assert "is closed" in page.text and "hash chain is intact" in page.text
    assert "February 2026" in page.text
    res = app.post(
        "/members/@@close",
        {"csrf_token": csrf_from(page), "action": "close", "month": JAN, "confirm": "yes"},
        status=409,
    )
    with ledger.edit() as root:
        assert list(root["members"].closed.keys()) == [JAN]
        assert root["members"].credits["2026-04"].minutes_bought == 480


def test_members_listing_for_coordinators(app, ledger):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/members")
    assert "Coop Alpha" in page.text and "Asso Beta" in page.text
    assert "@@close" in page.text and "@@log" in page.text


def test_report_starts_at_the_first_month_with_data(app, site):
    """No empty months before the ledger began: the default period starts with the first
    month with hours bought (the JSON API and the page agree)."""
    this_month = Month.of(store.today())
    start = this_month - 3
    with site.edit() as root:
        folder = store.get_folder(root, create=True)
        store.set_credit(folder, start, hours="10", hourly_rate="60.00", rates={"EUR": "1.50"})
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    report = app.get("/members/@report", headers=admin).json
    assert (report["from"], report["to"]) == (str(start), str(this_month))
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/members/@@report")
    assert page.html.select_one("input[name=from]")["value"] == str(start)
    # Data older than a year (a member subscribed since then, so the ledger takes dates
    # that far back): the last twelve months, as before.
    from congress_site.content import operations

    with site.edit() as root:
        folder = store.get_folder(root)
        member = operations.create(
            folder, "Member", {"title": "Old", "currency": "EUR"}, "admin", name="old"
        )
        lines = store.parse_subscriptions(
            [{"from": str(this_month - 22), "shares": 1, "amount_per_share": "15.00"}], "EUR"
        )
        store.set_subscriptions(folder, member, lines)
        store.set_credit(folder, this_month - 20, hours="1", hourly_rate="60.00",
                         rates={"EUR": "1.50"})  # fmt: skip
    assert app.get("/members/@report", headers=admin).json["from"] == str(this_month - 11)
