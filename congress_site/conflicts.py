"""Write conflicts: retried alone, and a 503 when they persist.

The storage structures are laid out so that concurrent writers rarely collide (random ids,
BTrees, ``BTrees.Length`` counters: see ``catalog`` and ``content.base``), and
``pyramid_retry`` runs a request that still met a conflict again. What is left are
collisions no layout avoids: two uploads bringing the same new word to the text index, a
BTree bucket that splits under another writer (and every write to a BTree marks its inner
node as read, so a split anywhere in it conflicts with all its other writers). Run side by
side again, the retried requests of a crowd would meet the same crowd.

So writers run side by side on their first attempt, and a retried one runs alone: it waits
until the writers in flight have finished, and writers that arrive meanwhile wait for it.
A retry then cannot lose to another writer of this process, so in one process every write
lands with at most one retry. (Writers in other processes, over ZEO or RelStorage, are not
held back: against those, the retries go on as before.) Reads are never held back.

A write that exhausts its attempts anyway answers 503 with ``Retry-After``: JSON
``{"error": "busy"}`` for API clients, a short page for browsers. The site's layout is not
used for that page: its transaction has just failed.
"""

from __future__ import annotations

import contextlib
import logging
import threading

from pyramid.response import Response
from transaction.interfaces import TransientError

from . import plain
from .i18n import _
from .views import wants_json

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRY_AFTER_SECONDS = 2


class WriterGate:
    """Many writers at once, or one alone; one that waits to be alone goes first."""

    def __init__(self):
        self._changed = threading.Condition()
        self._writers = 0
        self._alone = False
        self._waiting_alone = 0

    @contextlib.contextmanager
    def together(self):
        with self._changed:
            while self._alone or self._waiting_alone:
                self._changed.wait()
            self._writers += 1
        try:
            yield
        finally:
            with self._changed:
                self._writers -= 1
                if not self._writers:
                    self._changed.notify_all()

    @contextlib.contextmanager
    def alone(self):
        with self._changed:
            self._waiting_alone += 1
            try:
                while self._alone or self._writers:
                    self._changed.wait()
            finally:
                self._waiting_alone -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()


def writer_gate_tween_factory(handler, registry):
    gate = registry.writer_gate = WriterGate()

    def tween(request):
        if request.method in SAFE_METHODS:
            return handler(request)
        retried = request.environ.get("retry.attempt", 0) > 0
        with gate.alone() if retried else gate.together():
            return handler(request)

    return tween


def busy(exc, request):
    """The last attempt of a write met a conflict too."""
    log.warning("write conflict persisted after retries: %s %s", request.method, request.path)
    message = _("The site is busy. Please try again in a moment.")
    text = request.localizer.translate(message)
    if wants_json(request):
        body, content_type = plain.json_body("busy", text), "application/json"
    else:
        heading = request.localizer.translate(_("Busy"))
        body, content_type = plain.page(request.locale_name, heading, text), "text/html"
    response = Response(body=body, status=503, content_type=content_type, charset="utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.cache_control = "no-store"
    return response


def includeme(config):
    # Around the transaction (its commit included), inside the page cache's tween.
    config.add_tween(
        "congress_site.conflicts.writer_gate_tween_factory",
        over="pyramid_tm.tm_tween_factory",
        under="congress_site.cache.anonymous_cache_tween_factory",
    )
    # Only on the last attempt: before it, pyramid_retry runs the request again.
    config.add_exception_view(busy, context=TransientError, last_retry_attempt=True)
