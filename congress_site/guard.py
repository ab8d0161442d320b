"""The outermost WSGI layers: requests no part of the site should see.

* A URL whose path or query string is not UTF-8 once percent-decoded (``/%ff``,
  ``?came_from=%ff``) gets 400. Left through, every layer that reads the path or a parameter
  (the caches, traversal, the views) would raise ``UnicodeDecodeError``: a 500 and a
  traceback in the log for a request anyone can send.
* With the ``site.url`` setting, a request for another host gets 400: the Host header is the
  client's to choose, and links are built from it (``urls``).

They sit in front of everything, the congress shortcuts included, so no layer behind them
needs to check again.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from .i18n import _
from .plain import wsgi_refusal
from .urls import allowed_hosts, request_host


def undecodable(environ) -> bool:
    """Whether the request's path or query string is not UTF-8."""
    try:
        for key in ("SCRIPT_NAME", "PATH_INFO"):
            # WSGI hands the percent-decoded path over as latin-1 text.
            environ.get(key, "").encode("latin-1").decode("utf-8")
        query = environ.get("QUERY_STRING", "")
        if query:
            unquote_to_bytes(query.replace("+", " ")).decode("utf-8")
    except UnicodeError:
        return True
    return False


def url_guard(app, registry):
    def guard(environ, start_response):
        if undecodable(environ):
            return wsgi_refusal(
                registry,
                environ,
                start_response,
                "400 Bad Request",
                "bad_url",
                _("Bad request"),
                _("This address is not valid: it contains bytes that are not UTF-8 text."),
            )
        return app(environ, start_response)

    return guard


def host_guard(app, registry):
    hosts = allowed_hosts(registry.settings)
    if not hosts:
        return app

    def guard(environ, start_response):
        if request_host(environ) not in hosts:
            return wsgi_refusal(
                registry,
                environ,
                start_response,
                "400 Bad Request",
                "unknown_host",
                _("Bad request"),
                _("This site does not answer for this host name."),
            )
        return app(environ, start_response)

    return guard


def wrap(app, registry):
    """``app`` behind both guards (the URL's first: even a refusal reads the path)."""
    return url_guard(host_guard(app, registry), registry)
