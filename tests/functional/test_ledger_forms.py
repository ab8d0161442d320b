"""Coordinators' forms over the ledger store: a member's subscriptions, development items
and the monthly time-credit record on the close screen. Each refused post answers 4xx,
re-shows the form with the posted values and stores nothing."""

from __future__ import annotations

import pytest

from congress_site.ledger.models import CONTACT_ROLE
from congress_site.ledger.months import Month
from congress_site.ledger.web import store
from tests.conftest import ADMIN_PASSWORD, browser_login, csrf_from

PASSWORD = "ledger-forms-password"
JAN, FEB, MAR, APR = "2026-01", "2026-02", "2026-03", "2026-04"


@pytest.fixture
def ledger(site):
    """Two members (EUR, CAD) with a subscription from January 2026, a contact each,
    a sysadmin, credits for January to March, one allocated development item."""
    from congress_site.content import operations

    site.add_user("marie", PASSWORD, ["Member"])
    site.add_user("sysadmin", PASSWORD, ["Sysadmin"])
    with site.edit() as root:
        folder = store.get_folder(root, create=True)
        for member_id, name, currency, amount in (
            ("alpha", "Coop Alpha", "EUR", "15.00"),
            ("beta", "Asso Beta", "CAD", "20.00"),
        ):
            member = operations.create(
                folder, "Member", {"title": name, "currency": currency}, "admin", name=member_id
            )
            lines = store.parse_subscriptions(
                [{"from": JAN, "shares": 2, "amount_per_share": amount}], currency
            )
            store.set_subscriptions(folder, member, lines)
        operations.set_local_roles(folder["alpha"], "user:marie", {CONTACT_ROLE}, "admin")
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
def coordinator(app, ledger):
    browser_login(app, "admin", ADMIN_PASSWORD)
    return app


def close(site, *months):
    with site.edit() as root:
        for month in months:
            store.close(root["members"], Month.parse(month), "admin")


def subscriptions(site, member="alpha"):
    with site.edit() as root:
        return [
            (str(s.start), s.shares, s.amount_per_share.format(), s.until and str(s.until))
            for s in root["members"][member].subscriptions
        ]


def items(site):
    with site.edit() as root:
        return {
            i.id: (i.title, i.allocated_minutes, i.status, i.description)
            for i in root["members"].items.values()
        }


def credits(site):
    with site.edit() as root:
        folder = root["members"]
        return {
            key: (c.minutes_bought, c.development_minutes, c.hourly_rate.format(), c.rates)
            for key, c in folder.credits.items()
        } | {f"cost {k}": v.format() for k, v in folder.server_costs.items()}


def value(form, name):
    fields = form.fields.get(name)
    return fields[0].value if fields else None


def post(app, path, form_page, expect=302, **fields):
    return app.post(path, {"csrf_token": csrf_from(form_page), **fields}, status=expect)


# -- subscriptions --------------------------------------------------------------------------------
def test_subscriptions_page_lists_history_and_suggests_the_currencys_amount(coordinator):
    page = coordinator.get("/members/alpha/@@subscriptions")
    form = page.forms["subscription-form"]
    assert form["amount_per_share"].value == "15.00" and form["shares"].value == "2"
    assert "January 2026" in page.text and "€30.00" in page.text
    beta = coordinator.get("/members/beta/@@subscriptions").forms["subscription-form"]
    assert beta["amount_per_share"].value == "20.00"


def test_add_a_subscription_supersedes_from_its_month(coordinator, ledger):
    form = coordinator.get("/members/alpha/@@subscriptions").forms["subscription-form"]
    form["from"] = APR
    form["shares"] = "3"
    form["amount_per_share"] = "12,50"  # a decimal comma is fine
    page = form.submit().follow()
    assert "Subscription from April 2026 recorded." in page.text
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None), (APR, 3, "12.50", None)]
    assert "(replaced by the next line)" in page.text
    statement = coordinator.get("/members/alpha/@statement?from=2026-03&to=2026-04").json
    assert [m["dues"] for m in statement["months"]] == ["30.00", "37.50"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shares": "-1"}, "Write a whole number of shares: 0 or more."),
        ({"shares": "two"}, "'two' must be an integer"),
        ({"amount_per_share": "-5"}, "must not be negative"),
        ({"amount_per_share": "abc"}, "is not a decimal amount"),
        ({"amount_per_share": "15.001"}, "more than 2 decimals"),
        ({"from": "2026-13"}, "Write a month as YYYY-MM"),
        ({"from": ""}, "Write a month as YYYY-MM"),
        ({"until": "2026-02"}, "The end month cannot be before the start month."),
        ({"from": JAN}, "Another subscription already starts in that month."),
    ],
)
def test_bad_subscriptions_are_400_and_store_nothing(coordinator, ledger, fields, message):
    page = coordinator.get("/members/alpha/@@subscriptions")
    values = {"action": "add", "from": APR, "shares": "3", "amount_per_share": "15.00"} | fields
    res = post(coordinator, "/members/alpha/@@subscriptions", page, expect=400, **values)
    assert message in res.text and 'role="alert"' in res.text
    # The form comes back with what was typed.
    form = res.forms["subscription-form"]
    assert (form["shares"].value, form["amount_per_share"].value) == (
        values["shares"],
        values["amount_per_share"],
    )
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None)]


