"""My account: who I am on the konbit, what services I have and how to reach them,
my password; and the mail that carries one-time password links."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pyramid.httpexceptions import HTTPForbidden
from pyramid.view import view_config
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.message import Message

from ..content.base import SiteRoot
from ..i18n import _
from ..security.directory import (
    REGISTRY_KEY,
    DirectoryUnavailable,
    directory_from_settings,
    from_registry,
)
from ..security.roles import VIEW
from ..urls import external_url
from .base import BaseView

log = logging.getLogger(__name__)


def includeme(config):
    config.registry[REGISTRY_KEY] = directory_from_settings(config.registry.settings)


@dataclass(frozen=True)
class MailSettings:
    """What a person types into a mail client (Thunderbird fills it in itself from
    the autoconfig the server publishes)."""

    address: str
    server: str
    login: str
    aliases: tuple[str, ...]
    quota: str | None


def _size(num_bytes: int | None, locale: str) -> str | None:
    from babel.numbers import format_decimal

    if num_bytes is None:
        return None
    if num_bytes == 0:
        return "∞"
    for unit, scale in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= scale:
            return f"{format_decimal(num_bytes / scale, '#,##0.#', locale=locale)} {unit}"
    return f"{num_bytes} B"


@view_config(
    context=SiteRoot,
    name="account",
    permission=VIEW,
    renderer="congress_site:templates/account.pt",
)
class AccountView(BaseView):
    def __call__(self):
        identity = self.request.identity
        if identity is None or identity.user is None:
            raise HTTPForbidden()
        self.user = identity.user
        self.person = None
        self.unavailable = False
        directory = from_registry(self.request.registry)
        if directory is not None and self.user.source == "directory":
            try:
                self.person = directory.find(self.user.login)
            except DirectoryUnavailable as exc:
                log.error("account page of %s: the directory does not answer (%s)",
                          self.user.login, exc)  # fmt: skip
                self.unavailable = True
        return self.page(heading=_("My account"))

    def setting(self, key: str) -> str:
        return (self.request.registry.settings.get(f"account.{key}") or "").strip()

    @property
    def mail(self) -> MailSettings | None:
        if self.person is None or not self.person.has_mailbox:
            return None
        return MailSettings(
            self.person.email,
            self.setting("mail_server"),
            self.person.email,
            tuple(a for a in self.person.aliases if not a.startswith("@")),
            _size(self.person.mail_quota, self.layout.language),
        )

    @property
    def nextcloud(self) -> dict | None:
        if self.person is None or not self.person.has_nextcloud:
            return None
        quota = self.person.nextcloud_quota
        if quota == "none":
            shown = "∞"
        elif quota and quota.isdigit():
            shown = _size(int(quota), self.layout.language)
        else:
            shown = None
        return {"url": self.setting("nextcloud_url"), "quota": shown}

    @property
    def wikis(self) -> list[dict]:
        if self.person is None:
            return []
        pattern = self.setting("wiki_url")
        return [
            {"name": name, "url": pattern.replace("{name}", name) if pattern else None}
            for name in self.person.wikis
        ]

    @property
    def lists(self) -> list[dict]:
        if self.person is None:
            return []
        pattern = self.setting("list_url")
        owned = set(self.person.owned_lists)
        names = sorted(set(self.person.lists) | owned)
        return [
            {
                "name": name,
                "owner": name in owned,
                "url": pattern.replace("{name}", name) if pattern else None,
            }
            for name in names
        ]

    @property
    def statement(self) -> str | None:
        """The statement of the person's member organisation, when they may read it."""
        from ..ledger.web import store

        folder = store.get_folder(self.request.site)
        member_id = self.person.member if self.person is not None else None
        candidates = []
        if folder is not None:
            if member_id and member_id in folder:
                candidates.append(folder[member_id])
            else:  # a site account: the members whose statements it may read
                candidates = list(folder.members())
        for member in candidates:
            if self.request.has_permission(VIEW, member):
                return self.request.resource_url(member, "statement")
        return None


def _link_message(request, person, token) -> Message:
    t = request.localizer.translate
    site = request.site.title
    link = external_url(request, request.site, "@@set-password", query={"token": token})
    body = [
        t(_("Hello ${name},", mapping={"name": person.name})),
        t(
            _(
                "Your login for ${site} (mail, wikis, Nextcloud, the site) is: ${login}",
                mapping={"site": site, "login": person.login},
            )
        ),
        t(_("Choose your password with this link. It works once, for 72 hours:")) + "\n" + link,
        t(_("If you did not ask for it, ignore this message: your password stays as it is.")),
    ]
    return Message(
        subject=t(_("[${site}] Choose your password", mapping={"site": site})),
        recipients=[person.email],
        body="\n\n".join(body) + "\n",
    )


def send_password_link(request, person, token) -> None:
    """Mail a one-time link to the person (after the request commits); without mail
    configured, log it so that the sysadmin can hand it over."""
    mailer = request.registry.queryUtility(IMailer)
    message = _link_message(request, person, token)
    if mailer is None:
        log.warning("password link for %s (mail is not configured): %s", person.login,
                    message.body.split("\n\n")[2].split("\n")[-1])  # fmt: skip
        return
    from ..ledger.web.alert_mail import bind_mailer

    bind_mailer(mailer, request.tm).send(message)
    log.info("password link for %s mailed to %s", person.login, person.email)
