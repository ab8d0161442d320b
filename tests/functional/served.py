"""The site's own waitress (congress_site.server) on a loopback port, in a thread."""

from __future__ import annotations

import contextlib
import threading

from congress_site.server import create_server


@contextlib.contextmanager
def running(app, threads=4, **kw):
    """Serve APP on 127.0.0.1 and an unused port; yields the port, closes on exit."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, **kw)

    def run():
        with contextlib.suppress(OSError):  # closed by the test while the loop waited
            server.run()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        thread.join(timeout=5)
