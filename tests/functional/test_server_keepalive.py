"""The site's waitress keeps a connection open after a 304, so projectors polling with
If-None-Match reuse one connection instead of opening one per poll."""

from __future__ import annotations

import http.client

import pytest

from .served import running


@pytest.fixture
def served(wsgi_app, site):
    with running(wsgi_app, threads=2) as port:
        yield port


def get(conn, path, headers=None):
    conn.request("GET", path, headers=headers or {})
    res = conn.getresponse()
    return res, res.read()


def test_a_304_keeps_the_connection_for_the_next_request(served):
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    res, _ = get(conn, "/")
    assert res.status == 200
    etag = res.getheader("ETag")
    assert etag
    sock = conn.sock
    res, body = get(conn, "/", {"If-None-Match": etag})
    assert (res.status, body, res.getheader("Connection")) == (304, b"", None)
    assert conn.sock is sock  # http.client drops its socket when told to close
    res, body = get(conn, "/")
    assert res.status == 200 and body
    assert conn.sock is sock
    conn.close()


def test_a_client_that_asks_to_close_still_gets_closed(served):
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=5)
    res, _ = get(conn, "/")
    etag = res.getheader("ETag")
    res, _ = get(conn, "/", {"If-None-Match": etag, "Connection": "close"})
    assert res.status == 304
    assert res.getheader("Connection") == "close"
    assert conn.sock is None


def test_a_bodiless_answer_carrying_a_wrapped_file_still_closes():
    """waitress writes a wsgi.file_wrapper body even after a 304: only closing the
    connection keeps the next answer from being read out of that file."""
    import io

    def app(environ, start_response):
        start_response("304 Not Modified", [("ETag", '"x"')])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"HTTP/1.1 200 OK\r\n\r\n"))

    with running(app, threads=1) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        res, _ = get(conn, "/")
        assert res.status == 304 and res.getheader("Connection") == "close"
        conn.close()
