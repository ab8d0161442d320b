"""Plugs the congress layer into the site (included by ``congress_site.main``), and wraps
the site's WSGI application in the congress shortcuts (``wrap_wsgi``)."""

from __future__ import annotations

import random
import time

from pyramid_retry import IBeforeRetry

from .paths import is_contended_write


def spread_retries(event):
    """Scribe actions contend on the few leading proposals: a retry that comes back at once
    meets the same crowd. On top of the site's short jitter, wait a little longer, growing
    with each attempt, so the retries of a crowd spread out instead of colliding again."""
    environ = event.environ
    if is_contended_write(environ):
        attempt = environ.get("retry.attempt", 0)
        time.sleep(random.uniform(0, 0.01 * (2**attempt)))


def wrap_wsgi(app, registry):
    """The WSGI application with the congress shortcuts in front of Pyramid, outermost
    first: a display's poll (the commonest request of all, ``fastpath.poll_shortcut``),
    then a scribe's bearer-token action (``scribe_shortcut``); anything they do not take
    reaches Pyramid unchanged."""
    from .fastpath import poll_shortcut
    from .scribe_shortcut import scribe_shortcut

    return poll_shortcut(scribe_shortcut(app, registry), registry)


def includeme(config):
    from . import content  # noqa: F401  (declares Congress, Session, Venue)
    from .join_throttle import JoinThrottle

    config.registry.join_throttle = JoinThrottle()
    config.include(".actions")
    config.include(".fastpath")
    config.add_subscriber(spread_retries, IBeforeRetry)
    config.scan(".api")
    config.scan(".views")
