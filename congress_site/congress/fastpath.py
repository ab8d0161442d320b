"""The cheap path for projector polls: answer them without ZODB while nothing changed.

Displays poll ``GET <session>/@proposals`` every second with the ETag they hold. When the
full view answers, it records, per URL path, the storage's last transaction id *read before
the request opened its connection*, the ETag it computed and when the phase clock next
moves; when it answered an anonymous request (no token, no session), the rendered body too.
A WSGI shortcut in front of Pyramid then answers later polls of that path without
traversal, security lookups or a ZODB connection, as long as

* the database's ``lastTransaction()`` is still the recorded one: nothing at all was
  committed since (correct across processes and with ZEO, whose clients learn every
  commit; the connection's snapshot was at least that recent, and nothing newer exists);
* the phase clock has not reached its next boundary (a schedule moves the phase, and so
  the ETag, without any write).

A poll naming the recorded ETag gets a 304; any other poll gets the recorded body, if
there is one. Sharing the body is what keeps a busy session cheap to watch: while scribes
act, every display's ETag is out of date at each poll, and a hundred projectors and remote
watchers would otherwise each have the list rendered for them. Only a body rendered for an
anonymous request is shared, so nothing a visitor could not see is ever handed out; the
body is the same for every viewer (no labels, no per-user data).

Anything else falls through to the normal view, which refreshes the entry; the tween
records the transaction id it was read at.

While scribes act, the entry is refreshed after each group commit by ``StatePublisher``,
so the list is rendered once per commit, not once per display.

The same tween also runs a session's joins and group changes one at a time *within this
process*, from before the transaction begins to after it commits: 200 groups joining at
once all write the session's groups, and run side by side most would conflict and be
retried. Scribe actions on proposals do not need it: ``actions`` applies them in order and
commits them in groups. Conflicts between processes (several waitress processes over ZEO or
RelStorage) remain, are few, and are resolved or retried as before.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import NamedTuple

from pyramid.traversal import resource_path

from ..cache import is_anonymous
from ..content.base import in_site, utcnow
from ..security.policy import anonymous_permits
from ..security.roles import VIEW
from ..site import database
from . import join_throttle
from .paths import SUFFIX, cache_key, write_lock_key

TID_KEY = "konbit.congress.tid"
# Caches may keep the state but must revalidate: a 304 is almost free.
CACHE_CONTROL = "public, no-cache"
JSON = "application/json"
MAX_ENTRIES = 2000


class SessionLocks:
    """One lock per session path, created on first use."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def for_path(self, path: str) -> threading.Lock | None:
        key = write_lock_key(path)
        if key is None:
            return None
        lock = self._locks.get(key)
        if lock is None:
            with self._guard:
                if len(self._locks) >= MAX_ENTRIES:
                    self._locks.clear()
                lock = self._locks.setdefault(key, threading.Lock())
        return lock


class Entry(NamedTuple):
    tid: bytes
    etag: str
    valid_until: float
    body: bytes | None = None
    content_type: str | None = None


class EtagCache:
    def __init__(self):
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> Entry | None:
        return self._entries.get(path)

    def put(self, path: str, entry: Entry) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES and path not in self._entries:
                self._entries.clear()
            self._entries[path] = entry

    def put_if_newer(self, path: str, entry: Entry) -> None:
        """Keep ``entry`` unless the entry there was read at a later transaction."""
        with self._lock:
            current = self._entries.get(path)
            if current is None or current.tid <= entry.tid:
                self._entries[path] = entry

    def add_body(self, path: str, entry: Entry, body: bytes, content_type: str) -> None:
        """Keep the body rendered for ``entry``, unless another request replaced the entry
        meanwhile (a newer state, or the same transaction after a phase boundary)."""
        with self._lock:
            if self._entries.get(path) is entry:
                self._entries[path] = entry._replace(body=body, content_type=content_type)


def etags_in(header: str | None) -> set[str]:
    """The entity tags an ``If-None-Match`` header names, weak or strong alike."""
    return {tag.strip().removeprefix("W/") for tag in (header or "").split(",") if tag.strip()}


def current_entry(registry, path: str) -> Entry | None:
    """What the full view recorded for ``path``, if the state is still the same."""
    cache = getattr(registry, "congress_etag_cache", None)
    db = database(registry)
    if cache is None or db is None:
        return None
    entry = cache.get(path)
    if entry is None or entry.tid != db.lastTransaction() or time.time() >= entry.valid_until:
        return None
    return entry


