"""Guessing join codes: wrong codes are limited per address and per venue, the right code of
a real group is never slowed, and every refusal is logged for fail2ban."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.conftest import ADMIN_PASSWORD, api_token, bearer

SESSION = "/tc/paris"
CODE = "PARIS2"


@pytest.fixture
def venue(app):
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "TC"}, headers=headers)
    app.post_json("/tc/@workflow/publish", {}, headers=headers)  # its sessions are joinable
    app.post_json("/tc", {"@type": "Session", "id": "paris", "title": "Paris"}, headers=headers)
    body = {"@type": "Venue", "id": "salle-a", "title": "Salle A", "join_code": CODE}
    app.post_json(SESSION, body, headers=headers)
    return "salle-a"


def join(app, address, code, name="Group", status="*"):
    return app.post_json(
        f"{SESSION}/@join",
        {"venue": "salle-a", "code": code, "name": name},
        extra_environ={"REMOTE_ADDR": address},
        status=status,
    )


def test_wrong_codes_from_one_address_end_in_429(app, venue):
    for n in range(30):
        assert join(app, "203.0.113.9", f"WRONG{n}", status=403).json["error"] == "code"
    refused = join(app, "203.0.113.9", "WRONG30", status=429)
    assert refused.json["error"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    # Refused before the code is compared: the right code does not get through either...
    join(app, "203.0.113.9", CODE, status=429)
    # ... and a real group elsewhere joins at once.
    assert join(app, "198.51.100.20", CODE, name="Real group", status=201).json["token"]


def test_guessing_from_many_addresses_limits_those_that_guessed(app, venue):
    for n in range(100):  # one wrong code from each of 100 addresses
        join(app, f"10.1.{n // 250}.{n % 250}", "WRONG", status=403)
    # Under attack, an address that guessed wrong here gets no further guess...
    join(app, "10.1.0.5", "WRONG", status=429)
    join(app, "10.1.0.5", CODE, name="Guesser", status=429)
    # ... while a group typing the right code at its first try is never refused.
    join(app, "198.51.100.21", CODE, name="Real group", status=201)
    join(app, "198.51.100.22", "TYPO", status=403)  # and a first mistake is a mistake


def test_a_throttled_guess_does_not_wait_for_the_join_lock(app, wsgi_app, venue):
    for n in range(30):
        join(app, "203.0.113.9", f"WRONG{n}", status=403)
    lock = wsgi_app.registry.congress_session_locks.for_path(f"{SESSION}/@join")
    answers = []
    with lock:  # a long join of a real group holds the session's lock
        guesser = threading.Thread(target=lambda: answers.append(join(app, "203.0.113.9", "X")))
        guesser.start()
        guesser.join(timeout=20)
        assert answers and answers[0].status_int == 429


def test_the_join_page_refuses_with_429_too(app, venue):
    for n in range(30):
        join(app, "203.0.113.9", f"WRONG{n}", status=403)
    page = app.get(f"{SESSION}/@@join", extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    form = page.forms["join-form"]
    form["venue"], form["code"], form["name"] = "salle-a", CODE, "Group"
    res = form.submit(extra_environ={"REMOTE_ADDR": "203.0.113.9"}, status=429)
    assert "Too many wrong codes" in res.text and int(res.headers["Retry-After"]) > 0


def test_wrong_codes_and_refusals_are_logged_for_fail2ban(app, venue, caplog):
    with caplog.at_level(logging.WARNING, logger="congress_site.refusals"):
        for n in range(31):
            join(app, "203.0.113.9", f"WRONG{n}")
    lines = [r.getMessage() for r in caplog.records if r.name == "congress_site.refusals"]
    assert lines[0] == 'join failed from 203.0.113.9 session="/tc/paris" venue="salle-a"'
    assert lines[-1] == 'join throttled from 203.0.113.9 session="/tc/paris" venue="salle-a"'
