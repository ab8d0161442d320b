"""A session as a room lives it, in Chromium: projectors at two sizes with ten proposals of
the longest length and the countdown; two tabs of one group editing the same proposal; a
scribe's phone at 360 px in each language; a coordinator confirming a disruptive phase
change; a private congress's session refused to anonymous visitors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD

LONG = 1000  # the engine's longest text
WORDS = "solidarity shares server members cooperative decide together publish hours reserve "


def long_text(n: int) -> str:
    text = f"Proposal {n}: " + WORDS * 20
    return text[: LONG - 1].rstrip() + "."


class Congress:
    """A published congress with one session and one venue, driven through the JSON API."""

    def __init__(self, base: str, publish: bool = True):
        self.base = base
        token = requests.post(
            f"{base}/@login", json={"login": "admin", "password": ADMIN_PASSWORD}, timeout=10
        ).json()["token"]
        self.admin = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.post("/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"})
        if publish:
            self.post("/tc/@workflow/publish", {})
        self.post(
            "/tc",
            {
                "@type": "Session",
                "id": "paris",
                "title": "Paris 2010",
                "question": "Which principles should our shared server follow?",
            },
        )
        self.post(
            "/tc/paris",
            {
                "@type": "Venue",
                "id": "salle",
                "title": "Salle A",
                "language": "fr",
                "join_code": "K7",
                "timezone": "Europe/Paris",
            },
        )
        self.url = f"{base}/tc/paris"

    def post(self, path, body, headers=None):
        res = requests.post(
            f"{self.base}{path}", json=body, headers=headers or self.admin, timeout=10
        )
        assert res.status_code in (200, 201), res.text
        return res.json() if res.content else None

    def patch_session(self, body):
        res = requests.patch(self.url, json=body, headers=self.admin, timeout=10)
        assert res.status_code == 204, res.text

    def collaborate_on_schedule(self):
        """Collaboration, driven by the schedule: the countdown runs."""
        start = datetime.now(UTC) - timedelta(minutes=16)
        self.patch_session({"start": start.isoformat(), "scheduled": True})

    def join(self, name) -> dict:
        body = {"venue": "salle", "code": "K7", "name": name}
        res = requests.post(f"{self.url}/@join", json=body, timeout=10)
        assert res.status_code == 201, res.text
        return {"Authorization": f"Bearer {res.json()['token']}"}


@pytest.fixture
def congress(live_server):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    return Congress(live_server.url)


def within(box, viewport) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"] + 0.5
        and box["y"] + box["height"] <= viewport["height"] + 0.5
    )


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_projector_shows_ten_longest_proposals_phase_and_countdown(congress, new_page, size):
    congress.collaborate_on_schedule()
    scribe = congress.join("Les Castors")
    for n in range(1, 11):
        congress.post("/tc/paris/@proposals", {"text": long_text(n)}, headers=scribe)

    page = new_page()
    viewport = {"width": size[0], "height": size[1]}
    page.set_viewport_size(viewport)
    page.goto(f"{congress.url}/@@display?venue=salle")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    rows = page.locator("#proposals li")
    expect(rows).to_have_count(10)
    for element in ("#phase", "#countdown", ".d-head .legend", ".join.corner .qr svg"):
        assert within(page.locator(element).bounding_box(), viewport), element
    for n in range(10):
        row = rows.nth(n)
        assert within(row.bounding_box(), viewport), f"proposal {n + 1} is off screen"
        text = row.locator(".text")
        # Nothing of the text is cut: the whole text box is on screen.
        assert within(text.bounding_box(), viewport), f"text of proposal {n + 1} is cut"
    assert page.evaluate("document.documentElement.scrollHeight") <= size[1]
    size_px = page.evaluate(
        "parseFloat(getComputedStyle(document.getElementById('proposals')).fontSize)"
    )
    assert size_px >= 9, size_px
    page.screenshot(path=f"/tmp/issue18-projector-{size[0]}.png")


def test_projector_welcome_then_final_results(congress, new_page):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{congress.url}/@@display?venue=salle")
    welcome = page.locator("#welcome")
    expect(welcome).to_be_visible()
    expect(welcome).to_contain_text("Which principles should our shared server follow?")
    expect(welcome.locator(".qr svg")).to_be_visible()
    page.screenshot(path="/tmp/issue18-welcome.png")
    short = welcome.locator(".url").inner_text()
    assert "/j/" in short
    # The short address leads a phone to the venue's join page.
    res = requests.get("http://" + short, timeout=10, allow_redirects=False)
    assert res.status_code == 302 and res.headers["Location"].endswith("/@@join?venue=salle")

    congress.patch_session({"phase": "collaboration"})
    scribe = congress.join("Les Castors")
    congress.post("/tc/paris/@proposals", {"text": "Publish the admin hours"}, headers=scribe)
    expect(page.locator("#board #proposals li")).to_have_count(1)
    expect(welcome).to_be_hidden()
    congress.patch_session({"phase": "closed"})
    final = page.locator("#final")
    expect(final).to_be_visible(timeout=5000)
    expect(final.locator("li").first).to_contain_text("100 %")
    expect(final.locator("li").first).to_contain_text("Publish the admin hours")


PHONE = {"width": 360, "height": 740}


def join_in(page, congress, name):
    page.set_viewport_size(PHONE)
    page.goto(f"{congress.url}/@@join?venue=salle")
    page.locator("#join-code").fill("k7")
    page.locator("#join-name").fill(name)
    page.locator("#join-form button[type=submit]").click()
    expect(page.locator("#scribe-bar .who")).to_contain_text(name)


def test_two_tabs_of_one_group_editing_the_same_proposal(congress, browser):
    congress.patch_session({"phase": "collaboration"})
    context = browser.new_context(locale="en-GB")  # one browser: two tabs share the cookie
    context.set_default_timeout(10_000)
    try:
        tab1 = context.new_page()
        join_in(tab1, congress, "Les Castors")
        tab1.locator("#new-text").fill("Share the server")
        tab1.locator("#add-form button").click()
        expect(tab1.locator("#proposals li")).to_have_count(1)
        tab2 = context.new_page()
        tab2.set_viewport_size(PHONE)
        tab2.goto(f"{congress.url}/@@scribe")

        item1 = tab1.locator("#p-p1")
        item1.locator("summary").click()
        item1.locator("textarea").fill("Share the server between all members, fairly")
        item2 = tab2.locator("#p-p1")
        item2.locator("summary").click()
        item2.locator("textarea").fill("Share one server")
        item2.get_by_role("button", name="Save").click()
        expect(item2.locator(".notice")).to_contain_text("Proposal saved.")

        # Tab 1's open editor survives the live update, with its typed text.
        expect(item1.locator(".p-head .text")).to_have_text("Share one server", timeout=5000)
        expect(item1.locator("details.edit")).to_have_attribute("open", "")
        area = item1.locator("textarea")
        expect(area).to_have_value("Share the server between all members, fairly")
        expect(item1.locator(".changed-note")).to_contain_text("Share one server")

        # Its save is refused as stale; the current text shows beside the kept draft.
        item1.get_by_role("button", name="Save").click()
        notice = item1.locator(".notice")
        expect(notice).to_contain_text("Another group changed this proposal meanwhile")
        expect(notice.locator(".current")).to_have_text("Share one server")
        expect(area).to_have_value("Share the server between all members, fairly")
        assert within(notice.bounding_box(), {"width": 360, "height": 100_000})
        assert item1.evaluate("el => el.contains(document.querySelector('.notice.refused'))")
        # Saving again, having seen the current text, replaces it.
        item1.get_by_role("button", name="Save").click()
        expect(item2.locator(".p-head .text")).to_have_text(
            "Share the server between all members, fairly", timeout=5000
        )
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB", "es-ES", "pt-PT"])
def test_scribe_page_at_360_px_has_no_sideways_scroll(congress, new_page, locale):
    congress.collaborate_on_schedule()
    other = congress.join("Red Tlacuache")
    for n in range(1, 11):
        congress.post("/tc/paris/@proposals", {"text": f"Idea {n} " + "x" * 60}, headers=other)
    page = new_page(locale=locale)
    join_in(page, congress, "Les Castors avec un nom de groupe assez long")
    bar = page.locator("#scribe-bar")
    assert bar.bounding_box()["height"] < 140
    expect(page.locator("#full-note")).to_be_visible()
    expect(page.locator("#add-form")).to_be_hidden()
    page.locator("#p-p1 summary").click()
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == 360, widths
    page.screenshot(path=f"/tmp/issue18-scribe-{locale}.png", full_page=True)


def test_scribe_actions_are_hidden_outside_collaboration(congress, new_page):
    page = new_page()
    join_in(page, congress, "Les Castors")
    expect(page.locator("#closed-note")).to_be_visible()
    expect(page.locator("#add-form")).to_be_hidden()
    congress.patch_session({"phase": "collaboration"})
    expect(page.locator("#add-form")).to_be_visible(timeout=5000)
    expect(page.locator("#closed-note")).to_be_hidden()


def test_a_coordinator_confirms_closing_a_live_session(congress, new_page, live_server):
    congress.patch_session({"phase": "collaboration"})
    page = new_page()
    page.goto(f"{live_server.url}/@@login")
    page.locator("input[name=login]").fill("admin")
    page.locator("input[name=password]").fill(ADMIN_PASSWORD)
    page.locator("#content-form button[type=submit]").click()
    page.goto(congress.url)
    page.locator(".phase-buttons button[value=closed]").click()
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text("Closed")
    expect(confirm).to_contain_text("Collaboration")
    assert requests.get(f"{congress.url}/@proposals", timeout=10).json()["phase"] == (
        "collaboration"
    )
    confirm.get_by_role("button", name="Close the session").click()
    expect(page.locator(".messages")).to_contain_text("Phase changed.")
    assert requests.get(f"{congress.url}/@proposals", timeout=10).json()["phase"] == "closed"


def test_a_private_congress_session_is_refused_to_anonymous(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    congress = Congress(live_server.url, publish=False)
    page = new_page()
    for view in ("", "/@@display?venue=salle", "/@@join?venue=salle"):
        response = page.goto(f"{congress.url}{view}")
        assert "/@@login" in page.url or response.status in (401, 403, 404), view
        expect(page.locator("body")).not_to_contain_text("Paris 2010")
    res = requests.post(
        f"{congress.url}/@join", json={"venue": "salle", "code": "K7", "name": "G"}, timeout=10
    )
    assert res.status_code == 401
