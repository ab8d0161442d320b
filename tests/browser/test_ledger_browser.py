"""A member's contact logs in and reads the statement; the sysadmin logs time from the
keyboard alone."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from congress_site.content import operations
from congress_site.ledger.models import CONTACT_ROLE
from congress_site.ledger.months import Month
from congress_site.ledger.web import store

PASSWORD = "ledger-browser-password"


def login(page, base, login, password):
    page.goto(f"{base}/@@login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def populate(site):
    site.add_user("marie", PASSWORD, ["Member"])
    site.add_user("sysadmin", PASSWORD, ["Sysadmin"])
    with site.edit() as root:
        folder = store.get_folder(root, create=True)
        for member_id, name in (("alpha", "Coop Alpha"), ("beta", "Asso Beta")):
            member = operations.create(
                folder, "Member", {"title": name, "currency": "EUR"}, "admin", name=member_id
            )
            lines = store.parse_subscriptions(
                [{"from": "2026-01", "shares": 2, "amount_per_share": "15.00"}], "EUR"
            )
            store.set_subscriptions(folder, member, lines)
        operations.set_local_roles(folder["alpha"], "user:marie", {CONTACT_ROLE}, "admin")
        store.set_credit(folder, Month(2026, 1), hours="10", hourly_rate="60.00",
                         rates={"EUR": "1.50"})  # fmt: skip
        store.record_payment(
            folder, folder["alpha"], date="2026-01-04", amount="25.00", cad_received="37.50",
            reference="transfer 42",
        )  # fmt: skip
        store.log_intervention(folder, minutes=90, category="maintenance", description="Updates",
                               logged_by="sysadmin", date="2026-01-10")  # fmt: skip
        store.close(folder, Month(2026, 1), "admin")


def test_member_reads_own_statement_only(live_server, page):
    populate(live_server.site)
    base = live_server.url
    login(page, base, "marie", PASSWORD)
    page.goto(f"{base}/members")
    page.get_by_role("link", name="Coop Alpha").click()
    expect(page.get_by_role("heading", name="Statement — Coop Alpha")).to_be_visible()

    page.get_by_label("From").fill("2026-01")
    page.get_by_label("To").fill("2026-02")
    page.get_by_role("button", name="Show").click()
    main = page.locator("#main")
    expect(main.locator(".total-dues")).to_have_text("€60.00")
    expect(main.locator(".total-paid")).to_have_text("€25.00")
    expect(main.locator(".closing-balance")).to_have_text("-€35.00")
    expect(main.get_by_text("transfer 42")).to_be_visible()
    # January is closed: its hash is printed.
    expect(main.locator("td.hash")).to_have_count(1)
    # 90 minutes used in January, shared by two members owing the same: 45 each.
    expect(main.get_by_role("cell", name="1.5 h")).to_be_visible()
    expect(main.get_by_role("cell", name="45 min")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == "statement-alpha-2026-01-2026-02.pdf"

    response = page.goto(f"{base}/members/beta")
    assert response.status == 403


def test_sysadmin_logs_time_from_the_keyboard(live_server, page):
    populate(live_server.site)
    base = live_server.url
    login(page, base, "sysadmin", PASSWORD)
    page.goto(f"{base}/members/@@log")
    # The description has the focus: type, Tab to the minutes, type, Enter. Wait for the
    # autofocus first, or a busy machine types the first letters into nowhere.
    expect(page.get_by_label("What was done")).to_be_focused()
    page.keyboard.type("Renewed the TLS certificate")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Logged 0.33 h of maintenance.")).to_be_visible()
    expect(page.get_by_role("cell", name="Renewed the TLS certificate")).to_be_visible()
    # A quick button logs at once.
    page.get_by_label("What was done").fill("Checked the backups")
    page.get_by_role("button", name="15 min").click()
    expect(page.get_by_role("cell", name="Checked the backups")).to_be_visible()
    with live_server.site.edit() as root:
        logged = sorted(
            (e.minutes, e.description)
            for e in root["members"].time_entries.values()
            if e.date == datetime.date.today()
        )
    assert logged == [(15, "Checked the backups"), (20, "Renewed the TLS certificate")]


def test_a_french_coordinator_enters_40_comma_00_as_a_payment(live_server, new_page):
    populate(live_server.site)
    live_server.site.add_user("coordinator", PASSWORD, ["Manager"])
    base = live_server.url
    page = new_page(locale="fr-FR")
    page.goto(f"{base}/@@login")
    page.get_by_label("Identifiant").fill("coordinator")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/members/alpha/@@payments")
    expect(page.get_by_label("Montant")).to_have_attribute("placeholder", "30,00")
    page.get_by_label("Date").fill("2026-02-03")
    page.get_by_label("Montant").fill("40,00")
    page.get_by_label("Reçu en CAD").fill("59,20")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Paiement enregistré.")
    expect(page.get_by_role("cell", name="40,00\u00a0€")).to_be_visible()
    with live_server.site.edit() as root:
        payments = [
            (e.amount.format(), e.cad_received.format())
            for e in root["members"]["alpha"].entries.values()
            if str(e.date) == "2026-02-03"
        ]
    assert payments == [("40.00", "59.20")]
    # A mistyped amount: one plain sentence in French, and the typed text is kept.
    page.get_by_label("Montant").fill("40,0O")
    page.get_by_label("Reçu en CAD").fill("59,20")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert").locator("p")).to_have_text(
        "Montant: Écrivez un montant comme 15,00, avec au plus deux décimales, non négatif."
    )
    expect(page.get_by_label("Montant")).to_have_value("40,0O")


def test_the_report_fits_1280_px_and_the_log_scrolls_its_table_on_a_phone(live_server, new_page):
    from congress_site.ledger.web import demo

    live_server.site.add_user("coordinator", PASSWORD, ["Manager"])
    with live_server.site.edit() as root:
        demo.populate(root)
    base = live_server.url
    page = new_page()
    login(page, base, "coordinator", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/members/@@report")
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 1280
    for table in page.locator("main table").all():
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    # The charts' value axis is labelled, each bar's value written on it.
    chart = page.locator("svg.chart").first
    expect(chart.locator("text", has_text="CAD").first).to_be_attached()
    assert chart.locator("text[transform]").count() > 0

    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("@@log", "@@report"):
        page.goto(f"{base}/members/{path}")
        assert page.evaluate(width) <= 375, path
        wide = page.locator(".table-scroll").first
        assert wide.evaluate("d => d.scrollWidth > d.clientWidth"), path  # scrolls within
