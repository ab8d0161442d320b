"""E-mail to the coordinators for time-credit alerts, with ``pyramid_mailer``.

The app includes ``pyramid_mailer`` when ``mail.host`` is set (see ``production.ini``).
Messages are queued on the transaction of the request (``request.tm``) or of the
``log-time`` command and handed to the mail server only after it has committed, together
with the record of the thresholds notified:

* an aborted request (any 4xx) sends nothing;
* a request retried by pyramid_retry sends once, from the attempt that commits;
* a mail server that cannot take the message never stops time from being logged: the
  failure is logged as an error, and the alert stays on the transparency report, where
  coordinators see it anyway. A sysadmin must be able to log work while mail is down.

One message per coordinator with an address and per threshold, in the coordinator's
language (``user.language``) or else the site's default locale.
"""

from __future__ import annotations

import functools
import logging

from pyramid.i18n import make_localizer
from pyramid_mailer import mailer_factory_from_settings
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.message import Message

from ...i18n import LANGUAGES, LOCALE_DIR
from ...urls import external_url
from .. import display
from ..alerts import Alert, coordinators, notify_new_alerts
from . import store
from .i18n import _

log = logging.getLogger(__name__)

SUBJECT = _("[${site}] Time credit ${month}: ${threshold} % of the hours bought are used")
USED = _(
    "${threshold} % of the hours bought for ${month_name} (${month}) are used: "
    "${used} of ${bought} (${percent} %)."
)
OVERRUN = _(
    "The hours bought for this month are all used: further time shows as an overrun on the report."
)
REPORT = _("Transparency report: ${url}")
WHY = _("You receive this message as a coordinator of the ledger of ${site}.")


def mail_configured(settings) -> bool:
    return bool((settings.get("mail.host") or "").strip())


def check_mail_settings(settings) -> None:
    """Refuse to start with a mail server but no sender address."""
    if mail_configured(settings) and not (settings.get("mail.default_sender") or "").strip():
        raise ValueError("mail.host is set: set mail.default_sender too (the From address)")


class AfterCommitMailer:
    """``send`` queues a message on the transaction; it leaves once that has committed."""

    def __init__(self, mailer, transaction_manager):
        self.mailer = mailer
        self.transaction_manager = transaction_manager

    def send(self, message: Message) -> None:
        self.transaction_manager.get().addAfterCommitHook(
            _send_if_committed, args=(self.mailer, message)
        )


def _send_if_committed(committed: bool, mailer, message: Message) -> None:
    if not committed:
        return
    try:
        mailer.send_immediately(message, fail_silently=False)
    except Exception:  # noqa: BLE001 - the time is logged; the report shows the alert
        log.exception(
            "time-credit alert mail to %s not sent (the alert stays on the report)",
            ", ".join(message.recipients),
        )


def bind_mailer(mailer, transaction_manager) -> AfterCommitMailer:
    return AfterCommitMailer(mailer, transaction_manager)


@functools.lru_cache(maxsize=8)
def _localizer(locale: str):
    return make_localizer(locale, [str(LOCALE_DIR)])


class AlertMailer:
    """The ``send`` callable of ``alerts.notify_new_alerts``: mails one alert to every
    coordinator through ``mailer`` (already bound to the transaction)."""

    def __init__(self, mailer, site, folder, default_locale="en", report_url=None):
        self.mailer = mailer
        self.site = site
        self.folder = folder
        self.default_locale = default_locale if default_locale in LANGUAGES else "en"
        self.report_url = report_url

    @functools.cached_property
    def recipients(self) -> list:
        users = [u for u in coordinators(self.site.users, self.folder) if u.email]
        return sorted(users, key=lambda u: u.login)

    def message(self, alert: Alert, locale: str, address: str) -> Message:
        t = _localizer(locale).translate
        site = self.site.title
        subject = t(
            SUBJECT, mapping={"site": site, "month": str(alert.month), "threshold": alert.threshold}
        )
        mapping = {
            "threshold": alert.threshold,
            "month_name": display.month(alert.month, locale),
            "month": str(alert.month),
            "used": display.hours(alert.used, locale),
            "bought": display.hours(alert.bought, locale),
            "percent": display.percent(alert.used, alert.bought),
        }
        paragraphs = [t(USED, mapping=mapping)]
        if alert.threshold >= 100:
            paragraphs.append(t(OVERRUN))
        if self.report_url:
            paragraphs.append(t(REPORT, mapping={"url": self.report_url}))
        paragraphs.append("-- \n" + t(WHY, mapping={"site": site}))
        return Message(subject=subject, recipients=[address], body="\n\n".join(paragraphs) + "\n")

    def __call__(self, alert: Alert) -> int:
        if not self.recipients:
            log.warning(
                "time-credit alert %s: %s%% reached; no coordinator has an e-mail address",
                alert.month,
                alert.threshold,
            )
        else:
            log.info(
                "time-credit alert %s: %s%% reached; mail to %s coordinator(s) after commit",
                alert.month,
                alert.threshold,
                len(self.recipients),
            )
        for user in self.recipients:
            locale = user.language if user.language in LANGUAGES else self.default_locale
            self.mailer.send(self.message(alert, locale, user.email))
        return len(self.recipients)


def request_alert_sender(request, folder):
    """The alert sender of a web request, or None when mail is not configured."""
    if request.registry.queryUtility(IMailer) is None:
        return None

    def send(alert: Alert) -> int:
        mailer = bind_mailer(request.registry.getUtility(IMailer), request.tm)
        settings = request.registry.settings
        return AlertMailer(
            mailer,
            request.site,
            folder,
            settings.get("pyramid.default_locale_name", "en"),
            external_url(request, folder, "@@report"),
        )(alert)

    return send


def alert_after_logging(request, folder, month) -> tuple[int, ...]:
    """After time was logged through the web: the thresholds of ``month`` newly reached,
    recorded and mailed (when mail is configured)."""
    credit = folder.credits.get(str(month))
    if credit is None:
        return ()
    return notify_new_alerts(
        folder,
        month,
        store.used_minutes(folder, month),
        credit.minutes_bought,
        send=request_alert_sender(request, folder),
    )


def command_alert_sender(settings, transaction_manager, site, folder):
    """The alert sender of a command run in ``transaction_manager``, or None when mail is
    not configured. There is no request: the messages link to the report only when the
    ``site.url`` setting gives the site's address."""
    if not mail_configured(settings):
        return None
    check_mail_settings(settings)
    mailer = bind_mailer(mailer_factory_from_settings(settings), transaction_manager)
    return AlertMailer(
        mailer,
        site,
        folder,
        settings.get("pyramid.default_locale_name", "en"),
        external_url(None, folder, "@@report", settings=settings),
    )