def test_a_subscription_reaching_a_closed_month_is_409(coordinator, ledger):
    close(ledger, JAN, FEB)
    page = coordinator.get("/members/alpha/@@subscriptions")
    assert "Closed up to" in page.text and "February 2026" in page.text
    res = post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        expect=409,
        **{"from": FEB, "shares": "1", "amount_per_share": "15.00"},
    )
    assert "closed month" in res.text
    res = post(
        coordinator, "/members/alpha/@@subscriptions", page, expect=409, action="end", until=JAN
    )
    assert "closed month 2026-02" in res.text
    res = post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        expect=409,
        action="remove",
        **{"from": JAN},
    )
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None)]
    # A change of means from an open month is fine.
    post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        **{"from": MAR, "shares": "1", "amount_per_share": "10.00"},
    )
    assert subscriptions(ledger)[-1] == (MAR, 1, "10.00", None)


def test_end_the_open_subscription_and_remove_a_mistaken_line(coordinator, ledger):
    page = coordinator.get("/members/alpha/@@subscriptions")
    form = page.forms["end-form"]
    form["until"] = "2026-06"
    page = form.submit().follow()
    assert "The subscription ends after June 2026." in page.text
    assert subscriptions(ledger) == [(JAN, 2, "15.00", "2026-06")]
    assert "end-form" not in page.forms  # nothing open left to end
    res = post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        expect=400,
        action="end",
        until="2026-07",
    )
    assert "There is no open subscription to end." in res.text

    form = page.forms["subscription-form"]
    form["from"] = "2026-09"
    form["amount_per_share"] = "15.00"
    page = form.submit().follow()
    remove = next(
        f
        for f in page.forms.values()
        if value(f, "action") == "remove" and f["from"].value == "2026-09"
    )
    page = remove.submit().follow()
    assert "The subscription from September 2026 was removed." in page.text
    assert subscriptions(ledger) == [(JAN, 2, "15.00", "2026-06")]


def test_end_month_before_the_start_is_400(coordinator, ledger):
    page = coordinator.get("/members/alpha/@@subscriptions")
    res = post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        expect=400,
        action="end",
        until="2025-12",
    )
    assert "The end month cannot be before the start month." in res.text
    assert res.forms["end-form"]["until"].value == "2025-12"
    res = post(
        coordinator,
        "/members/alpha/@@subscriptions",
        page,
        expect=400,
        action="end",
        until="2026-1",
    )
    assert "Write a month as YYYY-MM" in res.text
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None)]


def test_subscription_changes_are_in_the_members_history(coordinator, ledger):
    form = coordinator.get("/members/alpha/@@subscriptions").forms["subscription-form"]
    form["from"] = APR
    form.submit()
    page = coordinator.get("/members/alpha/@@history")
    assert "subscriptions" in page.text


# -- development items ----------------------------------------------------------------------------
def test_items_page_lists_allocated_used_and_remaining(coordinator, ledger):
    with ledger.edit() as root:
        store.log_intervention(
            root["members"],
            minutes=45,
            category="development",
            description="Restore drill",
            logged_by="sysadmin",
            date="2026-01-10",
            item_id="backup",
        )
        store.save_item(
            root["members"], "tiny", title="Tiny fix", allocated_hours="0.5", status="done"
        )
        store.log_intervention(
            root["members"],
            minutes=45,
            category="development",
            description="Took longer",
            logged_by="sysadmin",
            date="2026-01-11",
            item_id="tiny",
        )
    page = coordinator.get("/members/@@items")
    assert "Backup drill" in page.text and "5.25 h" in page.text and "0.75 h" in page.text
    assert 'class="num negative">-0.25 h' in page.text  # an overrun is shown, not hidden


