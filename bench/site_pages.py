"""Requests per second and p95 latency of the site core, on this machine.

Starts the site on waitress (127.0.0.1, its own process) over a FileStorage in
a temporary directory, seeds a published page and a folder of 100 pages, then
drives it with wrk: an anonymous page view, and an authenticated listing of
the 100-item folder. Prints figures; never decides pass or fail.

    .venv/bin/python bench/site_pages.py [--duration 15] [--connections 16]

With ``--url`` it drives a deployed site instead (e.g. through nginx, on the server itself),
seeding the same page and folder there through the JSON API as a Manager whose password is
read from ``--password-file``:

    site_pages.py --url https://konbit.example.org --login coordinator --password-file F
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from _local import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d duration_us=%d errors=%d p50_us=%d p95_us=%d p99_us=%d\\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def serve(directory: str, port: int, threads: int) -> None:
    """Child process: seed the database, then serve it."""
    import transaction
    from pyramid.paster import setup_logging

    from congress_site import main
    from congress_site.content import operations
    from congress_site.server import serve as waitress_serve
    from congress_site.site import database, site_from_zodb_root

    setup_logging(str(ROOT / "production.ini"))  # log as production does
    app = main(
        {},
        **{
            "zodbconn.uri": f"file://{directory}/Data.fs?blobstorage_dir={directory}/blobs"
            f"&connection_pool_size={threads + 4}",
            "session.secret": "bench-" + "s" * 40,
            "session.secure": "false",
        },
    )
    db = database(app.registry)
    conn = db.open()
    site = site_from_zodb_root(conn.root())
    if site.users.get("bench") is None:
        site.users.add_user("bench", PASSWORD, "Bench", "", ["Manager"])
        page = operations.create(
            site,
            "Page",
            {"title": "Welcome", "description": "A page", "text": "<p>" + "word " * 300 + "</p>"},
            "bench",
            name="welcome",
        )
        page.review_state = "published"
        site.catalog.index(page)
        folder = operations.create(site, "Folder", {"title": "Library"}, "bench", name="library")
        for i in range(100):
            operations.create(folder, "Page", {"title": f"Item {i}", "text": "<p>x</p>"}, "bench")
        transaction.commit()
    conn.close()
    waitress_serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


def _unverified():
    # A bench on the server itself: its certificate may be self-signed.
    import ssl

    return urllib.request.HTTPSHandler(context=ssl._create_unverified_context())


def seed_deployed(base: str, login: str, password: str) -> None:
    """The bench's page and folder of 100 pages on a deployed site (once)."""
    opener = urllib.request.build_opener(_unverified())

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        with opener.open(request) as res:
            return json.loads(res.read() or b"{}")

    token = call("POST", "/@login", {"login": login, "password": password})["token"]
    auth = {"Authorization": f"Bearer {token}"}
    try:
        call("GET", "/welcome", headers=auth)
        return  # seeded by an earlier run
    except urllib.error.HTTPError:
        pass
    text = "<p>" + "word " * 300 + "</p>"
    body = {"@type": "Page", "id": "welcome", "title": "Welcome", "text": text}
    call("POST", "/", body, auth)
    call("POST", "/welcome/@workflow/publish", {}, auth)
    call("POST", "/", {"@type": "Folder", "id": "library", "title": "Library"}, auth)
    for i in range(100):
        call("POST", "/library", {"@type": "Page", "title": f"Item {i}", "text": "<p>x</p>"}, auth)


def login_cookie(base: str, login: str = "bench", password: str = PASSWORD) -> str:
    """Log in through the form, as a browser does, and return the session cookie."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _unverified())
    html = opener.open(base + "/@@login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {
            "csrf_token": token,
            "login": login,
            "password": password,
            "came_from": "",
            "submit": "submit",
        }
    ).encode()
    # as a browser sends it: over HTTPS the site's CSRF check also checks the origin
    opener.open(urllib.request.Request(base + "/@@login", data, headers={"Origin": base}))
    cookie = next(c for c in jar if c.name == "konbit_session")
    return f"{cookie.name}={cookie.value}"


def run_wrk(url: str, duration: int, connections: int, header: str | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script, url]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    fields = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
    figures = {k: int(v) for k, v in fields.items()}
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def report(name: str, f: dict) -> None:
    print(
        f"{name:38s} {f['rps']:8.0f} req/s   p50 {f['p50_us'] / 1000:6.1f} ms"
        f"   p95 {f['p95_us'] / 1000:6.1f} ms   p99 {f['p99_us'] / 1000:6.1f} ms"
        f"   errors {f['errors']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads, as in the INIs")
    parser.add_argument("--url", help="drive a deployed site, e.g. https://konbit.example.org")
    parser.add_argument("--login", default="coordinator", help="with --url: a Manager's login")
    parser.add_argument("--password-file", help="with --url: a file holding its password")
    parser.add_argument("--serve", nargs=2, metavar=("DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.threads)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    if args.url:
        base = args.url.rstrip("/")
        password = open(args.password_file).read().strip()
        seed_deployed(base, args.login, password)
        print(f"site_pages: the site at {base}, wrk 2 threads {args.connections} connections")
        measure(base, login_cookie(base, args.login, password), args)
        return
    directory = tempfile.mkdtemp(prefix="konbit-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, __file__, "--threads", str(args.threads), "--serve", directory, str(port)]
    )
    try:
        wait_for(base + "/welcome")
        cookie = login_cookie(base)
        print(
            f"site_pages: waitress {args.threads} threads, wrk 2 threads "
            f"{args.connections} connections, {args.duration} s per run, {os.cpu_count()} cores"
        )
        measure(base, cookie, args)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def measure(base: str, cookie: str, args) -> None:
    stolen = stolen_cpu()
    run_wrk(base + "/welcome", 3, args.connections)  # warm-up
    report("anonymous page view", run_wrk(base + "/welcome", args.duration, args.connections))
    run_wrk(base + "/library", 3, args.connections, f"Cookie: {cookie}")
    report(
        "authenticated folder listing (100)",
        run_wrk(base + "/library", args.duration, args.connections, f"Cookie: {cookie}"),
    )
    print("targets: >= 1,000 anonymous page views/s with p95 < 20 ms")
    print(f"CPU stolen by the hypervisor meanwhile: {stolen_cpu() - stolen:.1f} s")


def stolen_cpu() -> float:
    fields = open("/proc/stat").read().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


if __name__ == "__main__":
    main()
