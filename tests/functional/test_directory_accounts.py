"""One account per person: the site against a real slapd configured like the konbit's.

Persons log in with their one directory password, set it from a one-time link, change
it on their account page, ask for a new link by mail, and see their services. Every
refusal leaves the directory as it was."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from webtest import TestApp

from congress_site import main
from tests.conftest import (
    ADMIN_PASSWORD,
    Site,
    api_token,
    browser_login,
    csrf_from,
    make_settings,
)
from tests.ldap_server import start_ldap_server
from tests.smtp_server import Inbox, free_port

MARIE_PASSWORD = "marie's first passphrase"
NEW_PASSWORD = "a brand new passphrase"
ACCOUNT_SETTINGS = {
    "account.mail_server": "mail.konbit.example.org",
    "account.nextcloud_url": "https://cloud.konbit.example.org/",
    "account.wiki_url": "https://{name}.wiki.konbit.example.org/",
    "account.list_url": "https://lists.konbit.example.org/postorius/lists/{name}.konbit.example.org/",
}


@pytest.fixture
def ldap_server(tmp_path):
    server = start_ldap_server(tmp_path / "ldap")
    server.add_person(
        "marie",
        "Marie Dubois",
        "marie@alpha.example.org",
        password=MARIE_PASSWORD,
        groups=("persons", "mailbox", "nextcloud", "wiki-alpha", "list-konbit-all",
                "list-konbit-all-owners"),
        aliases=("contact@alpha.example.org", "@alpha.example.org"),
        mail_quota=2 * 1024**3,
        nextcloud_quota=str(10 * 1024**3),
    )  # fmt: skip
    server.add_person("paul", "Paul Martin", "paul@alpha.example.org")  # no password yet
    yield server
    server.stop()


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def wsgi_app(tmp_path, ldap_server, smtp):
    settings = make_settings(
        tmp_path,
        **ldap_server.settings(),
        **ACCOUNT_SETTINGS,
        **{"mail.host": "127.0.0.1", "mail.port": str(smtp.port),
           "mail.default_sender": "konbit@example.org"},
    )  # fmt: skip
    app = main({}, **settings)
    yield app
    app.registry._zodb_databases[""].close()


def audit_actions(site: Site) -> list[tuple[str, str]]:
    with site.edit() as s:
        return [(e["action"], e["actor"]) for e in s.audit.latest()]


def set_password_form(app, token, status=200):
    return app.get(f"/@@set-password?token={token}", status=status)


def test_a_person_logs_in_with_their_directory_password(app, site):
    assert browser_login(app, "marie", "wrong password").status_int == 403
    res = browser_login(app, "marie", MARIE_PASSWORD)
    assert res.status_int == 302
    page = app.get("/")
    assert "Marie Dubois" in page.text
    with site.edit() as s:
        user = s.users.get("marie")
        assert user.source == "directory" and user.password_hash is None
        assert user.email == "marie@alpha.example.org" and "Member" in user.roles
    # Local accounts work as before, beside the directory.
    fresh = TestApp(app.app, extra_environ=app.extra_environ)
    assert browser_login(fresh, "admin", ADMIN_PASSWORD).status_int == 302


def test_the_api_logs_directory_persons_in_too(app):
    token = api_token(app, "marie", MARIE_PASSWORD)
    assert app.get("/", headers={"Authorization": f"Bearer {token}"}).status_int == 200
    app.post_json("/@login", {"login": "marie", "password": "nope"}, status=401)


def test_a_locked_person_cannot_log_in(app, ldap_server):
    ldap_server.lock("marie")
    res = browser_login(app, "marie", MARIE_PASSWORD)
    assert res.status_int == 403 and "Wrong login or password." in res.text


def test_a_silent_directory_is_a_clear_503_not_a_500(app, ldap_server):
    ldap_server.process.kill()
    ldap_server.process.wait()
    res = browser_login(app, "marie", MARIE_PASSWORD)
    assert res.status_int == 503
    assert "directory does not answer. Try again in a minute." in res.text
    app.post_json("/@login", {"login": "marie", "password": MARIE_PASSWORD}, status=503)
    # A local account still logs in.
    assert browser_login(app, "admin", ADMIN_PASSWORD).status_int == 302


def test_change_my_password(app, site, ldap_server):
    browser_login(app, "marie", MARIE_PASSWORD)
    form = app.get("/@@password").forms["content-form"]
    form["current"] = "not my password"
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    res = form.submit("submit", status=400)
    assert "This is not your current password." in res.text
    form = app.get("/@@password").forms["content-form"]
    form["current"] = MARIE_PASSWORD
    form["new"] = form["new-confirm"] = "short"
    assert "Use at least 10 characters." in form.submit("submit", status=400).text
    form = app.get("/@@password").forms["content-form"]
    form["current"] = MARIE_PASSWORD
    form["new"] = form["new-confirm"] = "marie marie marie"
    assert "must not contain the login" in form.submit("submit", status=400).text
    assert ldap_server.can_bind("marie", MARIE_PASSWORD)  # every refusal changed nothing
    form = app.get("/@@password").forms["content-form"]
    form["current"] = MARIE_PASSWORD
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    assert form.submit("submit").location.endswith("/@@account")
    assert ldap_server.can_bind("marie", NEW_PASSWORD)
    assert not ldap_server.can_bind("marie", MARIE_PASSWORD)
    hashed = ldap_server.attributes("marie")["userPassword"][0]
    assert hashed.startswith("{ARGON2}$argon2")
    assert ("password_changed", "marie") in audit_actions(site)


def test_password_forms_keep_no_validator_of_an_earlier_request(app, ldap_server):
    """Form schemas are per request: a site account's password change must not leave its
    current-password check behind for the next person (colander shares the child nodes
    of class-based schemas between instances)."""
    from tests.conftest import MEMBER_PASSWORD

    browser_login(app, "member", MEMBER_PASSWORD)
    form = app.get("/@@password").forms["content-form"]
    form["current"] = "not the member's password"
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    form.submit("submit", status=400)
    marie = TestApp(app.app, extra_environ=app.extra_environ)
    browser_login(marie, "marie", MARIE_PASSWORD)
    form = marie.get("/@@password").forms["content-form"]
    form["current"] = MARIE_PASSWORD
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    assert form.submit("submit").location.endswith("/@@account")
    assert ldap_server.can_bind("marie", NEW_PASSWORD)


def test_set_my_password_from_the_one_time_link(app, site, ldap_server):
    ldap_server.give_link("paul", "paul-link-token")
    page = set_password_form(app, "paul-link-token")
    assert "Your login is paul." in page.text
    form = page.forms["content-form"]
    form["new"] = form["new-confirm"] = "weak"
    assert "Use at least 10 characters." in form.submit("submit", status=400).text
    assert "konbitPasswordTokenHash" in ldap_server.attributes("paul")
    form = set_password_form(app, "paul-link-token").forms["content-form"]
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    res = form.submit("submit")
    assert res.location.endswith("/@@login?login=paul")
    assert ldap_server.can_bind("paul", NEW_PASSWORD)
    attrs = ldap_server.attributes("paul")
    assert "konbitPasswordTokenHash" not in attrs and "konbitPasswordTokenExpiry" not in attrs
    assert ("password_set", "paul") in audit_actions(site)
    # The link works once.
    res = set_password_form(app, "paul-link-token", status=400)
    assert "This link is not valid" in res.text
    assert browser_login(app, "paul", NEW_PASSWORD).status_int == 302


def test_expired_unknown_and_locked_links_are_refused(app, ldap_server):
    ldap_server.give_link("paul", "old-token", expiry="20200101000000Z")
    assert "This link has expired." in set_password_form(app, "old-token", status=400).text
    assert "This link is not valid" in set_password_form(app, "never-issued", status=400).text
    assert "This link is not valid" in set_password_form(app, "", status=400).text
    ldap_server.give_link("paul", "fresh-token")
    ldap_server.lock("paul")
    res = set_password_form(app, "fresh-token", status=403)
    assert "This account is locked" in res.text
    # Posting to a refused link sets nothing either.
    csrf = csrf_from(app.get("/@@reset-password"))
    app.post(
        "/@@set-password?token=fresh-token",
        {"csrf_token": csrf, "new": "x" * 12, "new-confirm": "x" * 12},
        status=403,
    )
    assert not ldap_server.can_bind("paul", "x" * 12)


def test_ask_for_a_new_link_by_mail(app, site, ldap_server, smtp):
    form = app.get("/@@reset-password").forms["content-form"]
    form["email"] = "marie@alpha.example.org"
    form.submit("submit").follow()
    (message,) = smtp.by_recipient()["marie@alpha.example.org"]
    body = message.get_content()
    assert "Your login for" in body and ": marie" in body
    link = re.search(r"http://localhost/@@set-password\?token=\S+", body).group(0)
    form = app.get(link).forms["content-form"]
    form["new"] = form["new-confirm"] = NEW_PASSWORD
    form.submit("submit")
    assert ldap_server.can_bind("marie", NEW_PASSWORD)
    assert ("reset_requested", "marie") in audit_actions(site)
    # An unknown address gets the same answer and no mail.
    form = app.get("/@@reset-password").forms["content-form"]
    form["email"] = "nobody@example.org"
    res = form.submit("submit").follow()
    assert "If this address belongs to an account" in res.text
    assert "nobody@example.org" not in smtp.by_recipient()


def test_my_account_shows_my_services(app):
    browser_login(app, "marie", MARIE_PASSWORD)
    page = app.get("/@@account")
    text = page.text
    assert "marie@alpha.example.org" in text and "contact@alpha.example.org" in text
    assert "@alpha.example.org" not in text.replace("marie@alpha", "").replace("contact@alpha", "")
    assert "mail.konbit.example.org" in text and "993" in text and "465" in text
    assert "2 GB" in text and "10 GB" in text
    assert "https://cloud.konbit.example.org/" in text
    assert 'href="https://alpha.wiki.konbit.example.org/"' in text
    assert "lists.konbit.example.org/postorius/lists/konbit-all.konbit.example.org/" in text
    assert "(<span>owner</span>)" in text
    french = app.get("/@@account", headers={"Accept-Language": "fr"}).text
    assert "Mon compte" in french and "Mes services" in french


def test_account_page_needs_a_login(app):
    assert "/@@login" in app.get("/@@account", status=302).location


def test_imported_contacts_log_in_with_the_directory_and_read_their_statement(
    tmp_path, ldap_server, capsys
):
    """import-members with a directory: contacts get no password of their own; with
    their directory password they reach their organisation's statement."""
    from pathlib import Path

    from congress_site.scripts.main import main as cli

    members = Path(__file__).resolve().parents[2] / "inventory/example/group_vars/konbit"
    ini = tmp_path / "site.ini"
    settings = make_settings(tmp_path / "db", **ldap_server.settings())
    (tmp_path / "db").mkdir()
    ini.write_text(
        "[app:main]\nuse = egg:congress_site\n"
        + "".join(f"{k} = {v}\n" for k, v in settings.items())
    )
    assert cli([str(ini), "import-members", str(members / "members.yml")]) == 0
    out = capsys.readouterr().out
    assert "user marie: created (logs in with the directory password)" in out
    assert "password:" not in out
    app = main({}, **settings)
    try:
        client = TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})
        assert browser_login(client, "marie", MARIE_PASSWORD).status_int == 302
        page = client.get("/@@account")
        statement = re.search(r'href="([^"]+/coop-alpha/statement)"', page.text).group(1)
        assert "Coop Alpha" in client.get(statement).text
        # Another member's statement stays closed to her.
        client.get("/members/asso-beta/statement", status=403)
    finally:
        app.registry._zodb_databases[""].close()
