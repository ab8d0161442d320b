"""Answers to a normal client while 200 slow connections are open.

Starts the site on waitress (127.0.0.1, its own process, 8 threads as in the INI files)
over a FileStorage in a temporary directory. Then, for ``--duration`` seconds, an attacker
keeps ``--slow`` connections open, each trickling one header line a second (and opening a
new one whenever the server closes one), plus ``--idle`` connections that send nothing;
meanwhile a normal client asks for the front page ten times a second, each time on a new
connection, as a visitor's browser would. Prints the normal client's answers (how many,
errors and time-outs after 5 s, latency percentiles) and how many slow connections the
server closed. ``--waitress-defaults`` runs plain waitress with its own defaults instead,
for comparison. Prints figures; never decides pass or fail.

    .venv/bin/python bench/connection_flood.py [--slow 200] [--idle 0] [--duration 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from _local import free_port, wait_for

CLIENT_TIMEOUT = 5.0


def serve(directory: str, port: int, plain_waitress: bool) -> None:
    """Child process: the site on waitress."""
    from pathlib import Path

    from pyramid.paster import setup_logging

    from congress_site import main

    setup_logging(str(Path(__file__).resolve().parent.parent / "production.ini"))
    app = main(
        {},
        **{
            "zodbconn.uri": f"file://{directory}/Data.fs?connection_pool_size=12",
            "session.secret": "bench-" + "s" * 40,
            "session.secure": "false",
        },
    )
    if plain_waitress:
        from waitress import serve as waitress_serve
    else:
        from congress_site.server import serve as waitress_serve
    waitress_serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)


class Attacker:
    """Keeps ``slow`` trickling and ``idle`` silent connections open until stopped."""

    def __init__(self, port: int, slow: int, idle: int):
        self.port, self.slow, self.idle = port, slow, idle
        self.stop = threading.Event()
        self.closed_by_server = 0
        self.opened = 0

    def connect(self):
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return None
        self.opened += 1
        return sock

    def run(self) -> None:
        idle = [s for s in (self.connect() for _ in range(self.idle)) if s]
        slow: list[list] = []  # [socket, lines sent]
        while not self.stop.is_set():
            while len(slow) < self.slow and not self.stop.is_set():
                sock = self.connect()
                if sock is None:
                    break
                sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                slow.append([sock, 0])
            started = time.monotonic()
            for entry in list(slow):
                sock, lines = entry
                try:
                    sock.sendall(f"X-Trickle-{lines}: {'x' * 20}\r\n".encode())
                    entry[1] += 1
                except OSError:
                    self.closed_by_server += 1
                    sock.close()
                    slow.remove(entry)
            self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))
        for sock, _ in slow:
            sock.close()
        for sock in idle:
            sock.close()


def normal_client(port: int, duration: float) -> tuple[list[float], int]:
    latencies, errors = [], 0
    end = time.monotonic() + duration
    while time.monotonic() < end:
        start = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            conn.request("GET", "/")
            res = conn.getresponse()
            res.read()
            conn.close()
            if res.status != 200:
                errors += 1
            else:
                latencies.append(time.monotonic() - start)
        except OSError:
            errors += 1
        time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--waitress-defaults", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.waitress_defaults)
        return
    directory = tempfile.mkdtemp(prefix="konbit-bench-")
    port = free_port()
    cmd = [sys.executable, __file__, "--serve", directory, str(port)]
    if args.waitress_defaults:
        cmd.append("--waitress-defaults")
    server = subprocess.Popen(cmd)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        server_name = "plain waitress defaults" if args.waitress_defaults else "the site's waitress"
        print(
            f"connection_flood: {server_name}, 8 threads; {args.slow} slow + {args.idle} idle "
            f"connections for {args.duration:.0f} s; {os.cpu_count()} cores"
        )
        before, before_errors = normal_client(port, 3)
        attacker = Attacker(port, args.slow, args.idle)
        thread = threading.Thread(target=attacker.run, daemon=True)
        thread.start()
        time.sleep(3)  # let the connections open and start trickling
        latencies, errors = normal_client(port, args.duration)
        attacker.stop.set()
        thread.join(timeout=10)
        for name, values, failed in (
            ("alone", before, before_errors),
            ("during the flood", latencies, errors),
        ):
            print(
                f"normal client {name:17s}: {len(values):4d} answered, {failed:3d} failed or "
                f"timed out ({CLIENT_TIMEOUT:.0f} s)   p50 {percentile(values, 50) * 1000:6.1f} ms"
                f"   p95 {percentile(values, 95) * 1000:6.1f} ms"
                f"   max {max(values, default=0) * 1000:6.1f} ms"
            )
        print(
            f"slow connections opened {attacker.opened - args.idle}, "
            f"closed by the server {attacker.closed_by_server}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
