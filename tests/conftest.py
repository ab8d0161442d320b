"""Shared fixtures: a real site on a FileStorage in a temporary directory."""

from __future__ import annotations

import contextlib
import re

import pytest
import transaction
from webtest import TestApp

from congress_site import main
from congress_site.site import database, site_from_zodb_root

ADMIN_PASSWORD = "admin-password-for-tests"
MEMBER_PASSWORD = "member-password-for-tests"


def make_settings(tmp_path, **extra):
    settings = {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs",
        "session.secret": "test-secret-" + "x" * 40,
        "session.secure": "false",
        # Real argon2id, with parameters cheap enough for hundreds of logins.
        "security.argon2_time_cost": "1",
        "security.argon2_memory_kib": "8192",
    }
    settings.update(extra)
    return settings


class Site:
    """Direct access to the app's database, as a maintenance script has."""

    def __init__(self, wsgi_app):
        self.db = database(wsgi_app.registry)

    @contextlib.contextmanager
    def edit(self):
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)
        try:
            with tm:
                yield site_from_zodb_root(conn.root())
        finally:
            conn.close()

    def add_user(self, login, password, roles=(), email=""):
        with self.edit() as site:
            site.users.add_user(login, password, login.title(), email, list(roles))


@pytest.fixture
def wsgi_app(tmp_path):
    app = main({}, **make_settings(tmp_path))
    yield app
    database(app.registry).close()


@pytest.fixture
def site(wsgi_app):
    s = Site(wsgi_app)
    with s.edit():
        pass
    s.add_user("admin", ADMIN_PASSWORD, ["Manager"], "admin@example.org")
    s.add_user("member", MEMBER_PASSWORD, ["Member"], "member@example.org")
    return s


@pytest.fixture
def app(wsgi_app, site):
    return TestApp(wsgi_app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"})


@pytest.fixture(autouse=True)
def _reset_login_throttle():
    from congress_site.security.login import THROTTLE

    THROTTLE.clear()
    yield


def csrf_from(response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "page has no CSRF token"
    return match.group(1)


def browser_login(app, login, password):
    page = app.get("/@@login")
    form = page.forms["content-form"]
    form["login"] = login
    form["password"] = password
    return form.submit("submit", status="*")


def api_token(app, login, password) -> str:
    res = app.post_json("/@login", {"login": login, "password": password})
    return res.json["token"]


def bearer(token) -> dict:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}
