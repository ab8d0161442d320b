"""The ledger in the site: everything that knows Pyramid, ZODB or the request.

The pure domain (money, months, entries, time credit, closing, statements) lives one
level up in ``congress_site.ledger`` and imports nothing from here. This package holds:

* ``store``       the one place that writes the ledger's persistent objects (``models``);
* ``report``      the transparency report built from the store;
* ``pages``       the HTML pages, one module per screen (statement with its PDF and CSV,
                  members folder, time log, month close, report, payments,
                  subscriptions, development items);
* ``api``         the JSON API (``@statement``, ``@payments``, ``@report``, ...);
* ``alert_mail``  time-credit alert mail through pyramid_mailer;
* ``commands``    the ledger's ``congress-site`` commands; ``demo`` its demo data;
* ``i18n``        the ``konbit_ledger`` translation domain.

The persistent classes stay in ``congress_site.ledger.models``: stored records name
them by that path.
"""

from __future__ import annotations

from ..errors import LedgerError, MonthClosed


def api_error(exc: LedgerError):
    """The JSON API answer for a ledger error: 409 for a closed month, else 400."""
    from ...api.errors import ApiError

    status = 409 if isinstance(exc, MonthClosed) else 400
    return ApiError(status, exc.code, exc.message, field=exc.field)


def includeme(config):
    from .. import models  # noqa: F401  (registers the Members and Member content types)

    config.scan("congress_site.ledger.web.pages")
    config.scan("congress_site.ledger.web.api")
