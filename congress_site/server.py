"""waitress as the site runs it: connections kept after bodiless answers, and sized and
guarded for a crowd.

Keep-alive. waitress 3.0 closes an HTTP/1.1 connection after every response without a
Content-Length, including 304 Not Modified and 204 No Content, although those end with their
headers by definition (RFC 9112, section 6.3) and must not carry a length. A projector polls
its session every second with ``If-None-Match`` and almost always gets a 304, so each poll
would pay for a new TCP connection (and, behind a proxy with TLS, a new handshake): on the
2-core machines measured, that alone halved the polls served per second. The task class
here keeps such connections open unless the client asked to close or waitress has another
reason to.

Crowds and slow clients. waitress accepts 100 connections by default and stops accepting
when they are open, whatever they do: 105 idle sockets, or 200 that trickle one header line
a second (each line counts as activity, so the idle timeout never fires), kept every other
client out. A congress has hundreds of phones and projectors at once. So:

* the connection limit is 2000 (``connection_limit``), with ``poll()`` instead of
  ``select()`` (which cannot watch descriptors above 1023) and the process's open-file limit
  raised to match;
* a request must arrive in time: within ``request_timeout`` seconds (10), plus one second
  for every ``request_min_rate`` bytes (1024) it has sent, so a slow upload that keeps
  coming is fine and a trickle is not. A connection that misses it is closed; the check runs
  every ``cleanup_interval`` seconds (2);
* when the limit is reached all the same, idle connections (between requests) are closed,
  oldest first, so that new clients get in instead of waiting for the idle timeout
  (``channel_timeout``, 60 s).

The nginx in front on the server adds its own limits; these hold without it.

``serve`` / ``serve_paste`` are waitress's own with these defaults (each can be set in the
``[server:main]`` section); ``[server:main] use = egg:congress_site#main`` in the ini files
selects them.
"""

from __future__ import annotations

import logging
import resource
import time

from waitress.buffers import ReadOnlyFileBasedBuffer
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_create_server
from waitress.task import WSGITask


class KeepAliveTask(WSGITask):
    _bodiless_keep_alive = False
    _file_body = False

    def get_environment(self):
        environ = super().get_environment()
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is ReadOnlyFileBasedBuffer:

            def marking_wrapper(*args, **kw):
                # waitress sends a wrapped file as is, even for a bodiless status: only
                # closing the connection keeps the stream in step then.
                self._file_body = True
                return wrapper(*args, **kw)

            environ["wsgi.file_wrapper"] = marking_wrapper
        return environ

    def build_response_header(self):
        keep = (
            not self.has_body
            and not self._file_body
            and self.version == "1.1"
            and not self.close_on_finish
            and self.request.headers.get("CONNECTION", "").lower() != "close"
        )
        self._bodiless_keep_alive = keep
        try:
            return super().build_response_header()
        finally:
            self._bodiless_keep_alive = False

    def set_close_on_finish(self) -> None:
        # While the header of a 1xx/204/304 answer is built, the only reason waitress
        # closes is the missing Content-Length, which such an answer never has.
        if not self._bodiless_keep_alive:
            super().set_close_on_finish()


WAITRESS_DEFAULTS = {
    "connection_limit": 2000,
    "asyncore_use_poll": True,
    "backlog": 2048,
    "channel_timeout": 60,
    "cleanup_interval": 2,
}
ARRIVAL_DEFAULTS = {"request_timeout": 10.0, "request_min_rate": 1024.0}
log = logging.getLogger(__name__)


class ArrivalRule:
    """How long a request may take to arrive: ``timeout`` seconds plus one second for every
    ``min_rate`` bytes received."""

    def __init__(self, timeout: float, min_rate: float):
        self.timeout = timeout
        self.min_rate = min_rate

    def overdue(self, started: float, received: int, now: float) -> bool:
        return now - started > self.timeout + received / self.min_rate


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask
    arrival_started: float | None = None  # when the request being received began to arrive
    arrival_bytes = 0

    def received(self, data):
        if data and self.request is None:
            self.arrival_started, self.arrival_bytes = time.monotonic(), 0
        self.arrival_bytes += len(data)
        try:
            return super().received(data)
        finally:
            if self.request is None:
                self.arrival_started = None  # nothing half-received

    @property
    def idle(self) -> bool:
        """Between requests: nothing being received, served or sent."""
        return (
            self.arrival_started is None
            and not self.requests
            and not self.total_outbufs_len
            and not self.will_close
        )


def _guard(listener, rule: ArrivalRule) -> None:
    """Give a listening server the arrival deadline and the eviction of idle connections
    (waitress calls ``maintenance`` every ``cleanup_interval`` seconds and ``readable``
    on every turn of its loop)."""
    waitress_maintenance = listener.maintenance
    waitress_readable = listener.readable

    def channels():
        return [c for c in listener._map.values() if isinstance(c, KeepAliveChannel)]

    def maintenance(now):
        waitress_maintenance(now)
        clock = time.monotonic()
        for channel in channels():
            started = channel.arrival_started
            if started is not None and not channel.will_close:
                if rule.overdue(started, channel.arrival_bytes, clock):
                    log.debug("closing a connection from %s: request too slow", channel.addr)
                    channel.will_close = True

    last_eviction = [0.0]

    def readable():
        # At most once a second: with every connection busy, there is nothing to evict.
        full = listener.accepting and len(listener._map) >= listener.adj.connection_limit
        if full and time.monotonic() - last_eviction[0] >= 1:
            last_eviction[0] = time.monotonic()
            idle = sorted((c for c in channels() if c.idle), key=lambda c: c.last_activity)
            for channel in idle[: max(1, listener.adj.connection_limit // 10)]:
                channel.will_close = True
        return waitress_readable()

    listener.maintenance = maintenance
    listener.readable = readable


def _raise_open_files_limit(wanted: int) -> None:
    """Let the process hold ``wanted`` descriptors, as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if hard != resource.RLIM_INFINITY and hard < wanted:
        log.warning("open-file limit %s is below the connections allowed (%s)", hard, wanted)


def create_server(application, **kw):
    """``waitress.create_server`` with the site's defaults (``WAITRESS_DEFAULTS``), whose
    listening sockets use ``KeepAliveChannel`` and close requests that arrive too slowly
    (``request_timeout``, ``request_min_rate``)."""
    rule = ArrivalRule(
        *(float(kw.pop(name, default)) for name, default in ARRIVAL_DEFAULTS.items())
    )
    for name, value in WAITRESS_DEFAULTS.items():
        kw.setdefault(name, value)
    server = waitress_create_server(application, **kw)
    _raise_open_files_limit(server.adj.connection_limit + 64)
    listeners = [server] if isinstance(server, BaseWSGIServer) else server.map.values()
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = KeepAliveChannel
            _guard(listener, rule)
    return server


def serve(app, **kw) -> None:
    quiet = kw.pop("_quiet", False)
    if not quiet:
        logging.basicConfig()  # idempotent once logging is configured
    server = create_server(app, **kw)
    if not quiet:
        server.print_listen("Serving on http://{}:{}")
    server.run()


def serve_paste(app, global_conf, **kw) -> int:
    serve(app, **kw)
    return 0
