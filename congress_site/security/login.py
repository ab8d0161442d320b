"""Logging in, shared by the login form and the `@login` API endpoint.

A login is a site account with its own password, or a person of the konbit's
directory (when ``security.directory_url`` is set) with their one password; either
way it is throttled and logged the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .directory import DirectoryUnavailable
from .ratelimit import LoginThrottle, refused

log = logging.getLogger(__name__)
THROTTLE = LoginThrottle()
# Directory persons get this global role at their first login, as import-members
# gives it to contacts: every person of a member organisation is a member.
DIRECTORY_ROLES = ("Member",)


@dataclass
class LoginResult:
    user: object | None = None
    retry_after: float = 0.0
    unavailable: bool = False  # the directory did not answer

    @property
    def ok(self) -> bool:
        return self.user is not None


def attempt_login(site, login: str, password: str, address: str, directory=None) -> LoginResult:
    login = (login or "").strip().lower()
    wait = THROTTLE.retry_after(login, address)
    if wait:
        refused("login", "throttled", address, login=login)
        return LoginResult(None, wait)
    user = site.users.get(login)
    from .passwords import verify_password

    ok = False
    if user is not None and user.password_hash is not None:
        ok = user.check_password(password or "")
    elif directory is None:
        verify_password(None, password or "")  # same cost as a real check
    if not ok and directory is not None:
        try:
            person = directory.authenticate(login, password or "")
        except DirectoryUnavailable as exc:
            log.error("login of %s: the directory does not answer (%s)", login, exc)
            return LoginResult(None, 0.0, unavailable=True)
        if person is not None:
            user, _ = site.users.sync_directory_user(
                person.login, person.name, person.email, DIRECTORY_ROLES
            )
            ok = True
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
