"""Wrong join codes: limited per address and per venue, never the right code of a group.

A venue's join code is six characters from 32, about a billion codes; nothing but the rate
of guesses protects it. So wrong codes are counted, in process memory like failed logins:

* per address: after 30 wrong codes in 10 minutes, that address is refused (429 with
  ``Retry-After``) until the oldest leaves the window. A venue's groups often share one
  address (the room's Wi-Fi), so the limit leaves room for their typing mistakes;
* per venue: after 100 wrong codes in 10 minutes from all addresses (guessing from many
  addresses), every address that has already given this venue a wrong code is refused.
  A group that types the right code at its first try is never refused, attack or not.

A refused attempt is answered before the code is compared and, for ``@join``, before the
session's join lock is taken (``fastpath``), so guessers do not hold up the groups joining.
Each wrong code and each refusal is logged for fail2ban (``ratelimit.refused``).
"""

from __future__ import annotations

import json
import time

from ..api.errors import ApiError, json_error
from ..cache import plain_traversal
from ..security.login import client_address
from ..security.ratelimit import RateLimiter, refused

JOIN_SUFFIX = "/@join"


class JoinThrottle:
    def __init__(self, per_address=30, per_venue=100, window=600.0, clock=time.monotonic):
        self.addresses = RateLimiter(per_address, window, clock=clock)
        self.venues = RateLimiter(per_venue, window, clock=clock)
        self.tried_here = RateLimiter(1, window, clock=clock)  # (venue, address) pairs

    def retry_after(self, venue, address: str) -> float:
        """Seconds until ``address`` may try a code for ``venue`` (a hashable key)."""
        wait = self.addresses.retry_after(address)
        venue_wait = self.venues.retry_after(venue)
        if venue_wait:
            pair_wait = self.tried_here.retry_after((venue, address))
            if pair_wait:
                wait = max(wait, min(venue_wait, pair_wait))
        return wait

    def wrong_code(self, venue, address: str) -> None:
        self.addresses.fail(address)
        self.venues.fail(venue)
        self.tried_here.fail((venue, address))

    def clear(self) -> None:
        for part in (self.addresses, self.venues, self.tried_here):
            part.clear()


def throttle_of(registry) -> JoinThrottle:
    return registry.join_throttle


def check(request, session_path: str, venue) -> None:
    """Raise ``Throttled`` when this client may not try a code for ``venue`` now."""
    if not isinstance(venue, str):
        return  # no such venue: the join answers 404 or 422 without comparing codes
    address = client_address(request)
    wait = throttle_of(request.registry).retry_after((session_path, venue), address)
    if wait:
        refused("join", "throttled", address, session=session_path, venue=venue)
        raise Throttled(int(wait) + 1)


def wrong_code(request, session_path: str, venue: str) -> None:
    address = client_address(request)
    throttle_of(request.registry).wrong_code((session_path, venue), address)
    refused("join", "failed", address, session=session_path, venue=venue)


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many wrong join codes; try again in {retry_after} s")
        self.retry_after = retry_after

    def api_error(self) -> ApiError:
        return ApiError(
            429, "throttled", "too many wrong join codes from here", retry_after=self.retry_after
        )


def early_refusal(request):
    """For the tween in front of the session's join lock: the 429 answer of an ``@join``
    request this client may not make now, else None. Only where the URL path is the
    session's path (plain traversal); the view checks again in any case."""
    path = request.path_info
    if not path.endswith(JOIN_SUFFIX) or not plain_traversal(request.environ):
        return None
    try:
        venue = json.loads(request.body or b"{}").get("venue")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None  # the view answers 400
    session_path = "/" + "/".join(part for part in path[: -len(JOIN_SUFFIX)].split("/") if part)
    try:
        check(request, session_path, venue)
    except Throttled as throttled:
        error = throttled.api_error()
        return json_error(request, error.status, error.code, error.message, **error.extra)
    return None
