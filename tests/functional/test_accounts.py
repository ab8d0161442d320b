"""Accounts: login form throttling, password change and reset, languages."""

from __future__ import annotations

import logging
import re

from tests.conftest import ADMIN_PASSWORD, MEMBER_PASSWORD, browser_login, csrf_from


def test_login_form_wrong_password_then_throttled(app):
    res = browser_login(app, "member", "wrong password")
    assert res.status_int == 403 and "Wrong login or password." in res.text
    for _ in range(4):
        browser_login(app, "member", "wrong password")
    res = browser_login(app, "member", MEMBER_PASSWORD)
    assert res.status_int == 429 and "Too many failed attempts" in res.text


def test_login_redirects_only_to_this_site(app):
    page = app.get("/@@login?came_from=https://evil.example/")
    form = page.forms["content-form"]
    form["login"], form["password"] = "admin", ADMIN_PASSWORD
    assert form.submit("submit").location == "http://localhost/"


def test_session_cookie_is_httponly_and_samesite(app):
    res = browser_login(app, "admin", ADMIN_PASSWORD)
    cookie = res.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_password_change(app):
    browser_login(app, "member", MEMBER_PASSWORD)
    form = app.get("/@@password").forms["content-form"]
    form["current"] = "not my password"
    form["new"] = form["new-confirm"] = "a brand new passphrase"
    assert "This is not your current password." in form.submit("submit", status=400).text
    form = app.get("/@@password").forms["content-form"]
    form["current"] = MEMBER_PASSWORD
    form["new"] = form["new-confirm"] = "short"
    assert "Use at least 10 characters." in form.submit("submit", status=400).text
    form = app.get("/@@password").forms["content-form"]
    form["current"] = MEMBER_PASSWORD
    form["new"] = form["new-confirm"] = "a brand new passphrase"
    form.submit("submit").follow()
    fresh = app.__class__(app.app, extra_environ=app.extra_environ)
    assert browser_login(fresh, "member", "a brand new passphrase").status_int == 302


def test_password_reset_link_is_logged_and_works_once(app, caplog):
    form = app.get("/@@reset-password").forms["content-form"]
    form["email"] = "member@example.org"
    with caplog.at_level(logging.WARNING, logger="congress_site"):
        form.submit("submit")
    link = re.search(r"(http://localhost/@@reset-password\?token=\S+)", caplog.text).group(1)
    form = app.get(link).forms["content-form"]
    form["new"] = form["new-confirm"] = "reset passphrase here"
    form.submit("submit")
    assert browser_login(app, "member", "reset passphrase here").status_int == 302
    assert app.get(link, status=400)
    # Unknown address: same answer, no link.
    caplog.clear()
    form = app.get("/@@reset-password").forms["content-form"]
    form["email"] = "nobody@example.org"
    with caplog.at_level(logging.WARNING, logger="congress_site"):
        form.submit("submit")
    assert "reset-password?token" not in caplog.text


def test_language_from_accept_language_and_from_choice(app):
    assert "Se connecter" in app.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).text
    assert "Iniciar sesión" in app.get("/", headers={"Accept-Language": "es"}).text
    res = app.get("/@@language?lang=pt&came_from=/")
    assert res.location == "http://localhost/"
    assert "Entrar" in app.get("/", headers={"Accept-Language": "fr"}).text


def test_user_admin_and_audit_log(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get("/@@users")
    form = page.forms["content-form"]
    form["login"] = "carla"
    form["password"] = form["password-confirm"] = "a fine passphrase"
    form.submit("submit").follow()
    assert "carla" in app.get("/@@users").text
    audit = app.get("/@@audit").text
    assert "user_added" in audit and "login" in audit
    member = app.__class__(app.app, extra_environ=app.extra_environ)
    browser_login(member, "member", MEMBER_PASSWORD)
    member.get("/@@users", status=403)
    member.get("/@@audit", status=403)
    member.post("/@@users", {"csrf_token": csrf_from(member.get("/"))}, status=403)


def test_groups_give_their_roles_to_members(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/@@groups").forms["content-form"]
    form["group_id"] = "coordinators"
    form["members"] = "member, nobody"
    assert "Unknown login(s): nobody" in form.submit("submit", status=400).text
    form = app.get("/@@groups").forms["content-form"]
    form["group_id"] = "coordinators"
    form.get("checkbox", index=0).checked = True  # Manager, the first role
    form["members"] = "member"
    form.submit("submit").follow()
    member = app.__class__(app.app, extra_environ=app.extra_environ)
    browser_login(member, "member", MEMBER_PASSWORD)
    assert "coordinators" in member.get("/@@groups").text
