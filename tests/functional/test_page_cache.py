"""The anonymous page cache: every visitor of a URL gets what that URL shows them, whatever
another visitor sent with the same URL."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD, api_token, bearer


@pytest.fixture
def about(app):
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    body = {"@type": "Page", "id": "about", "title": "About us", "text": "<p>Who we are</p>"}
    app.post_json("/", body, headers=headers)
    app.post_json("/about/@workflow/publish", {}, headers=headers)
    return headers


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_virtual_root_header_cannot_poison_the_anonymous_cache(app, about, accept):
    home = app.get("/", headers={"Accept": accept})
    # One request for / whose traversal starts at /about, right after the last commit...
    shifted = app.get("/", headers={"Accept": accept, "X-Vhm-Root": "/about"})
    assert "Who we are" in shifted.text
    # ... and every other visitor of / still gets the site's front page, as before.
    for _ in range(2):
        again = app.get("/", headers={"Accept": accept})
        assert again.text == home.text and "Who we are" not in again.text


def test_the_shifted_page_is_not_served_from_the_cache_either(app, about):
    app.get("/", headers={"Accept": "application/json"})  # cached for /
    shifted = app.get("/", headers={"Accept": "application/json", "X-Vhm-Root": "/about"})
    assert shifted.json["title"] == "About us"


def test_json_and_html_of_one_url_are_kept_apart(app, about):
    accept_json = "x/" + "y" * 120 + ", application/json"
    assert app.get("/about", headers={"Accept": accept_json}).json["title"] == "About us"
    page = app.get("/about", headers={"Accept": "x/" + "y" * 120})
    assert page.content_type == "text/html"
    assert app.get("/about").content_type == "text/html"
    assert app.get("/about", headers={"Accept": "application/json"}).json["title"] == "About us"
