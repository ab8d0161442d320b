"""CPU time per request of the site core's pages, measured in process.

wrk's requests per second move with whatever else the machine runs; the CPU time the
process spends per request does much less, so this is the figure to compare two versions
on a shared machine (run each a few times, alternating). Same data as site_pages.py: a
published page (anonymous, served by the page cache) and a folder of 100 pages listed
for a logged-in manager, as a page and as JSON. Prints figures; never decides pass or fail.

    .venv/bin/python bench/site_cpu.py [--requests 150] [--rounds 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import transaction
from webtest import TestApp

from congress_site import main as make_app
from congress_site.content import operations
from congress_site.site import site_from_zodb_root

PASSWORD = "bench-password-123"


def seeded_app(directory: str):
    app = make_app(
        {},
        **{
            "zodbconn.uri": f"file://{directory}/Data.fs?blobstorage_dir={directory}/blobs",
            "session.secret": "bench-" + "s" * 40,
            "session.secure": "false",
            "security.argon2_time_cost": "1",
            "security.argon2_memory_kib": "8192",
        },
    )
    conn = app.registry._zodb_databases[""].open()
    site = site_from_zodb_root(conn.root())
    site.users.add_user("bench", PASSWORD, "Bench", "", ["Manager"])
    text = "<p>" + "word " * 300 + "</p>"
    page = operations.create(
        site, "Page", {"title": "Welcome", "description": "A page", "text": text}, "bench",
        name="welcome",
    )  # fmt: skip
    page.review_state = "published"
    site.catalog.index(page)
    folder = operations.create(site, "Folder", {"title": "Library"}, "bench", name="library")
    for i in range(100):
        operations.create(folder, "Page", {"title": f"Item {i}", "text": "<p>x</p>"}, "bench")
    transaction.commit()
    conn.close()
    return app


def cpu_ms(client, url: str, requests: int, rounds: int, **kw) -> float:
    """The lowest of ``rounds`` averages, in ms of CPU per request, after a warm-up."""
    for _ in range(20):
        client.get(url, **kw)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            client.get(url, **kw)
        best = min(best, (time.process_time() - start) / requests * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = seeded_app(tempfile.mkdtemp(prefix="konbit-bench-"))
    environ = {"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"}
    visitor, manager = TestApp(app, extra_environ=environ), TestApp(app, extra_environ=environ)
    form = manager.get("/@@login").forms["content-form"]
    form["login"], form["password"] = "bench", PASSWORD
    form.submit("submit")
    n, r = args.requests, args.rounds
    figures = {
        "anonymous page view (cached)": cpu_ms(visitor, "/welcome", n * 10, r),
        "authenticated folder listing (100)": cpu_ms(manager, "/library", n, r),
        "folder as JSON (first batch)": cpu_ms(
            manager, "/library", n, r, headers={"Accept": "application/json"}
        ),
    }
    for name, value in figures.items():
        print(f"{name:38s} {value:7.3f} ms CPU per request")


if __name__ == "__main__":
    main()
