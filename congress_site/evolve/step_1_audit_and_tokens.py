"""Give sites created before version 1 an audit log and a token store."""

from ..security.audit import AuditLog
from ..security.tokens import TokenStore


def evolve(site):
    if getattr(site, "audit", None) is None:
        site.audit = AuditLog()
    if getattr(site, "tokens", None) is None:
        site.tokens = TokenStore()
