"""Storages through zodbconn.uri (FileStorage, ZEO, RelStorage) and the
`congress-site` command line."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import ZEO
from webtest import TestApp

from congress_site import main
from congress_site.site import database
from tests.conftest import api_token, bearer

SECRET = {"session.secret": "s" * 48, "session.secure": "false"}


def round_trip(app_settings):
    """Add a user through a second app, then use it through the API."""
    app = main({}, **app_settings)
    try:
        from tests.conftest import Site

        Site(app).add_user("ana", "a long enough password", ["Manager"])
        web = TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        headers = bearer(api_token(web, "ana", "a long enough password"))
        web.post_json("/", {"@type": "Page", "title": "Stored"}, headers=headers, status=201)
        assert web.get("/stored", headers=headers).json["title"] == "Stored"
    finally:
        database(app.registry).close()


def test_zeo_storage(tmp_path):
    address, stop = ZEO.server(path=str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs"))
    try:
        host, port = address
        round_trip({"zodbconn.uri": f"zeo://{host}:{port}?blob_dir={tmp_path}/cblobs", **SECRET})
    finally:
        stop()


def test_relstorage(tmp_path):
    # RelStorage's SQLite adapter: the same code paths as PostgreSQL, no server.
    conf = tmp_path / "relstorage.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            %import relstorage
            <zodb main>
              <relstorage>
                blob-dir {tmp_path}/blobs
                <sqlite3>
                  data-dir {tmp_path}/rs
                </sqlite3>
              </relstorage>
            </zodb>
            """
        )
    )
    round_trip({"zodbconn.uri": f"zconfig://{conf}#main", **SECRET})


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "site.ini"
    path.write_text(
        textwrap.dedent(
            f"""
            [app:main]
            use = egg:congress_site
            zodbconn.uri = file://{tmp_path}/var/Data.fs?blobstorage_dir={tmp_path}/var/blobs
            session.secret = {"x" * 48}
            """
        )
    )
    (tmp_path / "var").mkdir()
    return path


def cli(ini, *args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "congress_site.scripts.main", str(ini), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_init_adduser_demo_evolve_pack(ini, tmp_path):
    assert "ready" in cli(ini, "init").stdout
    res = cli(
        ini,
        "adduser",
        "ana",
        "--role",
        "Manager",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert res.returncode == 0 and "added user ana" in res.stdout
    # A deployment creates its first coordinator on every run: an existing one is kept.
    again = cli(
        ini, "adduser", "ana", "--if-missing", "--password-stdin", stdin="another password 1\n"
    )
    assert again.returncode == 0 and "exists: unchanged" in again.stdout
    weak = cli(ini, "adduser", "bob", "--password-stdin", stdin="short\n")
    assert weak.returncode == 2 and "password refused" in weak.stderr
    bad_role = cli(ini, "adduser", "bob", "--role", "Emperor")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    demo = cli(ini, "demo")
    assert "administrator login: admin" in demo.stdout
    password = (tmp_path / "var" / "admin-password.txt").read_text().strip()
    assert password in demo.stdout
    assert "up to date" in cli(ini, "evolve").stdout
    assert "packed" in cli(ini, "pack").stdout

    app = main({}, **{"zodbconn.uri": f"file://{tmp_path}/var/Data.fs", **SECRET})
    try:
        web = TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        about = web.get("/about", headers={"Accept": "application/json"}).json
        assert about["review_state"] == "published"
        titles = [i["title"] for i in about["items"]]
        assert "Our charter" in titles and "Internal notes" not in titles
        api_token(web, "ana", "a long enough password")
        api_token(web, "admin", password)
    finally:
        database(app.registry).close()


def test_static_urls_carry_the_deployed_release(tmp_path):
    """A deployment sets static.version, so nginx can keep static files for a year."""
    settings = {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs",
        "static.version": "0.1.0-abc",
        **SECRET,
    }
    app = main({}, **settings)
    try:
        web = TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
        html = web.get("/").text
        assert "/static/site.css?x=0.1.0-abc" in html
        web.get("/static/site.css?x=0.1.0-abc", status=200)
    finally:
        database(app.registry).close()
