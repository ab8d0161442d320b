"""Creates per second into one folder with 20 and 50 concurrent writers; retries, errors.

Starts the site on waitress (127.0.0.1, its own process, the threads of the INI files) over
a FileStorage in a temporary directory, seeded with a few hundred pages so the catalog is
not empty. For each number of writers: a new folder, then every writer (a thread with its
own connection) adds ``--pages`` pages to it through the JSON API, all starting at once,
as a room uploading into one shared folder does. Prints, per run, the creates per second,
the answers by status, the conflicts pyramid_retry retried (in total, and the most any one
request needed), the server's CPU time and the bytes stored per create (the machine's other
load moves the rate; these move less), and the client's CPU time. Prints figures; never
decides pass or fail.

    .venv/bin/python bench/concurrent_writers.py [--writers 20 50] [--pages 5] [--threads 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _local import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"
STATS = "/_bench/retries"


def serve(directory: str, port: int, threads: int, seed: int) -> None:
    """Child process: seed the database, count retries, serve."""
    import transaction
    from pyramid.paster import setup_logging
    from pyramid_retry import IBeforeRetry

    from congress_site import main
    from congress_site.content import operations
    from congress_site.server import serve as waitress_serve
    from congress_site.site import site_from_zodb_root

    setup_logging(str(ROOT / "production.ini"))
    app = main(
        {},
        **{
            "zodbconn.uri": f"file://{directory}/Data.fs?blobstorage_dir={directory}/blobs"
            f"&connection_pool_size={threads + 4}",
            "session.secret": "bench-" + "s" * 40,
            "session.secure": "false",
        },
    )
    db = app.registry._zodb_databases[""]
    conn = db.open()
    site = site_from_zodb_root(conn.root())
    site.users.add_user("bench", PASSWORD, "Bench", "", ["Manager"])
    archive = operations.create(site, "Folder", {"title": "Archive"}, "bench", name="archive")
    words = "agenda budget server backups mail wiki members shares hours report".split()
    for i in range(seed):
        text = " ".join(words[(i + k) % len(words)] for k in range(6))
        operations.create(archive, "Page", {"title": f"Note {i}", "text": f"<p>{text}</p>"}, "b")
    transaction.commit()
    conn.close()

    retries = Counter()  # attempt number that failed -> count
    lock = threading.Lock()

    def count(event):
        with lock:
            retries[event.environ.get("retry.attempt", 0)] += 1

    app.registry.registerHandler(count, (IBeforeRetry,))

    def with_stats(environ, start_response):
        if environ.get("PATH_INFO") == STATS:
            with lock:
                body = json.dumps({str(k): v for k, v in retries.items()}).encode()
                retries.clear()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]
        return app(environ, start_response)

    waitress_serve(with_stats, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def request(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(port: int, token: str, writers: int, pages: int, data_fs: Path, pid: int) -> dict:
    folder = f"inbox-{writers}"
    body = {"@type": "Folder", "title": f"Inbox {writers}", "id": folder}
    assert request(port, "POST", "/", body, token)[0] == 201
    request(port, "GET", STATS)  # forget the retries so far
    size = data_fs.stat().st_size
    server_before = server_cpu(pid)
    barrier = threading.Barrier(writers + 1)
    statuses = Counter()
    lock = threading.Lock()

    def writer(n):
        barrier.wait()
        for i in range(pages):
            body = {
                "@type": "Page",
                "title": f"Minutes of group {n} part {i}",
                "text": f"<p>Group {n} on the agenda, budget and backups, part {i}.</p>",
            }
            status, _ = request(port, "POST", f"/{folder}", body, token)
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    cpu = time.process_time()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    retries = {int(k): v for k, v in json.loads(request(port, "GET", STATS)[1]).items()}
    written = data_fs.stat().st_size - size
    used = server_cpu(pid) - server_before
    listed = json.loads(request(port, "GET", f"/{folder}", token=token)[1])["items_total"]
    return {
        "writers": writers,
        "creates": writers * pages,
        "listed": listed,
        "seconds": elapsed,
        "statuses": dict(statuses),
        "retries": sum(retries.values()),
        # a request retried twice failed at attempt 0 and at attempt 1
        "most_retries": max(retries, default=-1) + 1,
        "client_cpu": cpu,
        "written": written,
        "server_cpu": used,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writers", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--pages", type=int, default=5, help="pages each writer adds")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads, as in the INIs")
    parser.add_argument("--seed", type=int, default=300, help="pages in the site beforehand")
    parser.add_argument("--serve", nargs=2, metavar=("DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.threads, args.seed)
        return
    directory = tempfile.mkdtemp(prefix="konbit-bench-")
    port = free_port()
    cmd = [sys.executable, __file__, "--threads", str(args.threads), "--seed", str(args.seed)]
    server = subprocess.Popen([*cmd, "--serve", directory, str(port)])
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        status, body = request(port, "POST", "/@login", {"login": "bench", "password": PASSWORD})
        token = json.loads(body)["token"]
        print(
            f"concurrent_writers: waitress {args.threads} threads, {args.seed} pages beforehand, "
            f"{args.pages} pages per writer, {os.cpu_count()} cores"
        )
        for writers in args.writers:
            f = run(port, token, writers, args.pages, Path(directory) / "Data.fs", server.pid)
            print(
                f"{f['writers']:3d} writers: {f['creates']:4d} creates in {f['seconds']:5.2f} s"
                f" = {f['creates'] / f['seconds']:6.1f} creates/s   answers {f['statuses']}"
                f"   in folder {f['listed']}   retries {f['retries']}"
                f" (at most {f['most_retries']} for one request)"
                f"   server CPU {f['server_cpu'] / f['creates'] * 1000:.1f} ms per create"
                f"   {f['written'] / f['creates'] / 1024:.0f} KiB stored per create"
                f"   client CPU {f['client_cpu']:.1f} s"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
