"""Time-credit alerts: a month's used hours reaching 50 %, 80 % and 100 % of those bought.

Coordinators see every reached threshold on the transparency report and the log screen
(computed live from the month's summary). When logging time crosses a threshold,
``notify_new_alerts`` records it in the folder (``alerts_notified``) and hands one
``Alert`` per new threshold to a *sender* the caller passes in: the web layer and the
``log-time`` command pass one that mails the coordinators through the transaction (see
``alert_mail``), so the record and the mail are committed, or dropped, together. Without
a sender (mail not configured) the alert is only logged. No Pyramid here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from .closing import alerts_reached
from .months import Month

log = logging.getLogger(__name__)

COORDINATOR_ROLE = "Manager"  # holds every ledger permission (models.LedgerFolder.__acl__)


@dataclass(frozen=True)
class Alert:
    month: Month
    threshold: int  # percent of the hours bought
    used: int  # minutes
    bought: int  # minutes


AlertSender = Callable[[Alert], object]


def send_alert_mail(alert: Alert, send: AlertSender | None = None) -> bool:
    """Hand the alert to ``send``; without one (mail not configured) only log it."""
    if send is None:
        log.info(
            "time-credit alert %s: %s%% reached (%s of %s minutes); mail is not configured, "
            "coordinators see it on the report",
            alert.month,
            alert.threshold,
            alert.used,
            alert.bought,
        )
        return False
    send(alert)
    return True


def notify_new_alerts(
    folder, month: Month, used: int, bought: int, send: AlertSender | None = None
) -> tuple[int, ...]:
    """Send the alerts reached and not yet notified, and record them; returns them."""
    reached = alerts_reached(used, bought)
    done = folder.alerts_notified.get(str(month), ())
    new = tuple(t for t in reached if t not in done)
    if new:
        for threshold in new:
            send_alert_mail(Alert(month, threshold, used, bought), send)
        folder.alerts_notified[str(month)] = tuple(sorted({*done, *new}))
    return new


def coordinators(users, folder) -> list:
    """The users who coordinate the ledger, by login: the ``Manager`` role held globally,
    through a group, or as a local role (of the user or one of its groups) on the ledger
    folder or one of its parents -- the principals the security policy would give them
    there."""
    local: dict[str, set[str]] = {}
    node = folder
    while node is not None:
        for principal, roles in (getattr(node, "local_roles", None) or {}).items():
            local.setdefault(principal, set()).update(roles)
        node = getattr(node, "__parent__", None)
    found = []
    for login, user in users.users.items():
        groups = tuple(user.groups)
        roles = set(user.roles) | local.get(f"user:{login}", set())
        for gid in groups:
            group = users.groups.get(gid)
            if group is not None:
                roles |= set(group.roles)
            roles |= local.get(f"group:{gid}", set())
        if COORDINATOR_ROLE in roles:
            found.append(user)
    return found
