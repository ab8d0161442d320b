"""Bearer tokens: API logins (signed JWTs), scribe devices and password resets (opaque).

Every token is recorded in the site's store, which decides whether it is valid: expiry and
revocation (``@logout``, a removed group) hold for JWTs too, whatever their signature says.
Only a SHA-256 of each token is stored, so a copy of the database does not hand out working
tokens. An API token is a JWT (HS256) so that plone.restapi clients can read who they are
(``sub``, ``fullname``) and when to renew (``exp``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import jwt
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping

from ..clock import utcnow

API_TOKEN_LIFETIME = timedelta(days=30)
RESET_TOKEN_LIFETIME = timedelta(hours=1)
# Longer than any token this site issues (a JWT is about 300 characters).
MAX_TOKEN_LENGTH = 2048
JWT_ALGORITHM = "HS256"


def token_key(secret: str) -> bytes:
    """The JWT signing key: derived from the site's secret, never the secret itself."""
    return hmac.new(secret.encode(), b"konbit api tokens", hashlib.sha256).digest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore(Persistent):
    def __init__(self):
        self._tokens = OOBTree()

    def issue(self, kind: str, lifetime: timedelta, **claims) -> str:
        """A new opaque token."""
        token = secrets.token_urlsafe(32)
        self._record(token, kind, utcnow() + lifetime, claims)
        return token

    def issue_jwt(self, key: bytes, lifetime: timedelta, login: str, fullname: str = "") -> str:
        """A new API token for ``login``: a signed JWT with ``sub``, ``fullname``, ``iat``,
        ``exp`` and a random ``jti`` (two logins in one second get different tokens)."""
        now = utcnow().replace(microsecond=0)
        expires = now + lifetime
        claims = {
            "sub": login,
            "fullname": fullname,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
            "jti": secrets.token_urlsafe(12),
        }
        token = jwt.encode(claims, key, algorithm=JWT_ALGORITHM)
        self._record(token, "api", expires, {"login": login})
        return token

    def _record(self, token: str, kind: str, expires: datetime, claims: dict) -> None:
        record = PersistentMapping(claims)
        record["kind"] = kind
        record["expires"] = expires
        self._tokens[_digest(token)] = record

    def lookup(self, token: str, kind: str | None = None):
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        record = self._tokens.get(_digest(token))
        if record is None or record["expires"] < utcnow():
            return None
        if kind is not None and record["kind"] != kind:
            return None
        return record

    def revoke(self, token: str) -> None:
        self._tokens.pop(_digest(token), None)

    def revoke_where(self, **claims) -> int:
        doomed = [
            key
            for key, record in self._tokens.items()
            if all(record.get(k) == v for k, v in claims.items())
        ]
        for key in doomed:
            del self._tokens[key]
        return len(doomed)

    def purge_expired(self) -> int:
        now = utcnow()
        doomed = [key for key, record in self._tokens.items() if record["expires"] < now]
        for key in doomed:
            del self._tokens[key]
        return len(doomed)
