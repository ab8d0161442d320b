"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..i18n import _

_hasher = PasswordHasher()
MIN_LENGTH = 10


def configure_hasher(time_cost: int | None = None, memory_cost_kib: int | None = None) -> None:
    """Tune argon2 from the settings (tests use cheaper, still real, hashes).

    Hashes made with other parameters keep verifying and are upgraded at the
    next successful login."""
    global _hasher, _DUMMY
    defaults = PasswordHasher()
    time_cost = time_cost or defaults.time_cost
    memory_cost_kib = memory_cost_kib or defaults.memory_cost
    if (_hasher.time_cost, _hasher.memory_cost) == (time_cost, memory_cost_kib):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)
    _DUMMY = _hasher.hash("not a real password, only for timing")


MAX_LENGTH = 1024
# A precomputed hash verified when the login is unknown, so timing does not
# reveal which logins exist.
_DUMMY = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    try:
        return _hasher.verify(hashed or _DUMMY, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hashed: str) -> bool:
    return _hasher.check_needs_rehash(hashed)


def password_problems(password: str, login: str = "") -> list:
    """Translatable reasons a password is refused; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least ${n} characters.", mapping={"n": MIN_LENGTH}))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most ${n} characters.", mapping={"n": MAX_LENGTH}))
    if login and login.lower() in password.lower():
        problems.append(_("The password must not contain the login."))
    if password and len(set(password)) < 4:
        problems.append(_("Use more different characters."))
    return problems
