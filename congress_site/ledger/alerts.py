"""Time-credit alerts: a month's used hours reaching 50 %, 80 % and 100 % of those bought.

Coordinators see every reached threshold on the transparency report and the log screen
(computed live from the month's summary). The e-mail hook below is called once per month
and threshold when logging time crosses it; **it is a no-op until mail is configured**:
the project has no mailer yet, so it only writes a log line. Plug a mailer in
``send_alert_mail`` when there is one. No Pyramid here.
"""

from __future__ import annotations

import logging

from .closing import alerts_reached
from .months import Month

log = logging.getLogger(__name__)


def send_alert_mail(month: Month, threshold: int, used: int, bought: int) -> bool:
    """Mail the coordinators. Not configured: logs and returns False."""
    log.info(
        "time-credit alert %s: %s%% reached (%s of %s minutes); mail is not configured, "
        "coordinators see it on the report",
        month,
        threshold,
        used,
        bought,
    )
    return False


def notify_new_alerts(folder, month: Month, used: int, bought: int) -> tuple[int, ...]:
    """Call the mail hook for thresholds reached and not yet notified; returns them."""
    reached = alerts_reached(used, bought)
    done = folder.alerts_notified.get(str(month), ())
    new = tuple(t for t in reached if t not in done)
    if new:
        for threshold in new:
            send_alert_mail(month, threshold, used, bought)
        folder.alerts_notified[str(month)] = tuple(sorted({*done, *new}))
    return new
