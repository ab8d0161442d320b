"""Login throttling through the API and the form: guessing stays slow, and nobody can lock
an account's owner out from somewhere else."""

from __future__ import annotations

import logging

from tests.conftest import ADMIN_PASSWORD, browser_login


def login(app, address, password, login="admin", status="*", headers=None):
    return app.post_json(
        "/@login",
        {"login": login, "password": password},
        extra_environ={"REMOTE_ADDR": address},
        headers=headers or {},
        status=status,
    )


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app):
    for _ in range(5):
        login(app, "203.0.113.66", "guess", status=401)
    throttled = login(app, "203.0.113.66", ADMIN_PASSWORD, status=429)
    assert throttled.json["error"] == "throttled"
    assert int(throttled.headers["Retry-After"]) > 0
    # The owner, elsewhere, logs in as usual.
    assert login(app, "198.51.100.7", ADMIN_PASSWORD, status=200).json["token"]


def test_guesses_from_many_addresses_stop_at_the_account_backstop(app):
    login(app, "198.51.100.7", ADMIN_PASSWORD, status=200)  # the owner's usual address
    for n in range(20):
        login(app, f"203.0.113.{n}", "guess", status=401)
    # The 21st guess from a 21st address is refused before any password check...
    login(app, "203.0.113.200", ADMIN_PASSWORD, status=429)
    # ... while the owner, where the account logged in lately, still gets in.
    login(app, "198.51.100.7", ADMIN_PASSWORD, status=200)


def test_a_forwarded_for_header_does_not_change_the_address(app):
    # One password tried on 20 accounts, each time claiming another client address.
    for n in range(20):
        headers = {"X-Forwarded-For": f"192.0.2.{n}"}
        login(app, "203.0.113.66", "guess", login=f"user{n}", headers=headers, status=401)
    headers = {"X-Forwarded-For": "192.0.2.99"}
    login(app, "203.0.113.66", "guess", login="member", headers=headers, status=429)


def test_refusals_are_logged_in_one_line_for_fail2ban(app, caplog):
    with caplog.at_level(logging.WARNING, logger="congress_site.refusals"):
        login(app, "203.0.113.66", "guess", login='adm"in\nlogin failed from 10.0.0.1', status=401)
        for _ in range(5):
            login(app, "203.0.113.66", "guess", status=401)
        login(app, "203.0.113.66", "guess", status=429)
    lines = [r.getMessage() for r in caplog.records if r.name == "congress_site.refusals"]
    assert (
        lines[0] == 'login failed from 203.0.113.66 login="adm\\"in\\nlogin failed from 10.0.0.1"'
    )
    assert lines[-1] == 'login throttled from 203.0.113.66 login="admin"'
    assert all("\n" not in line for line in lines)


def test_the_login_form_says_when_to_come_back(app):
    for _ in range(5):
        browser_login(app, "admin", "guess")
    res = browser_login(app, "admin", ADMIN_PASSWORD)
    assert res.status_int == 429 and int(res.headers["Retry-After"]) > 0
