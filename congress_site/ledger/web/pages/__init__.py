"""The ledger's pages, one module per screen.

* ``statement``      a member's statement (HTML, and PDF from the same template), its
                     CSV export (``statement_csv``);
* ``members``        the members folder;
* ``log``            the sysadmin's intervention log;
* ``close``          month close and the monthly time-credit record;
* ``report``         the transparency report;
* ``payments``, ``subscriptions``, ``items``   coordinators' forms.

Shared pieces: ``base.LedgerView`` (locale formatting and permissions for the
templates), ``forms`` (posting, refusing and re-showing a form), ``terms`` (the
translated words for the domain's codes). Views are thin: they parse the request, call
``store``/``report`` and format values per locale with ``display``. Forms post with a
CSRF token and redirect after success.
"""

TEMPLATES = "congress_site:templates/ledger/"
