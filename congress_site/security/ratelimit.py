"""Rate limits on failed attempts (passwords, join codes), kept in process memory.

Kept in memory on purpose: counting failures in ZODB would turn every failed attempt into a
write hot spot; the limits then hold per process, which is what slows a guesser down.

Every refused attempt is also written to the log in one stable format, for fail2ban
(``refused``; the format is documented in docs/security-log.md).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Hashable

log = logging.getLogger("congress_site.refusals")


def refused(action: str, outcome: str, address: str, **details) -> None:
    """One line per refused attempt: ``<action> <outcome> from <address> key="value" ...``.

    ``address`` comes from the server (``client_address``), never from a header the client
    sets; details are quoted JSON strings, so a login or venue name cannot forge a line."""
    fields = " ".join(f"{key}={json.dumps(str(value)[:100])}" for key, value in details.items())
    log.warning("%s %s from %s %s", action, outcome, address or "-", fields)


class RateLimiter:
    """At most ``limit`` failures per key within ``window`` seconds.

    Keys that have not failed within the window are dropped, and at most ``max_keys`` are
    kept (the oldest go first), so a guesser cycling through keys cannot fill the memory."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._failures: dict[Hashable, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may be tried again; 0 when it may be tried now."""
        now = self.clock()
        with self._lock:
            failures = self._recent(key, now)
            if failures is None or len(failures) < self.limit:
                return 0.0
            return max(0.0, failures[-self.limit] + self.window - now)

    def fail(self, key: Hashable) -> None:
        now = self.clock()
        with self._lock:
            failures = self._recent(key, now)
            if failures is None:
                if len(self._failures) >= self.max_keys:
                    self._forget_oldest(now)
                failures = self._failures[key] = deque(maxlen=self.limit)
            failures.append(now)

    def reset(self, key: Hashable) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def _forget_oldest(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        overflow = len(self._failures) - self.max_keys + 1
        if overflow > 0:
            by_age = sorted(self._failures, key=lambda k: self._failures[k][-1])
            for key in by_age[: max(overflow, self.max_keys // 10)]:
                del self._failures[key]


class KnownAddresses:
    """Addresses each login recently logged in from (at most ``per_login`` each)."""

    def __init__(self, keep_for: float, per_login: int = 10, clock=time.monotonic):
        self.keep_for = keep_for
        self.per_login = per_login
        self.clock = clock
        self._seen: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def add(self, login: str, address: str) -> None:
        with self._lock:
            seen = self._seen.setdefault(login, {})
            seen.pop(address, None)
            seen[address] = self.clock()
            while len(seen) > self.per_login:
                del seen[next(iter(seen))]  # the least recently seen

    def __contains__(self, pair: tuple[str, str]) -> bool:
        login, address = pair
        with self._lock:
            when = self._seen.get(login, {}).get(address)
        return when is not None and self.clock() - when < self.keep_for

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


class LoginThrottle:
    """Failed logins, so that guessing stays slow and nobody can lock anybody else out.

    * 5 failures for one account from one address in 15 minutes refuse that account from
      that address for the rest of the 15 minutes: brute force from one address is as slow
      as ever, and it locks out only itself.
    * 20 failures for one account from all addresses in an hour (the slower, account-wide
      backstop against guessing from many addresses) and 20 failures from one address for
      any accounts in 15 minutes (trying one password on many accounts) refuse the account,
      or the address, to everyone *except* where the account logged in successfully lately:
      an attacker elsewhere cannot lock its owner out, nor colleagues behind the same
      address who have logged in from it before.
    """

    def __init__(
        self,
        per_pair=5,
        per_address=20,
        per_account=20,
        window=900.0,
        account_window=3600.0,
        known_for=30 * 86400.0,
        clock=time.monotonic,
    ):
        self.pairs = RateLimiter(per_pair, window, clock=clock)
        self.addresses = RateLimiter(per_address, window, clock=clock)
        self.accounts = RateLimiter(per_account, account_window, clock=clock)
        self.known = KnownAddresses(known_for, clock=clock)

    def retry_after(self, login: str, address: str) -> float:
        wait = self.pairs.retry_after((login, address))
        if (login, address) not in self.known:
            wait = max(wait, self.addresses.retry_after(address), self.accounts.retry_after(login))
        return wait

    def failed(self, login: str, address: str) -> None:
        self.pairs.fail((login, address))
        self.addresses.fail(address)
        self.accounts.fail(login)

    def succeeded(self, login: str, address: str) -> None:
        self.pairs.reset((login, address))
        self.known.add(login, address)

    def clear(self) -> None:
        for part in (self.pairs, self.addresses, self.accounts, self.known):
            part.clear()
