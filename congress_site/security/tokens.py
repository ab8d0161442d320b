"""Opaque bearer tokens (API logins, scribe devices, password resets).

Only a SHA-256 of each token is stored, so a copy of the database does not
hand out working tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping

from ..clock import utcnow

API_TOKEN_LIFETIME = timedelta(days=30)
RESET_TOKEN_LIFETIME = timedelta(hours=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore(Persistent):
    def __init__(self):
        self._tokens = OOBTree()

    def issue(self, kind: str, lifetime: timedelta, **claims) -> str:
        token = secrets.token_urlsafe(32)
        record = PersistentMapping(claims)
        record["kind"] = kind
        record["expires"] = utcnow() + lifetime
        self._tokens[_digest(token)] = record
        return token

    def lookup(self, token: str, kind: str | None = None):
        if not token or len(token) > 200:
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
