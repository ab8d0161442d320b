"""Logging in, shared by the login form and the `@login` API endpoint."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .ratelimit import LoginThrottle

log = logging.getLogger(__name__)
THROTTLE = LoginThrottle()


@dataclass
class LoginResult:
    user: object | None = None
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        return self.user is not None


def attempt_login(site, login: str, password: str, address: str) -> LoginResult:
    login = (login or "").strip().lower()
    wait = THROTTLE.retry_after(login, address)
    if wait:
        log.warning("login throttled for %s from %s", login, address)
        return LoginResult(None, wait)
    user = site.users.get(login)
    from .passwords import verify_password

    if user is None:
        verify_password(None, password or "")  # same cost as a real check
        ok = False
    else:
        ok = user.check_password(password or "")
    if not ok:
        THROTTLE.failed(login, address)
        # A refused login answers 4xx, which aborts the transaction, so the
        # failure goes to the log (where fail2ban reads it), not the audit log.
        log.warning("login failed for %s from %s", login, address)
        return LoginResult(None, 0.0)
    THROTTLE.succeeded(login)
    site.audit.add("login", login, address)
    return LoginResult(user, 0.0)


def client_address(request) -> str:
    return request.client_addr or "-"