def etag_tween_factory(handler, registry):
    locks = registry.congress_session_locks = SessionLocks()

    def tween(request):
        if request.method not in ("GET", "HEAD"):
            lock = locks.for_path(request.path)
            if lock is None:
                return handler(request)
            refusal = join_throttle.early_refusal(request)  # guessers wait for no lock
            if refusal is not None:
                return refusal
            with lock:
                return handler(request)
        if request.method == "GET" and request.path.endswith(SUFFIX):
            db = database(registry)
            if db is not None:
                # Read before the view opens its connection: see ``remember``.
                request.environ[TID_KEY] = db.lastTransaction()
        return handler(request)

    return tween


def poll_shortcut(app, registry):
    """WSGI middleware in front of Pyramid: a display's unchanged poll, the commonest
    request of all, gets its 304 without building a request, routing or any tween."""

    def shortcut(environ, start_response):
        path = cache_key(environ)
        if path and path.endswith(SUFFIX) and environ.get("REQUEST_METHOD") == "GET":
            entry = current_entry(registry, path)
            if entry is not None:
                headers = [("ETag", entry.etag), ("Cache-Control", CACHE_CONTROL)]
                if entry.etag in etags_in(environ.get("HTTP_IF_NONE_MATCH")):
                    start_response("304 Not Modified", headers)
                    return [b""]
                if entry.body is not None:
                    headers += [
                        ("Content-Type", entry.content_type),
                        ("Content-Length", str(len(entry.body))),
                    ]
                    start_response("200 OK", headers)
                    return [entry.body]
        return app(environ, start_response)

    return shortcut


class StatePublisher:
    """Renders a watched session's state once per group commit, for every display.

    While scribes act, almost every poll comes after a new commit, so the shared body of the
    poll shortcut would be rendered again for nearly every poll, each time through the whole
    framework. Instead, after each group commit the leader of the session's actions
    (``actions``) renders the new state in a new read transaction, as the view would, and
    puts it here: the displays' polls then all get it from the shortcut.

    It is kept only for a session someone already polls (its path has an entry) and only
    when a visitor without credentials may view the session, read in that same transaction,
    so nothing a visitor could not see is handed out. Like the view's, the entry is valid
    only while ``lastTransaction()`` is still the one read before that transaction began.
    """

    def __init__(self, cache: EtagCache):
        self.cache = cache

    def watching(self, session_paths) -> list[tuple[str, str]]:
        """``(cache key, resource path)`` of the session's URL paths someone polls."""
        keys = [(url + SUFFIX, resource) for url, resource in session_paths]
        return [(key, resource) for key, resource in keys if self.cache.get(key) is not None]

    def publish(self, session, tid: bytes, keys: list[tuple[str, str]]) -> None:
        # Only where the session still is: after a move or a deletion its old URL is
        # another resource's, or nothing (the view answers there).
        here = resource_path(session)
        keys = [key for key, resource in keys if resource == here]
        if not keys or not in_site(session) or not anonymous_permits(session, VIEW):
            return
        now = utcnow()
        etag, ends = session.proposals_etag(now)
        body = json.dumps(session.proposals_state(now)).encode()
        entry = Entry(tid, etag, _valid_until(ends), body, JSON)
        for key in keys:
            self.cache.put_if_newer(key, entry)


def _valid_until(phase_ends) -> float:
    return phase_ends.timestamp() if phase_ends is not None else math.inf


def remember(request, etag: str, phase_ends) -> None:
    """Called by the full view: this path's state at the recorded tid has ``etag``; the
    body it renders for an anonymous request is kept too (see the module's notes)."""
    tid = request.environ.get(TID_KEY)
    cache = getattr(request.registry, "congress_etag_cache", None)
    if tid is None or cache is None:
        return
    path = cache_key(request.environ)
    if path is None:
        return
    entry = Entry(tid, etag, _valid_until(phase_ends))
    cache.put(path, entry)
    if not is_anonymous(request):
        return

    def keep_body(request, response):
        if response.status_int == 200 and "Set-Cookie" not in response.headers:
            cache.add_body(path, entry, response.body, response.headers["Content-Type"])

    request.add_response_callback(keep_body)


def includeme(config):
    cache = config.registry.congress_etag_cache = EtagCache()
    config.registry.congress_commits.observers.append(StatePublisher(cache))
    # Above pyramid_tm: the transaction id must be read before the view's connection opens,
    # and the session's write lock must cover the commit.
    config.add_tween(
        "congress_site.congress.fastpath.etag_tween_factory",
        over=("congress_site.cache.anonymous_cache_tween_factory", "pyramid_tm.tm_tween_factory"),
    )
