"""The ledger commands: `congress-site INI log-time` and `import-members` (idempotent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import transaction
from ZODB import DB

from congress_site.ledger.models import CONTACT_ROLE
from congress_site.ledger.months import Month
from congress_site.scripts.db import open_db
from congress_site.scripts.main import main
from congress_site.site import site_from_zodb_root

ROOT = Path(__file__).resolve().parents[2]
MEMBERS_FILE = ROOT / "inventory/example/group_vars/konbit/members.yml"


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "site.ini"
    path.write_text(
        "[app:main]\nuse = egg:congress_site\n"
        f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs\n"
        "session.secret = cli-test-secret-0123456789012345678901234567890\n"
    )
    return str(path)


def read(ini, func):
    db: DB = open_db(ini)
    try:
        conn = db.open()
        try:
            return func(site_from_zodb_root(conn.root()))
        finally:
            transaction.abort()
            conn.close()
    finally:
        db.close()


def test_import_members_creates_then_reports_nothing_to_change(ini, capsys):
    assert main([ini, "import-members", str(MEMBERS_FILE)]) == 0
    out = capsys.readouterr().out
    assert "member coop-alpha: created" in out
    assert "user marie: created, password: " in out
    assert "3 created, 0 updated, 0 unchanged, 3 user(s) created" in out

    def check(site):
        folder = site["members"]
        assert sorted(folder.keys()) == ["asso-beta", "atelier-gamma", "coop-alpha"]
        alpha = folder["coop-alpha"]
        assert alpha.currency == "EUR" and len(alpha.subscriptions) == 2
        assert CONTACT_ROLE in alpha.local_roles["user:marie"]
        assert "user:paul" not in alpha.local_roles  # not a contact
        assert site.users.get("paul") is None
        assert "Member" in site.users.get("marie").roles
        return str(
            alpha.subscription_history.dues(__import__("congress_site").ledger.Month(2026, 7))
        )

    assert read(ini, check) == "45.00 EUR"

    assert main([ini, "import-members", str(MEMBERS_FILE)]) == 0
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 3 unchanged, 0 user(s) created" in out
    assert "password" not in out
    assert read(ini, lambda site: len(site["members"])) == 3


def test_import_members_updates_and_refuses_closed_month_changes(ini, tmp_path, capsys):
    main([ini, "import-members", str(MEMBERS_FILE)])
    changed = tmp_path / "members.yml"
    text = MEMBERS_FILE.read_text()
    text = text.replace('name: "Atelier Gamma"', 'name: "Atelier Gamma coop"')
    text = text.replace('amount_per_share: "7.50"', 'amount_per_share: "10.00"')
    text = text.replace("        contact: true\n      - login: paul", "      - login: paul", 1)
    changed.write_text(text)
    capsys.readouterr()
    assert main([ini, "import-members", str(changed), "--dry-run"]) == 0
    assert "dry run: nothing stored" in capsys.readouterr().out
    assert read(ini, lambda s: s["members"]["atelier-gamma"].title) == "Atelier Gamma"

    assert main([ini, "import-members", str(changed)]) == 0
    out = capsys.readouterr().out
    assert "member atelier-gamma: name 'Atelier Gamma coop', subscriptions updated" in out
    assert "member coop-alpha: contact marie removed" in out
    assert read(ini, lambda s: "user:marie" in s["members"]["coop-alpha"].local_roles) is False

    # Close March 2026: a change of Atelier Gamma's dues from March on is refused whole.
    from congress_site.ledger.web import store
    from congress_site.scripts.db import site_transaction

    db = open_db(ini)
    with site_transaction(db) as site:
        folder = site["members"]
        store.set_credit(
            folder, Month(2026, 3), hours="10", hourly_rate="60.00", rates={"EUR": "1.5"}
        )
        store.close(folder, Month(2026, 3), "admin")
    db.close()
    changed.write_text(text.replace('amount_per_share: "10.00"', 'amount_per_share: "12.00"'))
    assert main([ini, "import-members", str(changed)]) == 2
    err = capsys.readouterr().err
    assert "atelier-gamma.subscriptions" in err and "closed month 2026-03" in err
    assert "nothing was imported" in err


def test_import_members_reports_file_errors(ini, tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "konbit_members:\n  - id: x\n    name: X\n    currency: XYZ\n"
        "    subscriptions:\n      - from: '2026-13'\n        shares: 1\n"
        "        amount_per_share: '1.00'\n"
    )
    assert main([ini, "import-members", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "konbit_members[x].currency" in err and "2026-13" in err
    assert main([ini, "import-members", str(tmp_path / "missing.yml")]) == 2


def test_log_time(ini, capsys):
    assert main([ini, "log-time", "--minutes", "45", "--category", "maintenance",
                 "--description", "x"]) == 2  # fmt: skip
    assert "import-members first" in capsys.readouterr().err
    main([ini, "import-members", str(MEMBERS_FILE)])
    capsys.readouterr()
    args = [ini, "log-time", "--minutes", "45", "--category", "maintenance"]
    assert main([*args, "--description", "Security updates", "--date", "2026-05-04",
                 "--by", "sysadmin"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "logged 45 min of maintenance on 2026-05-04 by sysadmin" in out
    assert "no hours bought" in out

    def entries(site):
        return [(e.minutes, e.category, e.logged_by, e.description)
                for e in site["members"].time_entries.values()]  # fmt: skip

    assert read(ini, entries) == [(45, "maintenance", "sysadmin", "Security updates")]
    for bad, message in (
        (["--minutes", "0"], "1 to 1440"),
        (["--minutes", "1441"], "1 to 1440"),
        (["--minutes", "lots"], "whole number"),
        (["--date", "2026-13-01"], "not a date"),
    ):
        argv = [ini, "log-time", "--minutes", "30", "--category", "maintenance",
                "--description", "x", *bad]  # fmt: skip
        assert main(argv) == 2
        assert message in capsys.readouterr().err
    assert main([ini, "log-time", "--minutes", "30", "--category", "development",
                 "--description", "x", "--item", "nope"]) == 2  # fmt: skip
    assert "no development item 'nope'" in capsys.readouterr().err
    assert len(read(ini, entries)) == 1


def test_demo_populates_the_ledger(ini, capsys):
    assert main([ini, "demo"]) == 0
    out = capsys.readouterr().out
    assert "ledger demo user: marie" in out

    def check(site):
        folder = site["members"]
        currencies = {m.currency for m in folder.members()}
        return currencies, len(folder.closed), len(folder.time_entries) > 20

    assert read(ini, check) == ({"EUR", "CAD"}, 4, True)
    shutil.rmtree(Path(ini).parent / "var", ignore_errors=True)
