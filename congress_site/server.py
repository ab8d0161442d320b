"""waitress, keeping the connection open after answers that have no body.

waitress 3.0 closes an HTTP/1.1 connection after every response without a Content-Length,
including 304 Not Modified and 204 No Content, although those end with their headers by
definition (RFC 9112, section 6.3) and must not carry a length. A projector polls its
session every second with ``If-None-Match`` and almost always gets a 304, so each poll
would pay for a new TCP connection (and, behind a proxy with TLS, a new handshake): on the
2-core machines measured, that alone halved the polls served per second.

``serve`` / ``serve_paste`` are waitress's own, with a task class that keeps such
connections open unless the client asked to close or waitress has another reason to.
``[server:main] use = egg:congress_site#main`` in the ini files selects it.
"""

from __future__ import annotations

import logging

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


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask


def create_server(application, **kw):
    """``waitress.create_server`` whose listening sockets use ``KeepAliveChannel``."""
    server = waitress_create_server(application, **kw)
    listeners = [server] if isinstance(server, BaseWSGIServer) else server.map.values()
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = KeepAliveChannel
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
