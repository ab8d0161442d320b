"""Congress load: 200 groups in 40 venues acting at once while 100 projectors poll.

Starts the site on waitress (127.0.0.1, a free port, a FileStorage in a temporary
directory) in a child process (or ``--processes N`` of them over a ZEO server), joins the
groups through ``@join``, opens the collaboration phase, then for a fixed time drives the
scribes (endorse, withdraw, edit, add) from threads while display threads poll
``@proposals`` with their ETag once a second.
Afterwards it measures 304 polls/s with wrk (Debian's ``wrk``; a Python fallback without
it), stops the server and checks the storage: the committed actions replayed serially must
give exactly the final board, and every accepted add/edit must be in the history.

Prints figures; never asserts. Client and server share the machine's cores, so the client's
own CPU use is printed too, and so is the CPU time the hypervisor gave to other guests
meanwhile: on a virtual machine, runs with several seconds stolen are markedly slower.

    .venv/bin/python bench/congress_load.py [--duration 15] [--groups 200] [--venues 40]

With ``--url`` it drives a deployed site instead (e.g. through nginx, on the server itself):
it creates a new congress and session there as the coordinator whose password is read from
``--password-file``, and checks the storage read-only (``--data-fs``, a FileStorage file
alone or behind ZEO) when it is given; ``--server-pids`` names the processes whose CPU to
count (the waitress workers, ZEO, nginx).

    congress_load.py --url https://konbit.example.org --login coordinator \
        --password-file F --data-fs /var/lib/congress-site/Data.fs --server-pids 12,34
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from bisect import bisect_left
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from _local import free_port

SESSION = "/tc/s"


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status_code = status
        self.headers = headers
        self.content = body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content) if self.content else {}

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def raise_for_status(self):
        if self.status_code >= 400:
            raise HttpError(f"{self.status_code}: {self.text[:200]}")


class HttpError(Exception):
    pass


RequestException = (OSError, http.client.HTTPException, HttpError)


class Client:
    """A keep-alive HTTP/1.1 client on http.client: a fraction of the CPU of a
    full-featured one, which matters when client and server share 2 cores."""

    def __init__(self, timeout: float = 10):
        self.timeout = timeout
        self._conn = None
        self._netloc = None

    def request(self, method, url, json_body=None, headers=None, timeout=None):
        parts = urlsplit(url)
        if self._conn is None or self._netloc != parts.netloc:
            if parts.scheme == "https":
                # A bench on the server itself: its certificate may be self-signed.
                self._conn = http.client.HTTPSConnection(
                    parts.netloc,
                    timeout=timeout or self.timeout,
                    context=ssl._create_unverified_context(),
                )
            else:
                self._conn = http.client.HTTPConnection(
                    parts.netloc, timeout=timeout or self.timeout
                )
            self._netloc = parts.netloc
        body = None
        sent = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        path = parts.path + ("?" + parts.query if parts.query else "")
        try:
            self._conn.request(method, path, body=body, headers=sent)
            res = self._conn.getresponse()
            data = res.read()
        except (OSError, http.client.HTTPException):
            self._conn.close()
            self._conn = None
            raise
        return Answer(res.status, res.headers, data)

    def get(self, url, headers=None, timeout=None):
        return self.request("GET", url, headers=headers, timeout=timeout)

    def post(self, url, json=None, headers=None):
        return self.request("POST", url, json_body=json, headers=headers)

    def patch(self, url, json=None, headers=None):
        return self.request("PATCH", url, json_body=json, headers=headers)

    def delete(self, url, headers=None):
        return self.request("DELETE", url, headers=headers)


# Server (child process) -----------------------------------------------------------------------


def seed(directory: str) -> str:
    """Create the site, an admin and the session in ``directory``/Data.fs; its password."""
    import secrets

    import ZODB
    from ZODB.FileStorage import FileStorage

    import congress_site.congress.content  # noqa: F401  (declares Congress and Session)
    from congress_site.content import operations
    from congress_site.site import site_from_zodb_root

    password = secrets.token_urlsafe(16)
    db = ZODB.DB(FileStorage(f"{directory}/Data.fs"))
    try:
        with db.transaction() as conn:
            site = site_from_zodb_root(conn.root())
            site.users.add_user("admin", password, "Admin", "admin@example.org", ["Manager"])
            congress = operations.create(
                site, "Congress", {"title": "Bench congress"}, "admin", name="tc"
            )
            congress.review_state = "published"  # anonymous displays may watch its sessions
            operations.create(site["tc"], "Session", {"title": "Bench session"}, "admin", name="s")
    finally:
        db.close()
    return password


def serve(port: int, uri: str, threads: int, secret: str, report_dir: str, settings: str) -> None:
    """Child process: one waitress process of the site. Several of them share the port
    (SO_REUSEPORT: the kernel spreads connections) and the database (through ZEO)."""
    from pyramid.paster import setup_logging

    from congress_site import main
    from congress_site.server import create_server

    # Log as production does (what is written costs time under load).
    setup_logging(str(Path(__file__).resolve().parent.parent / "production.ini"))
    app = main(
        {},
        **{"zodbconn.uri": uri, "session.secret": secret, "session.secure": "false"},
        **json.loads(settings),
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)

    def report_and_exit(signum, frame):
        counters = app.registry.congress_commits.counters
        Path(report_dir, f"commits-{os.getpid()}.json").write_text(json.dumps(counters.as_dict()))
        os._exit(0)

    signal.signal(signal.SIGTERM, report_and_exit)
    create_server(app, sockets=[listener], threads=threads).run()


class Servers:
    """The site as the bench runs it: ``processes`` waitress processes on one port, over
    the FileStorage itself (one process) or a ZEO server in front of it (several)."""

    def __init__(self, directory: str, processes: int, threads: int, settings: dict):
        import secrets

        self.directory = directory
        self.port = free_port()
        self.password = seed(directory)
        self.children: list[subprocess.Popen] = []
        pool = f"connection_pool_size={threads + 4}"
        if processes > 1:
            zeo_port = free_port()
            self.children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "ZEO.runzeo",
                        "-a",
                        f"127.0.0.1:{zeo_port}",
                        "-f",
                        f"{directory}/Data.fs",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            uri = f"zeo://127.0.0.1:{zeo_port}?{pool}&cache_size=268435456"
            wait_for_port(zeo_port, self.children[0])
        else:
            uri = f"file://{directory}/Data.fs?{pool}"
        secret = secrets.token_hex(32)
        for _ in range(processes):
            self.children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--serve",
                        str(self.port),
                        uri,
                        str(threads),
                        secret,
                        directory,
                        json.dumps(settings),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    @property
    def pids(self) -> list[int]:
        return [child.pid for child in self.children]

    def failed(self) -> bool:
        return any(child.poll() is not None for child in self.children)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds_of(pid) for pid in self.pids)

    def stop(self) -> None:
        for child in reversed(self.children):  # the web processes first, then ZEO
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=20)

    def commit_counters(self) -> dict:
        """What the web processes' group commits did (they write it when stopped)."""
        total: dict = Counter()
        for path in Path(self.directory).glob("commits-*.json"):
            total.update(json.loads(path.read_text()))
        return total