def test_create_an_item_with_a_short_name_from_its_title(coordinator, ledger):
    form = coordinator.get("/members/@@items").forms["item-form"]
    form["title"] = "Matrix chat server"
    form["allocated_hours"] = "12,5"
    form["description"] = "For the congress"
    page = form.submit().follow()
    assert "Development item “Matrix chat server” created." in page.text
    assert items(ledger)["matrix-chat-server"] == (
        "Matrix chat server",
        750,
        "proposed",
        "For the congress",
    )
    form = page.forms["item-form"]
    form["title"] = "Matrix chat server"
    form.submit().follow()
    assert "matrix-chat-server-2" in items(ledger)  # same title: a distinct short name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "title"),
        ({"allocated_hours": "-3"}, "Write hours like 12 or 12.5"),
        ({"allocated_hours": "lots"}, "Write hours like 12 or 12.5"),
        ({"allocated_hours": "0.001"}, "Write hours like 12 or 12.5"),
        ({"status": "abandoned"}, "Choose one of the listed statuses."),
        ({"id": "backup"}, "A development item with that short name exists already."),
    ],
)
def test_bad_items_are_400_and_store_nothing(coordinator, ledger, fields, message):
    page = coordinator.get("/members/@@items")
    values = {"title": "Matrix", "allocated_hours": "12", "status": "proposed"} | fields
    res = post(coordinator, "/members/@@items", page, expect=400, **values)
    assert message in res.text and 'role="alert"' in res.text
    assert res.forms["item-form"]["allocated_hours"].value == values["allocated_hours"]
    assert set(items(ledger)) == {"backup"}


def test_change_an_items_status_and_hours_from_its_row(coordinator, ledger):
    page = coordinator.get("/members/@@items")
    row = next(f for f in page.forms.values() if value(f, "item") == "backup")
    row["allocated_hours"] = "8"
    row["status"] = "in_progress"
    page = row.submit().follow()
    assert "Development item “Backup drill” saved." in page.text
    assert items(ledger)["backup"] == ("Backup drill", 480, "in_progress", "")
    res = post(
        coordinator,
        "/members/@@items",
        page,
        expect=400,
        item="backup",
        quick="1",
        allocated_hours="-1",
        status="done",
    )
    assert "Write hours like 12 or 12.5" in res.text and 'value="-1"' in res.text
    res = post(
        coordinator,
        "/members/@@items",
        page,
        expect=400,
        item="nope",
        quick="1",
        allocated_hours="1",
        status="done",
    )
    assert "nope" in res.text
    assert items(ledger)["backup"] == ("Backup drill", 480, "in_progress", "")


def test_edit_an_items_title_and_description(coordinator, ledger):
    page = coordinator.get("/members/@@items", {"edit": "backup"})
    form = page.forms["item-form"]
    assert form["title"].value == "Backup drill" and form["allocated_hours"].value == "6"
    form["title"] = "Monthly restore drill"
    form["description"] = "Database and files"
    form.submit().follow()
    assert items(ledger)["backup"] == (
        "Monthly restore drill",
        360,
        "allocated",
        "Database and files",
    )


# -- the monthly time-credit record (on the close screen) -----------------------------------------
def test_credit_form_saves_a_month_and_edits_an_open_one(coordinator, ledger):
    form = coordinator.get("/members/@@close").forms["credit-form"]
    assert form["month"].value == APR and form["rate_EUR"].value == "1.50"
    form["hours"] = "12,5"
    form["development_hours"] = "5"
    form["hourly_rate"] = "65,00"
    form["rate_EUR"] = "1,45"
    form["server_cost"] = "40"
    page = form.submit().follow()
    assert "Time credit of April 2026 saved." in page.text
    saved = credits(ledger)
    assert saved[APR][:3] == (750, 300, "65.00") and saved["cost 2026-04"] == "40.00"
    assert saved[APR][3][0].cad_cents == 145

    # An open month's record has an edit link that fills the form with it.
    assert "@@close?month=2026-04#credit" in page.text
    form = coordinator.get("/members/@@close", {"month": APR}).forms["credit-form"]
    assert (form["month"].value, form["hours"].value, form["server_cost"].value) == (
        APR,
        "12.5",
        "40.00",
    )
    form["hours"] = "14"
    form.submit().follow()
    assert credits(ledger)[APR][0] == 840
    # Emptying the server cost field removes the month's server cost.
    form = coordinator.get("/members/@@close", {"month": APR}).forms["credit-form"]
    form["server_cost"] = ""
    form.submit().follow()
    saved = credits(ledger)
    assert saved[APR][0] == 840 and "cost 2026-04" not in saved


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"month": "2026-13"}, 400, "Write a month as YYYY-MM"),
        ({"hours": "-1"}, 400, "Write hours like 12 or 12.5"),
        ({"hours": "ten"}, 400, "Write hours like 12 or 12.5"),
        ({"development_hours": "20"}, 400, "exceeds the 600 minutes bought"),
        ({"hourly_rate": "-60"}, 400, "Write an amount like 15.00"),
        ({"hourly_rate": "sixty"}, 400, "Write an amount like 15.00"),
        ({"server_cost": "-1"}, 400, "Write an amount like 15.00"),
        ({"rate_XYZ": "1.20"}, 400, "That currency is not known to the ledger."),
        ({"rate_EUR": "0"}, 400, "Write an amount like 15.00"),
        ({"month": JAN}, 409, "closed month"),
    ],
)
def test_bad_credit_records_are_refused_and_store_nothing(
    coordinator, ledger, fields, status, message
):
    close(ledger, JAN)
    before = credits(ledger)
    page = coordinator.get("/members/@@close")
    values = {
        "action": "credit",
        "month": FEB,
        "hours": "10",
        "development_hours": "4",
        "hourly_rate": "99.00",
        "rate_EUR": "1.50",
    } | fields
    res = post(coordinator, "/members/@@close", page, expect=status, **values)
    assert message in res.text and 'role="alert"' in res.text
    form = res.forms["credit-form"]
    assert (form["month"].value, form["hours"].value, form["hourly_rate"].value) == (
        values["month"],
        values["hours"],
        values["hourly_rate"],
    )
    assert credits(ledger) == before


