"""Ledger figures: 1,000 members over 36 months with 20 interventions a month.

Prints the time to close a month, to produce one statement (HTML, JSON, PDF) and all
statements of a year. Never asserts; targets from issue 4: close < 1 s, one HTML/JSON
statement < 50 ms, one PDF < 500 ms.

    .venv/bin/python bench/statements.py [--members 1000] [--months 36] [--interventions 20]

The data is built with the same store functions the site uses, on a FileStorage in a
temporary directory; pages are fetched through the whole WSGI stack (WebTest) with a
coordinator's bearer token, so security, traversal and templates are included.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import tempfile
import time
from pathlib import Path

import transaction
from webtest import TestApp

from congress_site import main
from congress_site.content import operations
from congress_site.ledger.months import Month
from congress_site.ledger.web import store
from congress_site.site import site_from_zodb_root

PASSWORD = "bench-password-0123456789"


def timed(func, repeat=1):
    """Wall and CPU time of each run. The CPU time of this process is the fairer figure
    on a shared machine: the wall time also counts waiting for other processes."""
    times = []
    result = None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return times, result


def fmt(times) -> str:
    wall = [t[0] * 1000 for t in times]
    cpu = [t[1] * 1000 for t in times]
    if len(wall) == 1:
        return f"{wall[0]:8.1f} ms (cpu {cpu[0]:.1f} ms)"
    rest = slice(1, None)
    return (
        f"{wall[0]:8.1f} ms first, median {statistics.median(wall[rest]):7.1f} ms "
        f"(cpu {statistics.median(cpu[rest]):.1f} ms) of {len(wall) - 1}"
    )


def build(db, members: int, months: int, interventions: int, first: Month) -> None:
    rng = random.Random(36)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        site = site_from_zodb_root(conn.root())
        site.users.add_user("admin", PASSWORD, "Admin", "", ["Manager"])
        folder = store.get_folder(site, create=True)
        for i in range(members):
            currency = "EUR" if i % 2 else "CAD"
            member = operations.create(
                folder,
                "Member",
                {"title": f"Member {i:04d}", "currency": currency},
                "admin",
                name=f"m{i:04d}",
            )
            amount = "15.00" if currency == "EUR" else "20.00"
            lines = store.parse_subscriptions(
                [{"from": str(first), "shares": 1 + i % 3, "amount_per_share": amount}], currency
            )
            store.set_subscriptions(folder, member, lines)
        for n in range(4):
            store.save_item(folder, f"item-{n}", title=f"Item {n}", allocated_hours="20",
                            status="in_progress")  # fmt: skip
    for index in range(months):
        month = first + index
        with tm:
            site = site_from_zodb_root(conn.root())
            folder = site["members"]
            store.set_credit(folder, month, hours="10", development_hours="4",
                             hourly_rate="60.00", rates={"EUR": "1.48"})  # fmt: skip
            for _ in range(interventions):
                dev = rng.random() < 0.3
                store.log_intervention(
                    folder,
                    minutes=rng.choice((15, 20, 30, 45, 60)),
                    category="development" if dev else "maintenance",
                    item_id=f"item-{rng.randrange(4)}" if dev else None,
                    description="bench work",
                    logged_by="sysadmin",
                    date=datetime.date(month.year, month.month, rng.randint(1, 28)),
                )
            for member in folder.members():
                if rng.random() < 0.9:
                    dues = member.subscription_history.dues(month)
                    cad = None if member.currency == "CAD" else f"{dues.cents * 148 // 10000}.00"
                    store.record_payment(
                        folder, member, date=datetime.date(month.year, month.month, 5),
                        amount=dues.format(), cad_received=cad, reference="bench",
                    )  # fmt: skip
            if index < months - 1:
                store.close(folder, month, "admin")
        print(f"  built {month}", end="\r", flush=True)
    conn.close()
    print()


def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="konbit-bench-"))
    settings = {
        "zodbconn.uri": f"file://{tmp}/Data.fs?blobstorage_dir={tmp}/blobs"
        "&connection_cache_size=200000",
        "session.secret": "bench-secret-" + "x" * 40,
        "session.secure": "false",
    }
    app = main({}, **settings)
    db = app.registry._zodb_databases[""]
    this_month = Month.of(datetime.date.today())
    first = this_month - (args.months - 1)
    print(
        f"building {args.members} members x {args.months} months x "
        f"{args.interventions} interventions/month in {tmp} ..."
    )
    start = time.perf_counter()
    build(db, args.members, args.months, args.interventions, first)
    size = (tmp / "Data.fs").stat().st_size / 1e6
    print(f"built in {time.perf_counter() - start:.1f} s; Data.fs {size:.0f} MB")

    web = TestApp(app, extra_environ={"HTTP_HOST": "localhost"})
    token = web.post_json("/@login", {"login": "admin", "password": PASSWORD}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    last = this_month

    close_times, res = timed(
        lambda: web.post_json(
            "/members/@close", {"month": str(last)}, headers={**auth, "Accept": "application/json"}
        )
    )
    print(f"close {last} (HTTP, incl. commit, cold cache)    {fmt(close_times)}")

    year = {"from": str(last - 11), "to": str(last)}
    member_url = "/members/m0001"
    n = args.repeat
    t_html, _ = timed(lambda: web.get(member_url, year, headers=auth), n + 1)
    t_json, _ = timed(
        lambda: web.get(
            member_url + "/@statement", year, headers={**auth, "Accept": "application/json"}
        ),  # fmt: skip
        n + 1,
    )
    t_pdf, res = timed(lambda: web.get(member_url + "/@@statement.pdf", year, headers=auth), 4)
    print(f"one statement, 12 months, HTML            {fmt(t_html)}")
    print(f"one statement, 12 months, JSON            {fmt(t_json)}")
    print(f"one statement, 12 months, PDF             {fmt(t_pdf)}  ({len(res.body)} bytes)")
    t_all, res = timed(
        lambda: web.get(
            member_url + "/@statement",
            {"from": str(first), "to": str(last)},
            headers={**auth, "Accept": "application/json"},
        )  # fmt: skip
    )
    print(f"one statement, {args.months} months, JSON            {fmt(t_all)}")

    def all_statements_json():
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            folder = site_from_zodb_root(conn.root())["members"]
            count = 0
            for member in folder.members():
                store.member_statement(folder, member, last - 11, last).to_json_dict()
                count += 1
            return count
        finally:
            tm.abort()
            conn.close()

    t_year, count = timed(all_statements_json, 2)
    print(f"all {count} statements of a year, JSON, in-process   {fmt(t_year)}")

    def all_statements_html():
        for i in range(args.members):
            web.get(f"/members/m{i:04d}", year, headers=auth)

    t_year_html, _ = timed(all_statements_html)
    print(f"all {args.members} statements of a year, HTML over WSGI  {fmt(t_year_html)}")
    t_report, _ = timed(lambda: web.get("/members/@@report", year, headers=auth), 3)
    print(f"transparency report, 12 months, HTML      {fmt(t_report)}")
    db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--interventions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    run(parser.parse_args())