class DeployedSite:
    """A site that runs already (``--url``): the bench makes its own congress session there."""

    def __init__(self, base: str, login: str, password: str, data_fs: str | None, pids: str):
        global SESSION
        self.login, self.password, self.data_fs = login, password, data_fs
        self.directory = None
        self.pids = [int(p) for p in pids.split(",") if p]
        token = Client().post(base + "/@login", json={"login": login, "password": password})
        token.raise_for_status()
        admin = {"Authorization": f"Bearer {token.json()['token']}", "Accept": "application/json"}
        name = f"bench-{int(time.time())}"
        Client().post(
            base + "/", json={"@type": "Congress", "id": name, "title": name}, headers=admin
        ).raise_for_status()
        Client().post(
            base + f"/{name}", json={"@type": "Session", "id": "s", "title": "Bench"}, headers=admin
        ).raise_for_status()
        SESSION = f"/{name}/s"

    def failed(self) -> bool:
        return False

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds_of(pid) for pid in self.pids)

    def stop(self) -> None:
        pass

    def commit_counters(self) -> dict:
        return {}


def wait_for_port(port: int, child, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def cpu_seconds_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stolen_cpu() -> float:
    """CPU seconds the hypervisor gave to other guests (all cores): a virtual machine's runs
    differ mostly by this, so it is printed with the figures."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# Figures ---------------------------------------------------------------------------------------


def pct(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ms(value):
    return f"{value * 1000:.1f} ms"


# Scribes ---------------------------------------------------------------------------------------


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.items: list[dict] = []
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.done_times: list[float] = []  # completion time of every accepted change
        self.accepted_versions: list[tuple[str, int, str]] = []  # (id, version, text)
        self.errors: list[str] = []


def scribe_worker(base, groups, shared: Shared, stop_at, seed):
    rng = random.Random(seed)
    http = Client()
    url = base + SESSION + "/@proposals"
    etag, step = None, 0
    while time.monotonic() < stop_at:
        group_id, headers = groups[step % len(groups)]
        step += 1
        if step % 8 == 1:  # a scribe's screen refreshes its view of the list now and then
            res = http.get(url, headers={"If-None-Match": etag} if etag else {})
            if res.status_code == 200:
                etag = res.headers.get("ETag")
                with shared.lock:
                    shared.items = res.json()["items"]
        items = shared.items
        kind = rng.choices(["endorse", "withdraw", "edit", "add"], [45, 20, 20, 15])[0]
        if not items:
            kind = "add"
        item = rng.choice(items) if items else None
        started = time.monotonic()
        try:
            if kind == "add":
                res = http.post(url, json={"text": f"idea {group_id} {step}"}, headers=headers)
            elif kind == "edit":
                body = {
                    "text": f"{item['text'][:60]} / {group_id}.{step}",
                    "base_version": item["version"],
                }
                res = http.patch(f"{url}/{item['id']}", json=body, headers=headers)
            elif kind == "endorse":
                res = http.post(f"{url}/{item['id']}/@endorse", json={}, headers=headers)
            else:
                res = http.delete(f"{url}/{item['id']}/@endorse", headers=headers)
        except RequestException as exc:
            with shared.lock:
                shared.errors.append(repr(exc))
            continue
        finished = time.monotonic()
        with shared.lock:
            shared.latencies.append(finished - started)
            code = res.json().get("error") if res.status_code >= 400 else None
            shared.statuses[(kind, res.status_code, code)] += 1
            if res.status_code >= 500:
                shared.errors.append(res.text[:200])
            if res.status_code in (200, 201):
                shared.done_times.append(finished)
                if kind in ("add", "edit"):
                    data = res.json()
                    shared.accepted_versions.append((data["id"], data["version"], data["text"]))


# Displays --------------------------------------------------------------------------------------


class Display:
    def __init__(self):
        self.etag = None
        self.polls: list[tuple[float, float]] = []  # (sent, answered)
        self.statuses: Counter = Counter()


def display_worker(base, displays: list[Display], stop_at, interval=1.0):
    http = Client()
    url = base + SESSION + "/@proposals"
    offset = random.random() * interval
    next_round = time.monotonic() + offset
    while time.monotonic() < stop_at:
        for display in displays:
            sent = time.monotonic()
            headers = {"If-None-Match": display.etag} if display.etag else {}
            try:
                res = http.get(url, headers=headers, timeout=5)
            except RequestException:
                display.statuses["error"] += 1
                continue
            display.statuses[res.status_code] += 1
            if res.status_code == 200:
                display.etag = res.headers.get("ETag")
            if res.status_code in (200, 304):
                display.polls.append((sent, time.monotonic()))
        next_round += interval
        time.sleep(max(0.0, next_round - time.monotonic()))


def propagation_delays(done_times, displays: list[Display], sample=2000):
    """For a sample of accepted changes: time until each display held a state that includes
    it, i.e. the answer to its first poll sent after the change was acknowledged."""
    rng = random.Random(1)
    chosen = rng.sample(done_times, min(sample, len(done_times)))
    delays = []
    for display in displays:
        sent = [p[0] for p in display.polls]
        for done in chosen:
            index = bisect_left(sent, done)
            if index < len(sent):
                delays.append(display.polls[index][1] - done)
    return delays


# 304 polls -------------------------------------------------------------------------------------


def wrk_304(url, etag, seconds):
    if shutil.which("wrk") is None:
        return None
    header = f"If-None-Match: {etag}"
    subprocess.run(
        ["wrk", "-t2", "-c16", "-d2s", "-H", header, url], capture_output=True, check=False
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", header, url],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rate = next(
        (line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")), "?"
    )
    p99 = next(
        (line.split()[1] for line in out.splitlines() if line.strip().startswith("99%")), "?"
    )
    return rate, p99


def python_304(url, etag, seconds, threads=8):
    count = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run():
        http, n = Client(), 0
        while time.monotonic() < stop_at:
            http.get(url, headers={"If-None-Match": etag})
            n += 1
        with lock:
            count[0] += n

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return count[0] / seconds


# Checking the storage --------------------------------------------------------------------------


def check_storage(data_fs, accepted_versions, groups=None):
    import ZODB
    from ZODB.FileStorage import FileStorage

    import congress_site.congress.content  # noqa: F401
    from congress_site.congress.engine import ProposalBoard
    from congress_site.site import ROOT_KEY

    db = ZODB.DB(FileStorage(data_fs, read_only=True))
    try:
        actions = [
            action
            for r in db.storage.iterator()
            for action in (r.extension or {}).get("congress", [])
            if groups is None or action["group"] in groups  # this session's, on a shared site
        ]
        replay = ProposalBoard(phase="collaboration")
        refused_in_replay = 0
        for action in actions:
            now = datetime.fromisoformat(action["now"])
            try:
                if action["kind"] == "add":
                    replay.add(action["group"], action["text"], now)
                elif action["kind"] == "edit":
                    replay.edit(
                        action["group"], action["id"], action["text"], action["base_version"], now
                    )
                else:
                    getattr(replay, action["kind"])(action["group"], action["id"], now)
            except Exception:  # noqa: BLE001 - counted: a committed action must replay
                refused_in_replay += 1
        conn = db.open()
        session = conn.root()[ROOT_KEY]
        for name in SESSION.strip("/").split("/"):
            session = session[name]
        board = session.proposals

        def state(b):
            return {
                p.id: (
                    p.retired,
                    p.endorsements,
                    [(v.number, v.text, v.group) for v in p.versions()],
                )
                for p in b.all_proposals()
            }

        final, replayed = state(board), state(replay)
        differing = sum(
            1 for pid in set(final) | set(replayed) if final.get(pid) != replayed.get(pid)
        )
        ranked_equal = [p.id for p in board.ranked()] == [p.id for p in replay.ranked()]
        history = {(p.id, v.number, v.text) for p in board.all_proposals() for v in p.versions()}
        missing = sum(1 for entry in accepted_versions if entry not in history)
        conn.close()
        return {
            "committed_actions": len(actions),
            "replay_refusals": refused_in_replay,
            "differing_proposals": differing,
            "ranked_equal": ranked_equal,
            "accepted_versions_missing": missing,
            "live": board.live_count,
        }
    finally:
        db.close()


# Main ------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of mixed load")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--venues", type=int, default=40)
    parser.add_argument("--displays", type=int, default=100)
    parser.add_argument("--scribe-threads", type=int, default=12)
    parser.add_argument("--display-threads", type=int, default=10)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="waitress processes sharing the port (SO_REUSEPORT); more than one share the "
        "database through a ZEO server (on 2 cores this was slower: ZEO's own CPU)",
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an application setting for the server, e.g. congress.commit_delay_ms=3",
    )
    parser.add_argument("--url", help="drive a deployed site, e.g. https://konbit.example.org")
    parser.add_argument("--login", default="coordinator", help="with --url: a Manager's login")
    parser.add_argument("--password-file", help="with --url: a file holding its password")
    parser.add_argument("--data-fs", help="with --url: the site's Data.fs, checked read-only")
    parser.add_argument("--server-pids", default="", help="with --url: PIDs whose CPU to count")
    parser.add_argument(
        "--serve",
        nargs=6,
        metavar=("PORT", "URI", "THREADS", "SECRET", "DIR", "SETTINGS"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.setting)
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], int(args.serve[2]), *args.serve[3:])
        return 0

    if args.url:
        password = Path(args.password_file).read_text().strip()
        site = DeployedSite(args.url, args.login, password, args.data_fs, args.server_pids)
        return run(args, args.url.rstrip("/"), site)
    directory = tempfile.mkdtemp(prefix="congress-bench-")
    servers = Servers(directory, args.processes, args.server_threads, settings)
    try:
        return run(args, f"http://127.0.0.1:{servers.port}", servers)
    finally:
        servers.stop()
        shutil.rmtree(directory, ignore_errors=True)


def run(args, base, servers: Servers) -> int:
    deadline = time.monotonic() + 60
    while True:
        try:
            if Client().get(base + "/", timeout=2).ok:
                break
        except RequestException:
            pass
        if time.monotonic() > deadline or servers.failed():
            print("the server did not start")
            return 1
        time.sleep(0.2)
    time.sleep(1)  # every process has bound the port by now
    password = servers.password
    token = (
        Client()
        .post(
            base + "/@login",
            json={"login": getattr(servers, "login", "admin"), "password": password},
        )
        .json()["token"]
    )
    admin = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    for n in range(args.venues):
        body = {
            "@type": "Venue",
            "id": f"v{n}",
            "title": f"Venue {n}",
            "join_code": f"CODE{n}",
            "language": ["en", "fr", "es", "pt"][n % 4],
        }
        Client().post(base + SESSION, json=body, headers=admin).raise_for_status()

    # Joining: every group of a venue at once.
    groups, lock = [], threading.Lock()

    def join_some(numbers):
        http = Client()
        for n in numbers:
            venue = n % args.venues
            res = http.post(
                base + SESSION + "/@join",
                json={"venue": f"v{venue}", "code": f"code{venue}", "name": f"Group {n}"},
            )
            res.raise_for_status()
            with lock:
                groups.append(
                    (res.json()["group"], {"Authorization": f"Bearer {res.json()['token']}"})
                )

    started = time.monotonic()
    joiners = [
        threading.Thread(target=join_some, args=(range(k, args.groups, 8),)) for k in range(8)
    ]
    for t in joiners:
        t.start()
    for t in joiners:
        t.join()
    join_time = time.monotonic() - started
    Client().patch(
        base + SESSION, json={"phase": "collaboration"}, headers=admin
    ).raise_for_status()

    # Mixed load.
    shared = Shared()
    displays = [Display() for _ in range(args.displays)]
    random.Random(7).shuffle(groups)
    cpu_client, cpu_server, stolen = client_cpu(), servers.cpu_seconds(), stolen_cpu()
    started = time.monotonic()
    stop_at = started + args.duration
    threads = [
        threading.Thread(
            target=scribe_worker, args=(base, groups[k :: args.scribe_threads], shared, stop_at, k)
        )
        for k in range(args.scribe_threads)
    ] + [
        threading.Thread(
            target=display_worker, args=(base, displays[k :: args.display_threads], stop_at)
        )
        for k in range(args.display_threads)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cpu_client = client_cpu() - cpu_client
    cpu_server = servers.cpu_seconds() - cpu_server
    stolen = stolen_cpu() - stolen

    actions = len(shared.latencies)
    polls = Counter()
    for display in displays:
        polls.update(display.statuses)
    delays = propagation_delays(shared.done_times, displays)

    # 304 polls at full speed, no writes.
    url = base + SESSION + "/@proposals"
    etag = Client().get(url).headers["ETag"]
    wrk = wrk_304(url, etag, args.wrk_seconds)
    py_rate = None if wrk else python_304(url, etag, args.wrk_seconds)

    servers.stop()
    commits = servers.commit_counters()
    if servers.directory is not None:
        storage = check_storage(f"{servers.directory}/Data.fs", shared.accepted_versions)
    elif servers.data_fs:
        storage = check_storage(servers.data_fs, shared.accepted_versions, {g for g, _ in groups})
    else:
        storage = None

    print(
        f"congress load: {args.groups} groups in {args.venues} venues, {args.displays} displays, "
        f"{args.duration:g} s, {args.scribe_threads} scribe threads, "
        + (
            f"the site at {args.url}, "
            if args.url
            else f"{args.processes} waitress process(es) × {args.server_threads} threads"
            f"{' over ZEO' if args.processes > 1 else ''}, "
        )
        + f"{os.cpu_count()} cores"
        + (f", settings {' '.join(args.setting)}" if args.setting else "")
    )
    print(f"joins: {args.groups} in {join_time:.2f} s ({args.groups / join_time:.0f}/s)")
    print(f"scribe actions: {actions} in {elapsed:.1f} s = {actions / elapsed:.0f} actions/s")
    print(
        f"  latency p50 {ms(pct(shared.latencies, 50))}  p95 {ms(pct(shared.latencies, 95))}  "
        f"p99 {ms(pct(shared.latencies, 99))}  max {ms(max(shared.latencies or [0]))}"
    )
    answers = Counter()
    for (kind, status, code), n in shared.statuses.items():
        answers[f"{kind} {status}{' ' + code if code else ''}"] += n
    print("  answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())))
    print(f"  5xx or transport errors: {len(shared.errors)}")
    if commits.get("commits"):
        print(
            f"  group commits: {commits['actions']} actions in {commits['commits']} "
            f"transactions ({commits['actions'] / commits['commits']:.1f} per commit), "
            f"{commits['conflicts']} groups applied again after a conflict"
        )
    print(
        f"display polls during the load: {sum(polls.values())} "
        f"({sum(polls.values()) / elapsed:.0f}/s; 200: {polls[200]}, 304: {polls[304]}, "
        f"errors: {polls['error']})"
    )
    if delays:
        print(
            f"propagation action -> display state: p50 {ms(pct(delays, 50))}  "
            f"p95 {ms(pct(delays, 95))}  "
            f"p99 {ms(pct(delays, 99))}  (displays poll every 1 s; {len(delays)} samples)"
        )
    if wrk:
        print(
            f"304 polls (wrk -t2 -c16, {args.wrk_seconds} s, If-None-Match): "
            f"{wrk[0]} req/s, p99 {wrk[1]}"
        )
    else:
        print(f"304 polls (python client, {args.wrk_seconds} s): {py_rate:.0f} req/s")
    print(
        f"CPU during the load: server {cpu_server:.1f} s, client {cpu_client:.1f} s "
        f"of {elapsed * (os.cpu_count() or 1):.1f} s available; "
        f"stolen by the hypervisor: {stolen:.1f} s"
    )
    if storage is None:
        print("storage: not checked (no --data-fs)")
        return 0
    lost = (
        storage["differing_proposals"]
        + storage["accepted_versions_missing"]
        + storage["replay_refusals"]
    )
    print(
        f"storage: {storage['committed_actions']} committed actions; serial replay differs in "
        f"{storage['differing_proposals']} proposals (ranking equal: {storage['ranked_equal']}); "
        f"accepted add/edit versions missing: {storage['accepted_versions_missing']}; "
        f"replay refusals: {storage['replay_refusals']}; live proposals: {storage['live']}"
    )
    print(f"lost updates: {lost}")
    if shared.errors:
        print("first errors: " + json.dumps(shared.errors[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
