"""The ledger's web layer, included by the app factory when this module exists.

Importing ``models`` registers the ``Members`` and ``Member`` content types; the views
(HTML pages, PDF, CSV) and the JSON API are scanned from ``views`` and ``api``.
"""

from __future__ import annotations

from . import models  # noqa: F401  (registers the content types)
from .errors import LedgerError, MonthClosed


def api_error(exc: LedgerError):
    """The JSON API answer for a ledger error: 409 for a closed month, else 400."""
    from ..api.errors import ApiError

    status = 409 if isinstance(exc, MonthClosed) else 400
    return ApiError(status, exc.code, exc.message, field=exc.field)


def includeme(config):
    config.scan("congress_site.ledger.views")
    config.scan("congress_site.ledger.api")
