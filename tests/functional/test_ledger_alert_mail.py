"""Time-credit alert e-mail: a real SMTP server on loopback (aiosmtpd) receives what the
app hands over when a month's used hours pass 50 %, 80 % and 100 % of the hours bought.

Coordinators (the Manager role, held globally or locally on the members folder) with an
address get one message per threshold; members and the sysadmin get none. Mail leaves
only with the transaction that records the alert: refused or aborted logging sends
nothing, and without mail settings logging works and nothing is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
import transaction
from aiosmtpd.controller import Controller
from webtest import TestApp
from ZODB.POSException import ConflictError

from congress_site import main
from congress_site.ledger.alerts import coordinators, notify_new_alerts
from congress_site.ledger.months import Month
from congress_site.ledger.web import store
from congress_site.ledger.web.alert_mail import command_alert_sender
from congress_site.scripts.db import open_db
from congress_site.scripts.main import main as cli
from congress_site.site import site_from_zodb_root
from tests.conftest import ADMIN_PASSWORD, Site, api_token, bearer, browser_login, make_settings
from tests.smtp_server import Inbox, free_port

PASSWORD = "alert-mail-password-for-tests"
JAN = "2026-01"
SENDER = "konbit@example.org"
COORDINATORS = {"admin@example.org", "treasurer@example.org", "board@example.org"}


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def mail_settings(port) -> dict:
    return {"mail.host": "127.0.0.1", "mail.port": str(port), "mail.default_sender": SENDER}


@pytest.fixture
def wsgi_app(tmp_path, smtp):
    """The conftest app, with mail.* pointing at the loopback SMTP server."""
    app = main({}, **make_settings(tmp_path, **mail_settings(smtp.port)))
    yield app
    app.registry._zodb_databases[""].close()


def setup_ledger(site: Site) -> None:
    """Coordinators: admin (global Manager, from conftest), treasurer (Manager as a local
    role on the members folder), board (through a group with the Manager role), nomail
    (Manager without an address). Not coordinators: member, marie, sysadmin."""
    site.add_user("treasurer", PASSWORD, ["Member"], "treasurer@example.org")
    site.add_user("board", PASSWORD, ["Member"], "board@example.org")
    site.add_user("nomail", PASSWORD, ["Manager"])
    site.add_user("marie", PASSWORD, ["Member"], "marie@example.org")
    site.add_user("sysadmin", PASSWORD, ["Sysadmin"], "sysadmin@example.org")
    from congress_site.content import operations

    with site.edit() as root:
        root.users.add_group("coordination", "Coordination", ["Manager"])
        root.users.join("board", "coordination")
        folder = store.get_folder(root, create=True)
        operations.set_local_roles(folder, "user:treasurer", {"Manager"}, "admin")
        store.set_credit(
            folder, Month.parse(JAN), hours="10", hourly_rate="60.00", rates={"EUR": "1.50"}
        )


@pytest.fixture
def ledger(site):
    setup_ledger(site)
    return site


@pytest.fixture
def sysadmin(app, ledger):
    return bearer(api_token(app, "sysadmin", PASSWORD))


def log(app, headers, minutes, status=201, **body):
    values = {"date": "2026-01-10", "minutes": minutes, "category": "maintenance"}
    values |= {"description": "Security updates"} | body
    return app.post_json("/members/@interventions", values, headers=headers, status=status)


def notified(site):
    with site.edit() as root:
        return dict(root["members"].alerts_notified)


def entries(site):
    with site.edit() as root:
        return len(root["members"].time_entries)


def assert_alerts(inbox, thresholds):
    """Exactly one message per threshold to each coordinator address, none elsewhere."""
    received = inbox.by_recipient()
    assert set(received) == COORDINATORS
    for address in COORDINATORS:
        subjects = sorted(m["subject"] for m in received[address])
        assert subjects == sorted(
            f"[Konbit] Time credit {JAN}: {t} % of the hours bought are used" for t in thresholds
        )
        assert all(m["to"] == address for m in received[address])
    assert {sender for sender, _r, _m in inbox.messages} == {SENDER}


def body_for(inbox, address, threshold) -> str:
    (message,) = [m for m in inbox.by_recipient()[address] if f": {threshold} % of" in m["subject"]]
    return message.get_content()


def test_coordinators_are_the_managers_of_the_ledger(ledger):
    with ledger.edit() as root:
        found = coordinators(root.users, root["members"])
        assert sorted(u.login for u in found) == ["admin", "board", "nomail", "treasurer"]


def test_each_threshold_mails_each_coordinator_once(app, ledger, sysadmin, smtp):
    log(app, sysadmin, 240)  # 4 h of 10: below 50 %
    assert smtp.messages == []
    log(app, sysadmin, 60)  # 5 h: 50 %
    assert_alerts(smtp, [50])
    body = body_for(smtp, "treasurer@example.org", 50)
    assert "50 % of the hours bought for January 2026 (2026-01) are used: 5 h of 10 h" in body
    assert "http://localhost/members/@@report" in body
    assert notified(ledger) == {JAN: (50,)}

    log(app, sysadmin, 30)  # 5.5 h: nothing new
    assert len(smtp.messages) == 3

    # The log screen, as the sysadmin uses it: 8.5 h, past 80 %.
    browser_login(app, "sysadmin", PASSWORD)
    page = app.get("/members/@@log")
    form = next(f for f in page.forms.values() if "minutes" in f.fields)
    form["minutes"] = "180"
    form["description"] = "Upgrade to the next Debian release"
    form["date"] = "2026-01-20"
    assert form.submit().status_int == 302
    assert_alerts(smtp, [50, 80])
    assert "8.5 h of 10 h (85 %)" in body_for(smtp, "admin@example.org", 80)

    # 11 h: 100 %, said once with the overrun.
    log(app, sysadmin, 150, date="2026-01-21")
    assert_alerts(smtp, [50, 80, 100])
    body = body_for(smtp, "board@example.org", 100)
    assert "11 h of 10 h (110 %)" in body and "overrun" in body
    log(app, sysadmin, 15, date="2026-01-22")
    assert len(smtp.messages) == 9
    assert notified(ledger) == {JAN: (50, 80, 100)}


def test_messages_are_in_each_coordinators_language(app, ledger, sysadmin, smtp):
    with ledger.edit() as root:
        root.users.get("treasurer").language = "fr"
        root.users.get("board").language = "pt"
    log(app, sysadmin, 300)
    received = smtp.by_recipient()
    (fr,) = received["treasurer@example.org"]
    assert fr["subject"] == (
        "[Konbit] Crédit de temps 2026-01 : 50 % des heures achetées sont utilisées"
    )
    assert "pour janvier 2026 (2026-01) sont utilisées : 5 h sur 10 h (50 %)" in fr.get_content()
    assert "Rapport de transparence : http://localhost/members/@@report" in fr.get_content()
    (pt,) = received["board@example.org"]
    assert "usadas 50 % das horas compradas" in pt["subject"]
    assert "5 h de 10 h (50 %)" in pt.get_content()
    (en,) = received["admin@example.org"]
    assert en["subject"].startswith("[Konbit] Time credit 2026-01: 50 %")


def test_one_entry_past_two_thresholds_sends_both(app, ledger, sysadmin, smtp):
    log(app, sysadmin, 540)  # 9 h of 10: 50 % and 80 % at once
    assert_alerts(smtp, [50, 80])


def test_refused_logging_sends_nothing(app, ledger, sysadmin, smtp):
    log(app, sysadmin, 0, status=400)
    log(app, sysadmin, 600, date="2026-13-01", status=400)
    log(app, sysadmin, 600, category="development", item_id="nope", status=400)
    member = bearer(api_token(app, "marie", PASSWORD))
    log(app, member, 600, status=403)
    coordinator = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    # A closed month refuses the entry: 409.
    app.post_json("/members/@close", {"month": JAN}, headers=coordinator, status=201)
    log(app, sysadmin, 600, status=409)
    assert smtp.messages == [] and entries(ledger) == 0 and notified(ledger) == {}


def test_an_aborted_transaction_sends_nothing_and_records_nothing(wsgi_app, ledger, smtp):
    """The mail joins the transaction that records the alert: abort drops both."""
    db = wsgi_app.registry._zodb_databases[""]
    settings = wsgi_app.registry.settings
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        tm.begin()
        root = site_from_zodb_root(conn.root())
        folder = root["members"]
        send = command_alert_sender(settings, tm, root, folder)
        assert notify_new_alerts(folder, Month.parse(JAN), 600, 600, send=send) == (50, 80, 100)
        tm.abort()
    finally:
        conn.close()
    assert smtp.messages == [] and notified(ledger) == {}


def test_a_conflicting_commit_sends_nothing_so_a_retry_sends_once(wsgi_app, ledger, smtp):
    """Two writers record the same month's alert; the second one's commit conflicts (as a
    request that pyramid_retry would run again) and must not have sent its mail."""
    db = wsgi_app.registry._zodb_databases[""]
    settings = wsgi_app.registry.settings
    tms = [transaction.TransactionManager() for _ in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in tms]
    try:
        folders = []
        for tm, conn in zip(tms, conns, strict=True):
            tm.begin()
            root = site_from_zodb_root(conn.root())
            folders.append((root, root["members"]))
        for tm, (root, folder) in zip(tms, folders, strict=True):
            send = command_alert_sender(settings, tm, root, folder)
            assert notify_new_alerts(folder, Month.parse(JAN), 300, 600, send=send) == (50,)
        tms[0].commit()
        assert_alerts(smtp, [50])
        with pytest.raises(ConflictError):
            tms[1].commit()
        tms[1].abort()
    finally:
        for conn in conns:
            conn.close()
    assert len(smtp.messages) == 3 and notified(ledger) == {JAN: (50,)}


def test_an_unreachable_mail_server_never_stops_time_from_being_logged(tmp_path, caplog):
    """Mail leaves after the commit: if the server cannot take it, the time is logged all
    the same, the failure is logged as an error, and the alert stays on the report."""
    settings = make_settings(tmp_path, **mail_settings(free_port()))  # nobody listens
    wsgi = main({}, **settings)
    try:
        site = Site(wsgi)
        with site.edit():
            pass
        site.add_user("admin", ADMIN_PASSWORD, ["Manager"], "admin@example.org")
        site.add_user("member", PASSWORD, ["Member"], "member@example.org")
        setup_ledger(site)
        app = TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        headers = bearer(api_token(app, "sysadmin", PASSWORD))
        log(app, headers, 60)  # no threshold: no mail, stored
        log(app, headers, 300)
        assert entries(site) == 2 and notified(site) == {JAN: (50,)}
        assert "alert mail to admin@example.org not sent" in caplog.text
    finally:
        wsgi.registry._zodb_databases[""].close()


def test_without_mail_settings_logging_works_and_nothing_is_sent(tmp_path, smtp, caplog):
    wsgi = main({}, **make_settings(tmp_path))
    try:
        site = Site(wsgi)
        with site.edit():
            pass
        site.add_user("admin", ADMIN_PASSWORD, ["Manager"], "admin@example.org")
        setup_ledger(site)
        app = TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        headers = bearer(api_token(app, "sysadmin", PASSWORD))
        with caplog.at_level("INFO", logger="congress_site.ledger.alerts"):
            log(app, headers, 600)
        assert "mail is not configured" in caplog.text
        assert entries(site) == 1 and notified(site) == {JAN: (50, 80, 100)}
        assert smtp.messages == []
    finally:
        wsgi.registry._zodb_databases[""].close()


def test_mail_host_without_a_sender_refuses_to_start(tmp_path):
    settings = make_settings(tmp_path, **{"mail.host": "127.0.0.1"})
    with pytest.raises(ValueError, match="mail.default_sender"):
        main({}, **settings)


# -- the command line --------------------------------------------------------------------------
def write_ini(tmp_path, **extra) -> str:
    path = Path(tmp_path) / "site.ini"
    lines = [
        "[app:main]",
        "use = egg:congress_site",
        f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs",
        "session.secret = cli-test-secret-0123456789012345678901234567890",
        *(f"{k} = {v}" for k, v in extra.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.parametrize("site_url", [None, "https://konbit.example.org"])
def test_log_time_command_mails_the_coordinators(tmp_path, smtp, capsys, site_url):
    extra = {"site.url": site_url} if site_url else {}
    ini = write_ini(tmp_path, **mail_settings(smtp.port), **extra)
    wsgi = main({}, **make_settings(tmp_path))  # the same database, to set it up
    site = Site(wsgi)
    with site.edit():
        pass
    site.add_user("admin", ADMIN_PASSWORD, ["Manager"], "admin@example.org")
    setup_ledger(site)
    wsgi.registry._zodb_databases[""].close()

    args = [ini, "log-time", "--category", "maintenance", "--date", "2026-01-05"]
    assert cli([*args, "--minutes", "120", "--description", "Backups", "--by", "sysadmin"]) == 0
    assert smtp.messages == []
    assert cli([*args, "--minutes", "390", "--description", "Upgrade", "--by", "sysadmin"]) == 0
    out = capsys.readouterr().out
    assert "alert: 50 % of the hours bought are used" in out
    assert "alert: 80 % of the hours bought are used" in out
    assert_alerts(smtp, [50, 80])
    body = body_for(smtp, "admin@example.org", 80)
    assert "2026-01" in body and "8.5 h of 10 h (85 %)" in body
    if site_url:  # no request: the link is built on the site's configured address
        assert "https://konbit.example.org/members/@@report" in body
    else:
        assert "http" not in body  # no request, no site URL: no link


def test_log_time_command_logs_time_even_when_mail_fails(tmp_path, capsys, caplog):
    ini = write_ini(tmp_path, **mail_settings(free_port()))
    wsgi = main({}, **make_settings(tmp_path))
    site = Site(wsgi)
    with site.edit():
        pass
    site.add_user("admin", ADMIN_PASSWORD, ["Manager"], "admin@example.org")
    setup_ledger(site)
    wsgi.registry._zodb_databases[""].close()

    args = [ini, "log-time", "--category", "maintenance", "--minutes", "300", "--date", JAN + "-05"]
    assert cli([*args, "--description", "Upgrade", "--by", "sysadmin"]) == 0
    assert "logged 300 min" in capsys.readouterr().out
    assert "alert mail to admin@example.org not sent" in caplog.text
    db = open_db(ini)
    try:
        with db.transaction() as conn:
            folder = site_from_zodb_root(conn.root())["members"]
            assert len(folder.time_entries) == 1 and dict(folder.alerts_notified) == {JAN: (50,)}
    finally:
        db.close()
