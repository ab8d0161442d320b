"""Bytes and values nobody should send: a 4xx (JSON for API clients), never a 500 and
never a traceback in the log."""

from __future__ import annotations

import logging

import pytest

from congress_site.ledger.web import store
from tests.conftest import ADMIN_PASSWORD, api_token, bearer, browser_login

SESSION = "/tc/paris"
BAD_URLS = [
    "/%ff",
    "/?x=%ff",
    "/login?came_from=%ff",
    "/@@login?came_from=%ff",
    "/@search?review_state=%ff",
    "/members/@statement?from=%ff",
    "/tc/paris/@proposals?x=%ff",
    "/tc/%ff/paris",
    "/search?SearchableText=%e9t%e9",  # Latin-1, not UTF-8
]


@pytest.fixture
def setup(app, site):
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    with site.edit() as root:
        store.get_folder(root, create=True)
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "TC"}, headers=headers)
    app.post_json("/tc/@workflow/publish", {}, headers=headers)  # its sessions are joinable
    app.post_json("/tc", {"@type": "Session", "id": "paris", "title": "Paris"}, headers=headers)
    body = {"@type": "Venue", "id": "v", "title": "V", "join_code": "CAFE42"}
    app.post_json(SESSION, body, headers=headers)
    return headers


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bytes_that_are_not_utf8_in_a_url_answer_400(app, setup, no_errors_logged, url):
    page = app.get(url, status=400)
    if "/@" in url.replace("/@@", "/"):
        assert page.json["error"] == "bad_url"
    else:
        assert page.content_type == "text/html" and "<h1>" in page.text
    answer = app.get(url, headers={"Accept": "application/json"}, status=400)
    assert answer.json["error"] == "bad_url" and answer.json["message"]


def test_bad_url_page_speaks_the_visitors_language(app, setup):
    page = app.get("/%ff", headers={"Accept-Language": "es"}, status=400)
    assert 'lang="es"' in page.text and "UTF-8" in page.text


def test_a_join_code_in_any_script_is_a_wrong_code_not_a_crash(app, setup, no_errors_logged):
    for code in ("ÇAFÉ42", "кафе", "☃", "\x00"):
        res = app.post_json(
            f"{SESSION}/@join", {"venue": "v", "code": code, "name": "G"}, status=403
        )
        assert res.json["error"] == "code"
    assert app.post_json(f"{SESSION}/@join", {"venue": "v", "code": "cafe 42", "name": "G"})


def test_a_non_ascii_join_code_set_by_a_coordinator_matches(app, setup, no_errors_logged):
    app.patch_json(f"{SESSION}/v", {"join_code": "çafé"}, headers=setup, status=204)
    res = app.post_json(f"{SESSION}/@join", {"venue": "v", "code": "ÇAFÉ", "name": "G"})
    assert res.status_int == 201


@pytest.mark.parametrize("languages", [[1], [["fr"]], [{"fr": 1}], "fr", [None]])
def test_session_languages_must_be_language_codes(app, setup, no_errors_logged, languages):
    res = app.patch_json(SESSION, {"languages": languages}, headers=setup, status=422)
    assert res.json["errors"]["languages"]
    assert app.get(SESSION, headers=setup).json["languages"] == ["en"]


def test_an_empty_phase_is_refused(app, setup, no_errors_logged):
    res = app.patch_json(SESSION, {"phase": ""}, headers=setup, status=422)
    assert "is not one of" in res.json["errors"]["phase"] and "${" not in res.json["message"]
    assert app.get(SESSION, headers=setup).json["phase"] == "preparation"


def test_history_version_of_a_workflow_entry_is_a_bad_request(app, setup, no_errors_logged):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.post_json("/", {"@type": "Page", "title": "P"}, headers=setup).json["@id"]
    app.patch_json(page, {"text": "<p>second</p>"}, headers=setup, status=204)
    app.post_json(f"{page}/@workflow/publish", {}, headers=setup)
    # created (0), edited (1), published (2)
    assert "<ins>second</ins>" in app.get(f"{page}/@@history?version=1").text  # the change
    for version in ("0", "2"):
        app.get(f"{page}/@@history?version={version}", status=400)
    res = app.get(f"{page}/@@history?version=2", headers={"Accept": "application/json"}, status=400)
    assert res.json["error"] == "bad_request"
    for version in ("-1", "x", "%C2%B2", "1.0"):
        app.get(f"{page}/@@history?version={version}", status=400)
    app.get(f"{page}/@@history?version=3", status=404)
