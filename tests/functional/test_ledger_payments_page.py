"""Coordinators record and correct payments from the member's page."""

from __future__ import annotations

import datetime

from tests.conftest import ADMIN_PASSWORD, MEMBER_PASSWORD, api_token, bearer, browser_login

# Dates near today: a member without subscriptions takes payments dated about today only.
# The first of this month, never after today: a reversal dated today must not precede it.
MONTH = datetime.date.today().strftime("%Y-%m")
DAY = f"{MONTH}-01"


def make_member(app):
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Members", "title": "Members", "id": "members"}, headers=admin)
    app.post_json(
        "/members",
        {"@type": "Member", "title": "Coop Alpha", "id": "alpha", "currency": "EUR"},
        headers=admin,
    )
    return admin


def test_record_and_reverse_a_payment(app):
    admin = make_member(app)
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/members/alpha/@@payments").forms["payment-form"]
    form["date"] = DAY
    form["amount"] = "30.00"
    form["cad_received"] = "44.40"
    form["reference"] = "transfer 11"
    page = form.submit().follow()
    assert "Payment recorded." in page.text and "transfer 11" in page.text
    statement = app.get(f"/members/alpha/@statement?from={MONTH}&to={MONTH}", headers=admin).json
    assert statement["total_paid"] == "30.00"

    reverse = next(f for f in page.forms.values() if "reverses" in f.fields)
    reverse["reason"] = "sent twice"
    page = reverse.submit().follow()
    assert "The payment was reversed." in page.text
    statement = app.get(f"/members/alpha/@statement?from={MONTH}&to={MONTH}", headers=admin).json
    assert statement["total_paid"] == "0.00"


def test_bad_amount_is_refused_and_nothing_stored(app):
    admin = make_member(app)
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/members/alpha/@@payments").forms["payment-form"]
    form["amount"] = "-5"
    form["cad_received"] = "7"
    res = form.submit(status=400)
    assert "amount" in res.text
    statement = app.get(f"/members/alpha/@statement?from={MONTH}&to={MONTH}", headers=admin).json
    assert statement["total_paid"] == "0.00"


def test_members_cannot_record_payments(app):
    make_member(app)
    browser_login(app, "member", MEMBER_PASSWORD)
    app.get("/members/alpha/@@payments", status=403)


def test_currency_cannot_change_once_payments_are_recorded(app):
    admin = make_member(app)
    app.patch_json("/members/alpha", {"currency": "CAD"}, headers=admin, status=204)
    app.patch_json("/members/alpha", {"currency": "EUR"}, headers=admin, status=204)
    app.post_json(
        "/members/alpha/@payments",
        {"date": DAY, "amount": "30.00", "cad_received": "44.40"},
        headers=admin,
        status=201,
    )
    res = app.patch_json("/members/alpha", {"currency": "CAD"}, headers=admin, status=409)
    assert res.json["error"] == "refused" and "currency" in res.json["errors"]
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/members/alpha/@@edit").forms["content-form"]
    form["currency"] = "CAD"
    page = form.submit("submit", status=409)
    assert "The currency cannot change" in page.text
    assert app.get("/members/alpha", headers=admin).json["currency"] == "EUR"


def test_french_coordinator_types_decimal_commas(app):
    """ "40,00" is forty euros in French; the JSON API keeps dot decimals."""
    admin = make_member(app)
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/members/alpha/@@payments", headers={"Accept-Language": "fr"})
    assert 'placeholder="30,00"' in page.text
    form = page.forms["payment-form"]
    form["date"] = "2026-11-05"
    form["amount"] = "40,00"
    form["cad_received"] = "1 234,50"
    form.submit(headers={"Accept-Language": "fr"}, status=302)
    statement = app.get("/members/alpha/@statement?from=2026-11&to=2026-11", headers=admin).json
    assert statement["total_paid"] == "40.00"
    assert statement["total_cad_received"] == "1234.50"


def test_a_bad_amount_is_told_in_one_plain_sentence_of_the_users_language(app):
    admin = make_member(app)
    browser_login(app, "admin", ADMIN_PASSWORD)
    headers = {"Accept-Language": "fr"}
    form = app.get("/members/alpha/@@payments", headers=headers).forms["payment-form"]
    form["amount"] = "quarante"
    form["cad_received"] = "44,40"
    res = form.submit(headers=headers, status=400)
    alert = res.html.select_one("#form-error p")
    assert alert.get_text(" ", strip=True) == (
        "Montant: Écrivez un montant comme 15,00, avec au plus deux décimales, non négatif."
    )
    assert res.html.select_one("#pay-amount")["aria-invalid"] == "true"
    assert res.html.select_one("#pay-amount")["value"] == "quarante"
    statement = app.get("/members/alpha/@statement?from=2026-11&to=2026-11", headers=admin).json
    assert statement["total_paid"] == "0.00"
