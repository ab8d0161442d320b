"""Implausible ledger data is refused through the JSON API, and nothing is stored: dates far
from the subscription history and today, development items whose id is not a slug."""

from __future__ import annotations

import pytest

from congress_site.ledger.web import store
from tests.conftest import ADMIN_PASSWORD, api_token, bearer


@pytest.fixture
def admin(app, site):
    """A member subscribed since 2025-06 (EUR), a month of credit, an allocated item."""
    from congress_site.content import operations

    with site.edit() as root:
        folder = store.get_folder(root, create=True)
        member = operations.create(
            folder, "Member", {"title": "Coop Alpha", "currency": "EUR"}, "admin", name="alpha"
        )
        lines = store.parse_subscriptions(
            [{"from": "2025-06", "shares": 1, "amount_per_share": "15.00"}], "EUR"
        )
        store.set_subscriptions(folder, member, lines)
        store.save_item(folder, "backup", title="Backup", allocated_hours="6", status="allocated")
    return bearer(api_token(app, "admin", ADMIN_PASSWORD))


def payments(site):
    with site.edit() as root:
        return len(root["members"]["alpha"].entries)


@pytest.mark.parametrize("date", ["9999-12-31", "0226-03-01", "2062-01-15", "2024-05-31"])
def test_a_payment_dated_far_from_the_history_and_today_is_refused(app, site, admin, date):
    body = {"date": date, "amount": "15.00", "cad_received": "22.50"}
    res = app.post_json("/members/alpha/@payments", body, headers=admin, status=400)
    assert res.json["error"] == "implausible_date" and res.json["field"] == "date"
    assert payments(site) == 0


def test_payments_around_the_history_are_taken(app, site, admin):
    for date in ("2024-06-01", "2025-06-15", store.today().isoformat()):
        body = {"date": date, "amount": "15.00", "cad_received": "22.50"}
        app.post_json("/members/alpha/@payments", body, headers=admin, status=201)
    assert payments(site) == 3


def test_time_and_credits_far_from_the_ledger_are_refused(app, admin):
    body = {"minutes": 30, "category": "maintenance", "description": "x", "date": "9999-01-01"}
    res = app.post_json("/members/@interventions", body, headers=admin, status=400)
    assert res.json["error"] == "implausible_date"
    credit = {"hours": "10", "hourly_rate": "60.00"}
    res = app.put_json("/members/@credit/9999-01", credit, headers=admin, status=400)
    assert res.json["error"] == "implausible_date"
    app.put_json("/members/@credit/2025-06", credit, headers=admin, status=200)


def test_a_subscription_in_another_century_is_refused(app, admin):
    lines = [
        {"from": "2025-06", "shares": 1, "amount_per_share": "15.00"},
        {"from": "9999-01", "shares": 2, "amount_per_share": "15.00"},
    ]
    res = app.put_json(
        "/members/alpha/@subscriptions", {"subscriptions": lines}, headers=admin, status=400
    )
    assert res.json["error"] == "implausible_date" and "9999-01" in res.json["message"]


@pytest.mark.parametrize("item_id", ["../x", "a/b", "Backup Drill", "é", "-x", "x" * 61, ""])
def test_development_item_ids_are_slugs(app, admin, item_id):
    body = {"id": item_id, "title": "Item", "allocated_hours": "2"}
    res = app.post_json("/members/@items", body, headers=admin, status=400)
    assert res.json["field"] == "id"
    items = app.get("/members/@items", headers=admin).json["items"]
    assert [item["id"] for item in items] == ["backup"]


def test_a_slug_item_can_be_created_and_edited_through_the_api(app, admin):
    body = {"id": "matrix-server-2", "title": "Matrix", "allocated_hours": "2"}
    app.post_json("/members/@items", body, headers=admin, status=201)
    app.put_json("/members/@items/matrix-server-2", {"title": "Matrix server"}, headers=admin)
