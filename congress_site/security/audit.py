"""The audit log of security-relevant actions (logins, role changes, ...).

Keys are (timestamp, random) so concurrent writers insert distinct keys, which
BTrees merge, instead of fighting over a sequence number.
"""

from __future__ import annotations

import secrets

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..clock import utcnow


class AuditLog(Persistent):
    def __init__(self):
        self._entries = OOBTree()

    def add(self, action: str, actor: str | None, address: str | None = None, **details):
        now = utcnow()
        entry = {"time": now, "action": action, "actor": actor, "address": address}
        entry.update(details)
        self._entries[(now.isoformat(), secrets.token_hex(4))] = entry

    def latest(self, limit: int = 200) -> list[dict]:
        out = []
        for key in reversed(self._entries.keys()):
            out.append(self._entries[key])
            if len(out) >= limit:
                break
        return out
