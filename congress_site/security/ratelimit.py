"""Login rate limiting per account and per address.

Kept in process memory on purpose: counting failures in ZODB would turn every
failed login into a write hot spot; the limit then holds per process, which is
what slows a guesser down.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, max_failures: int, window_seconds: float):
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque:
        q = self._failures[key]
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            q = self._trim(key, now)
            if len(q) < self.max_failures:
                return 0.0
            return max(0.0, q[0] + self.window - now)

    def fail(self, key: str) -> None:
        with self._lock:
            self._failures[key].append(time.monotonic())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class LoginThrottle:
    """5 failures per account and 20 per address within 15 minutes."""

    def __init__(self, per_account=5, per_address=20, window=900.0):
        self.accounts = RateLimiter(per_account, window)
        self.addresses = RateLimiter(per_address, window)

    def retry_after(self, login: str, address: str) -> float:
        return max(self.accounts.blocked(login), self.addresses.blocked(address or "-"))

    def failed(self, login: str, address: str) -> None:
        self.accounts.fail(login)
        self.addresses.fail(address or "-")

    def succeeded(self, login: str) -> None:
        self.accounts.reset(login)
