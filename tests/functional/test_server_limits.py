"""The site's waitress under many, idle and slow connections: nobody else is locked out.

Socket timeouts below only keep a broken server from hanging the test; what is asserted is
who gets an answer and which connections the server closes, never how fast."""

from __future__ import annotations

import contextlib
import http.client
import socket
import time

import pytest

from .served import running

GUARD = 20  # seconds a socket operation may take before the test calls the server stuck


@pytest.fixture
def served(wsgi_app, site):
    def start(**kw):
        return running(wsgi_app, **kw)

    return start


def normal_get(port, path="/") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
    try:
        conn.request("GET", path)
        res = conn.getresponse()
        res.read()
        return res.status
    finally:
        conn.close()


def open_slow(port, count):
    """``count`` connections each halfway through sending a request's headers."""
    socks = []
    for n in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
        sock.sendall(f"GET /?slow={n} HTTP/1.1\r\nHost: localhost\r\n".encode())
        socks.append(sock)
    return socks


def closed_by_server(sock) -> bool:
    """Whether the server has closed ``sock`` (reads until it does, within GUARD)."""
    sock.settimeout(GUARD)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_normal_clients_are_answered_while_200_slow_connections_are_open(served):
    with served() as port:
        slow = open_slow(port, 200)
        try:
            for _ in range(5):
                assert normal_get(port) == 200
            assert normal_get(port, "/@@login") == 200
        finally:
            for sock in slow:
                sock.close()


def test_a_request_trickling_its_headers_is_closed(served):
    with served(request_timeout=1, cleanup_interval=1) as port:
        sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        sent = 0
        with contextlib.suppress(OSError):
            for sent in range(1, 60):  # one header line every 0.2 s: never idle
                time.sleep(0.2)
                sock.sendall(f"X-Line-{sent}: {'x' * 10}\r\n".encode())
        assert sent < 59 or closed_by_server(sock)
        sock.close()
        assert normal_get(port) == 200


def test_a_slow_upload_that_keeps_coming_is_not_cut(served):
    with served(request_timeout=1, request_min_rate=1024, cleanup_interval=1) as port:
        body = b"x" * 8192
        sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD)
        sock.sendall(
            b"POST /@login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        for start in range(0, len(body), 1024):  # 4 KiB/s, four times the minimum
            time.sleep(0.25)
            sock.sendall(body[start : start + 1024])
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        sock.close()
        assert answer.startswith(b"HTTP/1.1 400")  # the site read the whole (bad) body


def test_idle_connections_make_room_when_the_limit_is_reached(served):
    with served(connection_limit=20) as port:
        idle = []
        for _ in range(25):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)
            conn.request("GET", "/")
            conn.getresponse().read()  # kept open: HTTP/1.1 keep-alive
            idle.append(conn)
        assert normal_get(port) == 200
        for conn in idle:
            conn.close()
