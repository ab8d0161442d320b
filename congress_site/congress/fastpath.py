"""The cheap path for projector polls: answer a matching ``If-None-Match`` without ZODB.

Displays poll ``GET <session>/@proposals`` every second with the ETag they hold. When the
full view answers, it records, per URL path, the storage's last transaction id *read before
the request opened its connection*, the ETag it computed and when the phase clock next
moves. A later poll whose ``If-None-Match`` carries that ETag gets its 304 straight from
a WSGI shortcut in front of Pyramid, without traversal, security lookups or a ZODB
connection, as long as

* the database's ``lastTransaction()`` is still the recorded one: nothing at all was
  committed since (correct across processes and with ZEO, whose clients learn every
  commit; the connection's snapshot was at least that recent, and nothing newer exists);
* the phase clock has not reached its next boundary (a schedule moves the phase, and so
  the ETag, without any write).

Anything else falls through to the normal view, which refreshes the entry; the tween
records the transaction id it was read at.

The same tween also runs a session's joins and group changes one at a time *within this
process*, from before the transaction begins to after it commits: 200 groups joining at
once all write the session's groups, and run side by side most would conflict and be
retried. Scribe actions on proposals do not need it: ``actions`` applies them in order and
commits them in groups. Conflicts between processes (several waitress processes over ZEO or
RelStorage) remain, are few, and are resolved or retried as before.
"""

from __future__ import annotations

import math
import threading
import time

SUFFIX = "/@proposals"
TID_KEY = "konbit.congress.tid"
MAX_ENTRIES = 2000
# Views whose writes touch a session's board or groups: the session path precedes them.
WRITE_MARKERS = ("/@join", "/@groups")


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


def etags_in(header: str | None) -> set[str]:
    """The entity tags an ``If-None-Match`` header names, weak or strong alike."""
    return {tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()}


def unchanged_etag(registry, path: str, header: str | None) -> str | None:
    """The ETag to answer 304 with, when the poll names the state still current."""
    cache = getattr(registry, "congress_etag_cache", None)
    db = _database(registry)
    if not header or cache is None or db is None:
        return None
    entry = cache.get(path)
    if entry is None or entry[0] != db.lastTransaction() or time.time() >= entry[2]:
        return None
    return entry[1] if entry[1] in etags_in(header) else None


def etag_tween_factory(handler, registry):
    registry.congress_etag_cache = EtagCache()
    locks = SessionLocks()

    def tween(request):
        if request.method not in ("GET", "HEAD"):
            lock = locks.for_path(request.path)
            if lock is None:
                return handler(request)
            with lock:
                return handler(request)
        if request.method == "GET" and request.path.endswith(SUFFIX):
            db = _database(registry)
            if db is not None:
                # Read before the view opens its connection: see ``remember``.
                request.environ[TID_KEY] = db.lastTransaction()
        return handler(request)

    return tween


def poll_shortcut(app, registry):
    """WSGI middleware in front of Pyramid: a display's unchanged poll, the commonest
    request of all, gets its 304 without building a request, routing or any tween."""

    def shortcut(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") == "GET" and path.endswith(SUFFIX):
            etag = unchanged_etag(registry, path, environ.get("HTTP_IF_NONE_MATCH"))
            if etag is not None:
                start_response(
                    "304 Not Modified", [("ETag", etag), ("Cache-Control", "public, no-cache")]
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
    # Above pyramid_tm: the transaction id must be read before the view's connection opens,
    # and the session's write lock must cover the commit.
    config.add_tween(
        "congress_site.congress.fastpath.etag_tween_factory",
        over=("congress_site.cache.anonymous_cache_tween_factory", "pyramid_tm.tm_tween_factory"),
    )
