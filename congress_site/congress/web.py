"""Plugs the congress layer into the site (included by ``congress_site.main``)."""

from __future__ import annotations

import random
import time

from pyramid_retry import IBeforeRetry

CONTENDED = ("/@proposals", "/@join")


def spread_retries(event):
    """Scribe actions contend on the few leading proposals: a retry that comes back at once
    meets the same crowd. On top of the site's short jitter, wait a little longer, growing
    with each attempt, so the retries of a crowd spread out instead of colliding again."""
    environ = event.environ
    if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
        return
    if any(part in environ.get("PATH_INFO", "") for part in CONTENDED):
        attempt = environ.get("retry.attempt", 0)
        time.sleep(random.uniform(0, 0.01 * (2**attempt)))


def includeme(config):
    from . import content  # noqa: F401  (declares Congress, Session, Venue)
    from .join_throttle import JoinThrottle

    config.registry.join_throttle = JoinThrottle()
    config.include(".actions")
    # WSGI shortcuts: the last included is outermost, and polls are the commonest request.
    config.include(".scribe_shortcut")
    config.include(".fastpath")
    config.add_subscriber(spread_retries, IBeforeRetry)
    config.scan(".api")
    config.scan(".views")
