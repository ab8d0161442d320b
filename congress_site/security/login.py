"""Logging in, shared by the login form and the `@login` API endpoint."""

from __future__ import annotations

from dataclasses import dataclass

from .ratelimit import LoginThrottle, refused

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
        refused("login", "throttled", address, login=login)
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
        refused("login", "failed", address, login=login)
        return LoginResult(None, 0.0)
    THROTTLE.succeeded(login, address)
    site.audit.add("login", login, address)
    return LoginResult(user, 0.0)


def client_address(request) -> str:
    """The client's address as the server saw it. Behind the site's nginx, waitress sets it
    from ``X-Forwarded-For`` (``trusted_proxy``); the header itself is the client's to write
    (webob's ``client_addr`` reads it), so it never decides."""
    return request.remote_addr or "-"
