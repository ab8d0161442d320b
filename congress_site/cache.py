"""A small in-process cache of anonymous pages, valid until the next commit.

What an anonymous visitor sees depends only on the URL, the language, whether
JSON was asked for and the database state, so a page rendered at transaction T
can be served again while
the database's last transaction is still T: any commit, from this process or
another (ZEO, RelStorage), changes it and so empties the cache in effect. Hits
never open a ZODB connection or traverse. Views opt in with `mark_cacheable`;
anything time-dependent (a countdown, a schedule-driven phase) must not.
Answers carry the transaction as an ETag, so browsers and proxies revalidate
with a 304.

A request carrying a header that makes traversal start elsewhere (``X-Vhm-Root``,
Pyramid's virtual root) finds another resource under the same URL: it is neither
answered from the cache nor stored in it, or one such request would serve, say,
the About page to every visitor of ``/`` until the next commit. The congress
shortcuts follow the same rule (``plain_traversal``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from pyramid.response import Response

from .plain import json_wanted
from .security.policy import SESSION_COOKIE
from .site import database

CACHEABLE = "konbit.cacheable"
MAX_ENTRIES = 1000
MAX_BODY = 512 * 1024


def mark_cacheable(request) -> None:
    request.environ[CACHEABLE] = True


class PageCache:
    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key, tid):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != tid:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key, tid, value) -> None:
        with self._lock:
            self._entries[key] = (tid, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


# Request headers (WSGI keys) that change which resource a URL path leads to.
TRAVERSAL_HEADERS = ("HTTP_X_VHM_ROOT",)


def plain_traversal(environ) -> bool:
    """Whether the URL path alone says which resource the request finds."""
    return not any(key in environ for key in TRAVERSAL_HEADERS)


def is_anonymous(request) -> bool:
    """No credentials at all: what this request sees, any visitor may see."""
    return "Authorization" not in request.headers and SESSION_COOKIE not in request.cookies


def anonymous_cache_tween_factory(handler, registry):
    cache = PageCache()
    registry.page_cache = cache

    def last_tid():
        return database(registry).lastTransaction()

    def tween(request):
        if (
            request.method not in ("GET", "HEAD")
            or not is_anonymous(request)
            or not plain_traversal(request.environ)
        ):
            return handler(request)
        from .i18n import negotiate_locale

        key = (
            request.host_url,
            request.path_qs,
            negotiate_locale(request),
            # What the views decide on from Accept (the path already tells an endpoint).
            json_wanted(request.headers.get("Accept", ""), request.method, "", False),
        )
        tid = last_tid()
        etag = tid.hex()
        cached = cache.get(key, tid)
        if cached is not None:
            status, headers, body = cached
            if etag in request.if_none_match:
                response = Response(status=304)
            else:
                response = Response(status=status, headerlist=list(headers), body=body)
            response.etag = etag
            return response
        response = handler(request)
        if (
            request.environ.get(CACHEABLE)
            and response.status_int == 200
            and "Set-Cookie" not in response.headers
            and response.content_length is not None
            and response.content_length <= MAX_BODY
        ):
            headers = [(k, v) for k, v in response.headerlist if k.lower() != "content-length"]
            cache.put(key, tid, (response.status, tuple(headers), response.body))
            response.etag = etag
        return response

    return tween


def includeme(config):
    # Over pyramid_tm: a hit needs no transaction and no ZODB connection.
    config.add_tween(
        "congress_site.cache.anonymous_cache_tween_factory", over="pyramid_tm.tm_tween_factory"
    )
