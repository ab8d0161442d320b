"""Two scribes and a projector in Chromium: an edit on one scribe's phone reaches the display
within 2 seconds and clears the other group's endorsement, which that scribe is told about
with the diff and a one-click re-endorse."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD

PHONE = {"width": 390, "height": 800}


def set_up_session(base: str) -> str:
    token = requests.post(
        f"{base}/@login", json={"login": "admin", "password": ADMIN_PASSWORD}, timeout=10
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def post(path, body):
        res = requests.post(f"{base}{path}", json=body, headers=headers, timeout=10)
        assert res.status_code in (200, 201), res.text

    post("/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"})
    post("/tc/@workflow/publish", {})  # its sessions are as visible as the congress
    post("/tc", {"@type": "Session", "id": "paris", "title": "Paris 2010"})
    post(
        "/tc/paris",
        {"@type": "Venue", "id": "salle", "title": "Salle A", "language": "fr", "join_code": "K7"},
    )
    res = requests.patch(
        f"{base}/tc/paris", json={"phase": "collaboration"}, headers=headers, timeout=10
    )
    assert res.status_code == 204, res.text
    return f"{base}/tc/paris"


def join(page, session_url, name):
    page.set_viewport_size(PHONE)
    page.goto(f"{session_url}/@@join?venue=salle")
    page.get_by_label("Join code").fill("k7")
    page.get_by_label("Group name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#scribe-bar .who")).to_contain_text(name)


def test_edit_reaches_the_display_and_clears_the_other_endorsement(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    session_url = set_up_session(live_server.url)

    castors, hiboux = new_page(), new_page()
    join(castors, session_url, "Les Castors")
    join(hiboux, session_url, "Les Hiboux")

    castors.get_by_label("New proposal").fill("Share the server between members")
    castors.get_by_role("button", name="Add", exact=True).click()
    first = hiboux.locator("#proposals li", has_text="Share the server between members")
    expect(first).to_be_visible()  # arrived by polling, no reload
    first.get_by_role("button", name="Endorse").click()
    expect(first.locator(".count")).to_have_text("2")

    display = new_page()
    display.goto(f"{session_url}/@@display?venue=salle")
    expect(display.locator("html")).to_have_attribute("lang", "fr")
    expect(display.locator("#phase")).to_have_text("Collaboration")
    row = display.locator("#proposals li").first
    expect(row.locator(".text")).to_have_text("Share the server between members")
    expect(row.locator(".count")).to_have_text("2")

    item = castors.locator("#proposals li").first
    item.locator("summary").click()
    item.locator("textarea").fill("Share one server between all members")
    item.get_by_role("button", name="Save").click()

    # The display follows within 2 seconds; the edit leaves only the editor's endorsement.
    expect(row.locator(".text")).to_have_text("Share one server between all members", timeout=2000)
    expect(row.locator(".count")).to_have_text("1", timeout=2000)

    notice = hiboux.locator(".notice.cleared")
    expect(notice).to_be_visible(timeout=3000)
    expect(notice).to_contain_text("Les Castors edited a proposal you endorsed")
    expect(notice.locator("ins").first).to_be_visible()  # the diff: what changed
    expect(notice.locator("del").first).to_have_text("the")
    notice.get_by_role("button", name="Endorse again").click()
    expect(notice).to_be_hidden()
    expect(row.locator(".count")).to_have_text("2", timeout=2000)


def test_display_survives_a_dropped_connection(live_server, new_page):
    """The display keeps polling through failures and catches up without a reload."""
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    session_url = set_up_session(live_server.url)
    display = new_page()
    display.goto(f"{session_url}/@@display?venue=salle")
    expect(display.locator("#empty-note")).to_be_visible()

    display.context.set_offline(True)
    expect(display.locator("#conn")).to_be_visible(timeout=5000)
    token = requests.post(
        f"{session_url}/@join", json={"venue": "salle", "code": "K7", "name": "G"}, timeout=10
    ).json()["token"]
    requests.post(
        f"{session_url}/@proposals",
        json={"text": "Written while the projector was offline"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    display.context.set_offline(False)
    expect(display.locator("#proposals li .text")).to_have_text(
        "Written while the projector was offline", timeout=8000
    )
    expect(display.locator("#conn")).to_be_hidden()