def test_closed_months_have_no_edit_link(coordinator, ledger):
    close(ledger, JAN)
    page = coordinator.get("/members/@@close")
    assert "@@close?month=2026-01" not in page.text and "@@close?month=2026-02" in page.text
    # Asking to edit a closed month falls back to the next month without a record.
    assert (
        coordinator.get("/members/@@close", {"month": JAN}).forms["credit-form"]["month"].value
        == APR
    )


# -- links, access control, CSRF, translations ----------------------------------------------------
def test_coordinators_find_the_forms_from_where_they_are(coordinator):
    listing = coordinator.get("/members")
    assert "/members/@@items" in listing.text
    assert "/members/alpha/@@subscriptions" in listing.text
    assert "/members/alpha/@@payments" in listing.text
    report = coordinator.get("/members/@@report")
    assert "/members/@@close#credit" in report.text and "/members/@@items" in report.text
    assert "/members/alpha/@@subscriptions" in coordinator.get("/members/alpha/@@payments").text
    assert "/members/@@items" in coordinator.get("/members/@@close").text
    statement = coordinator.get("/members/alpha").text
    assert (
        "/members/alpha/@@subscriptions" in statement and "/members/alpha/@@payments" in statement
    )


def test_members_see_no_links_to_the_forms(app, ledger):
    browser_login(app, "marie", PASSWORD)
    assert "@@subscriptions" not in app.get("/members").text
    assert "@@items" not in app.get("/members/@@report").text
    assert "@@subscriptions" not in app.get("/members/alpha").text


@pytest.mark.parametrize(
    "path", ["/members/alpha/@@subscriptions", "/members/@@items", "/members/@@close"]
)
def test_forms_are_for_coordinators_only(app, ledger, path):
    res = app.get(path, status=302)  # anonymous: to the login page
    assert "@@login" in res.location
    for login in ("marie", "sysadmin"):  # a member's contact, the sysadmin
        app.reset()
        browser_login(app, login, PASSWORD)
        page = app.get("/members/alpha" if login == "marie" else "/members/@@log")
        app.get(path, status=403)
        app.post(path, {"csrf_token": csrf_from(page), "title": "x"}, status=403)
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None)]
    assert set(items(ledger)) == {"backup"}


def test_posts_without_csrf_token_are_refused(coordinator, ledger):
    coordinator.post(
        "/members/alpha/@@subscriptions",
        {"from": APR, "shares": "1", "amount_per_share": "15.00"},
        status=400,
    )
    coordinator.post("/members/@@items", {"title": "Matrix"}, status=400)
    assert subscriptions(ledger) == [(JAN, 2, "15.00", None)]
    assert set(items(ledger)) == {"backup"}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("Ajouter une souscription", "Chantiers de développement")),
        ("es", ("Añadir una suscripción", "Proyectos de desarrollo")),
        ("pt", ("Adicionar uma subscrição", "Projetos de desenvolvimento")),
    ],
)
def test_forms_are_translated(coordinator, lang, words):
    headers = {"Accept-Language": lang}
    assert words[0] in coordinator.get("/members/alpha/@@subscriptions", headers=headers).text
    assert words[1] in coordinator.get("/members/@@items", headers=headers).text
    res = coordinator.post(
        "/members/@@items",
        {
            "csrf_token": csrf_from(coordinator.get("/members/@@items")),
            "title": "Matrix",
            "allocated_hours": "-1",
        },
        headers=headers,
        status=400,
    )
    assert "Write hours like" not in res.text  # the explanation is translated too


def test_pages_answer_on_the_demo_site(app, site):
    """The new pages render on the demo data (a net like the smoke crawl)."""
    from congress_site.ledger.web import demo

    with site.edit() as root:
        demo.populate(root)
    browser_login(app, "admin", ADMIN_PASSWORD)
    for path in (
        "/members/@@items",
        "/members/@@close",
        "/members/coop-alpha/@@subscriptions",
        "/members/asso-beta/@@subscriptions",
    ):
        app.get(path, status=200)
