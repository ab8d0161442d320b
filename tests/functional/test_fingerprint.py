"""`congress-site-fingerprint`: the restore drill's proof that a copy of the site holds the
same objects and the same ledger hash chain as when it was backed up."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
import transaction

from congress_site.ledger.web.store import get_folder
from congress_site.scripts import fingerprint
from congress_site.scripts.db import open_db
from congress_site.scripts.main import main as site_command
from congress_site.site import site_from_zodb_root


@pytest.fixture
def demo(tmp_path):
    """A demo site (pages, congress, ledger with closed months), then closed."""
    ini = tmp_path / "site.ini"
    ini.write_text(
        "[app:main]\nuse = egg:congress_site\n"
        f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs\n"
        "session.secret = fingerprint-test-secret-01234567890123456789012345\n"
    )
    assert site_command([str(ini), "demo"]) == 0
    return ini, tmp_path / "Data.fs"


def change(ini, func):
    db = open_db(str(ini))
    try:
        conn = db.open()
        with transaction.manager:
            func(site_from_zodb_root(conn.root()))
        conn.close()
    finally:
        db.close()


def run(capsys, *argv):
    code = fingerprint.main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_copy_matches_its_fingerprint(demo, tmp_path, capsys):
    _, data = demo
    code, out, _ = run(capsys, data)
    assert code == 0
    saved = json.loads(out)
    assert saved["objects"] > 100
    assert saved["ledger"]["chain"] == "ok" and saved["ledger"]["months"]
    (tmp_path / "fp.json").write_text(out)
    copy = tmp_path / "copy.fs"
    shutil.copy(data, copy)
    code, out, err = run(capsys, copy, "--compare", tmp_path / "fp.json")
    assert code == 0, err
    assert f"{saved['objects']} objects as they were" in out
    assert f"{len(saved['ledger']['months'])} closed months intact" in out


def test_a_later_change_is_seen(demo, tmp_path, capsys):
    ini, data = demo
    _, out, _ = run(capsys, data)
    (tmp_path / "fp.json").write_text(out)
    change(ini, lambda site: setattr(site, "title", "Changed after the backup"))
    code, _, err = run(capsys, data, "--compare", tmp_path / "fp.json")
    assert code == 1
    assert "objects_sha256" in err and "last_transaction" in err


def test_a_tampered_closed_month_breaks_the_chain(demo, tmp_path, capsys):
    ini, data = demo
    _, out, _ = run(capsys, data)
    (tmp_path / "fp.json").write_text(out)

    def tamper(site):
        record = next(iter(get_folder(site).closed.values()))
        record.closed = dataclasses.replace(record.closed, hash="0" * 64)

    change(ini, tamper)
    code, _, err = run(capsys, data, "--compare", tmp_path / "fp.json")
    assert code == 1
    assert "ledger hash chain broken" in err
    assert run(capsys, data)[0] == 1


def test_a_file_that_is_not_a_database_is_named(tmp_path, capsys):
    bad = tmp_path / "Data.fs"
    bad.write_bytes(b"not a FileStorage")
    code, _, err = run(capsys, bad)
    assert code == 1
    assert f"{bad} does not open as the site's database" in err
