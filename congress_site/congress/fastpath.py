"""The cheap path for projector polls: answer a matching ``If-None-Match`` without ZODB.

Displays poll ``GET <session>/@proposals`` every second with the ETag they hold. When the
full view answers, it records, per URL path, the storage's last transaction id *read before
the request opened its connection*, the ETag it computed and when the phase clock next
moves. A later poll whose ``If-None-Match`` carries that ETag gets its 304 straight from
this tween, without traversal, security lookups or a ZODB connection, as long as

* the database's ``lastTransaction()`` is still the recorded one: nothing at all was
  committed since (correct across processes and with ZEO, whose clients learn every
  commit; the connection's snapshot was at least that recent, and nothing newer exists);
* the phase clock has not reached its next boundary (a schedule moves the phase, and so
  the ETag, without any write).

Anything else falls through to the normal view, which refreshes the entry. The tween sits
above ``pyramid_tm``, so the fast answer does not even begin a transaction.

The same tween also runs the scribe actions of one session one at a time *within this
process*, from before the transaction begins to after it commits. Scribe actions crowd on
the few leading proposals and on the board (every add and every retirement writes it); run
side by side, most would conflict and be retried, and a crowd of retries can exhaust
``pyramid_retry``'s attempts, which would show a scribe an error. Serialised, they never
conflict with each other; the storage commits one transaction at a time anyway, and the
GIL runs one thread at a time. Conflicts between processes (several waitress processes
over ZEO or RelStorage) remain, are few, and are resolved or retried as before.
"""

from __future__ import annotations

import math
import threading
import time

from pyramid.response import Response

SUFFIX = "/@proposals"
TID_KEY = "konbit.congress.tid"
MAX_ENTRIES = 2000
# Views whose writes touch a session's board or groups: the session path precedes them.
WRITE_MARKERS = ("/@proposals", "/@join", "/@@scribe", "/@groups")


class SessionLocks:
    """One lock per session path, created on first use."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def for_path(self, path: str) -> threading.Lock | None:
        for marker in WRITE_MARKERS:
            index = path.find(marker)
            if index > 0:
                key = path[:index]
                break
        else:
            return None
        lock = self._locks.get(key)
        if lock is None:
            with self._guard:
                if len(self._locks) >= MAX_ENTRIES:
                    self._locks.clear()
                lock = self._locks.setdefault(key, threading.Lock())
        return lock


class EtagCache:
    def __init__(self):
        self._entries: dict[str, tuple[bytes, str, float]] = {}
        self._lock = threading.Lock()

    def get(self, path: str):
        return self._entries.get(path)

    def put(self, path: str, tid: bytes, etag: str, valid_until: float) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES and path not in self._entries:
                self._entries.clear()
            self._entries[path] = (tid, etag, valid_until)


def _database(registry):
    databases = getattr(registry, "_zodb_databases", None)
    return databases.get("") if databases else None


def etag_tween_factory(handler, registry):
    cache = EtagCache()
    registry.congress_etag_cache = cache
    locks = SessionLocks()

    def tween(request):
        if request.method not in ("GET", "HEAD"):
            lock = locks.for_path(request.path)
            if lock is None:
                return handler(request)
            with lock:
                return handler(request)
        if request.method != "GET" or not request.path.endswith(SUFFIX):
            return handler(request)
        db = _database(registry)
        if db is None:
            return handler(request)
        tid = db.lastTransaction()
        header = request.headers.get("If-None-Match")
        entry = cache.get(request.path) if header else None
        if entry is not None and entry[0] == tid and time.time() < entry[2]:
            etag = entry[1]
            if etag in {t.strip().removeprefix("W/") for t in header.split(",")}:
                response = Response(status=304)
                response.headers["ETag"] = etag
                response.headers["Cache-Control"] = "public, no-cache"
                return response
        request.environ[TID_KEY] = tid
        return handler(request)

    return tween


def poll_shortcut(app, registry):
    """WSGI middleware in front of Pyramid: the same 304 as the tween, for the
    commonest request of all (a display's unchanged poll), without building a
    request, routing or running any tween."""

    def shortcut(environ, start_response):
        header = environ.get("HTTP_IF_NONE_MATCH")
        path = environ.get("PATH_INFO", "")
        if header and environ.get("REQUEST_METHOD") == "GET" and path.endswith(SUFFIX):
            cache = getattr(registry, "congress_etag_cache", None)
            db = _database(registry)
            entry = cache.get(path) if cache is not None and db is not None else None
            if entry is not None and entry[0] == db.lastTransaction() and time.time() < entry[2]:
                etag = entry[1]
                if etag in {t.strip().removeprefix("W/") for t in header.split(",")}:
                    start_response(
                        "304 Not Modified",
                        [("ETag", etag), ("Cache-Control", "public, no-cache")],
                    )
                    return [b""]
        return app(environ, start_response)

    return shortcut


def remember(request, etag: str, phase_ends) -> None:
    """Called by the full view: this path's state at the recorded tid has ``etag``."""
    tid = request.environ.get(TID_KEY)
    cache = getattr(request.registry, "congress_etag_cache", None)
    if tid is None or cache is None:
        return
    valid_until = phase_ends.timestamp() if phase_ends is not None else math.inf
    cache.put(request.path, tid, etag, valid_until)


def includeme(config):
    config.registry.setdefault("konbit.wsgi_middleware", []).append(poll_shortcut)
    # Outermost of the site's tweens when the page cache is there: a poll's 304 then costs
    # neither the page cache's key (language negotiation) nor a transaction.
    config.add_tween(
        "congress_site.congress.fastpath.etag_tween_factory",
        over=("congress_site.cache.anonymous_cache_tween_factory", "pyramid_tm.tm_tween_factory"),
    )
