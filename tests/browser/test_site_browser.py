"""A coordinator logs in, adds a page, publishes it; anonymous visitors see it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD


def login(page, base, login, password):
    page.goto(f"{base}/@@login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_add_publish_and_view_as_anonymous(live_server, new_page):
    live_server.site.add_user("admin", ADMIN_PASSWORD, ["Manager"])
    base = live_server.url
    page = new_page()
    login(page, base, "admin", ADMIN_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.get_by_label("Add new").select_option("Page")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Title").fill("Principles of the konbit")
    # The text is written in the rich-text editor (TinyMCE's editable frame).
    page.frame_locator(".tox-edit-area iframe").locator("body").fill(
        "Contributions are decoupled from use."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Principles of the konbit")).to_be_visible()
    url = page.url

    anonymous = new_page()
    anonymous.goto(url)
    expect(anonymous).to_have_url(re.compile(r"@@login"))

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".state")).to_contain_text("Published")

    anonymous.goto(url)
    expect(anonymous.get_by_role("heading", name="Principles of the konbit")).to_be_visible()
    expect(anonymous.get_by_text("Contributions are decoupled from use.")).to_be_visible()
    anonymous.goto(f"{base}/@@search?SearchableText=decoupled")
    results = anonymous.locator("#main")
    expect(results.get_by_role("link", name="Principles of the konbit")).to_be_visible()


def test_language_switcher_translates_the_interface(live_server, new_page):
    page = new_page(locale="fr-FR")
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()
