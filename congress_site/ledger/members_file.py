"""Read and validate the members file (``docs/members-file.md``) into plain records.

The same file configures the Ansible roles and feeds ``import-members``; unknown keys are
errors so a typo cannot silently do nothing. Every problem found is reported at once in a
:class:`~.errors.MembersFileError`, each naming its place, e.g.
``konbit_members[2].subscriptions[0].from: '2026-13' is not a month``.

Agreed with the Ansible role ``konbit`` (``roles/konbit/meta/argument_specs.yml``):
``subscriptions``, ``persons``, ``konbit_lists`` and ``konbit_wikis`` may be omitted (empty),
``nextcloud`` needs a ``quota``, a wiki's ``title`` is optional, domains compare
case-insensitively. Decided here: subscriptions are listed oldest first with strictly
increasing ``from``; mail domains are checked only when known (passed in, or a
``konbit_mail_domains`` key in the file); duplicate YAML keys are errors too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import yaml

from .errors import LedgerError, MembersFileError
from .money import get_currency, parse_money
from .months import Month
from .subscriptions import Subscription, SubscriptionHistory

_SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_LOGIN_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
_DOMAIN_RE = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@([a-z0-9.-]+)")


@dataclass(frozen=True)
class NextcloudRecord:
    quota: str


@dataclass(frozen=True)
class PersonRecord:
    login: str
    name: str
    email: str
    mailbox: bool = False
    aliases: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    wikis: tuple[str, ...] = ()
    nextcloud: NextcloudRecord | None = None
    contact: bool = False


@dataclass(frozen=True)
class MemberRecord:
    id: str
    name: str
    currency: str
    subscriptions: tuple[Subscription, ...]
    persons: tuple[PersonRecord, ...]
    domain: str | None = None

    def history(self) -> SubscriptionHistory:
        return SubscriptionHistory(self.currency, self.subscriptions)


@dataclass(frozen=True)
class ListRecord:
    name: str
    description: str = ""
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class WikiRecord:
    name: str
    title: str = ""


@dataclass(frozen=True)
class MembersFile:
    members: tuple[MemberRecord, ...]
    lists: tuple[ListRecord, ...] = ()
    wikis: tuple[WikiRecord, ...] = ()
    mail_domains: tuple[str, ...] = ()

    def persons(self) -> list[tuple[str, PersonRecord]]:
        """(member id, person) for every person, in file order."""
        return [(m.id, p) for m in self.members for p in m.persons]


_MISSING = object()


class _Reader:
    """Walks the data, collecting every error with its path instead of stopping at one."""

    def __init__(self) -> None:
        self.errors: list[LedgerError] = []

    def error(self, path: str, detail: str, code: str = "invalid_members_file") -> None:
        self.errors.append(LedgerError(path, detail, code=code))

    def mapping(
        self, value: object, path: str, required: Collection[str], optional: Collection[str]
    ) -> dict | None:
        if not isinstance(value, Mapping):
            self.error(path, f"must be a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted([*required, *optional]))
                self.error(_at(path, key), f"unknown key (allowed: {allowed})", "unknown_key")
        for key in required:
            if key not in value:
                self.error(_at(path, key), "is required", "required")
        return dict(value)

    def sequence(self, value: object, path: str) -> list:
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"must be a list, got {_kind(value)}")
            return []
        return value

    def text(self, value: object, path: str, pattern: re.Pattern | None = None) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"must be non-empty text, got {_kind(value)} {value!r}")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.error(path, f"{value!r} is not valid here")
            return None
        return value

    def flag(self, value: object, path: str) -> bool:
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {value!r}")
            return False
        return value

    def names(self, value: object, path: str, pattern: re.Pattern | None = None) -> tuple[str, ...]:
        items = self.sequence(value, path)
        result = []
        for i, item in enumerate(items):
            name = self.text(item, f"{path}[{i}]", pattern)
            if name is not None:
                result.append(name)
        return tuple(result)

    def unique(self, name: str | None, seen: dict[str, str], path: str, what: str) -> None:
        if name is None:
            return
        if name in seen:
            self.error(path, f"{what} {name!r} is already used at {seen[name]}", "duplicate")
        else:
            seen[name] = path


def _at(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def _domain_of(email: str) -> str:
    # Domains are case-insensitive; the Ansible checks lower-case them too.
    return email.rpartition("@")[2].lower()


class _MembersFileReader(_Reader):
    def __init__(self, mail_domains: Collection[str] | None) -> None:
        super().__init__()
        self.mail_domains = {d.lower() for d in mail_domains} if mail_domains is not None else None
        self.logins: dict[str, str] = {}
        self.person_refs: list[tuple[str, str, str]] = []  # (path, kind, name) to resolve

    def read(self, data: object) -> MembersFile:
        top = self.mapping(
            data,
            "",
            required=("konbit_members",),
            optional=("konbit_lists", "konbit_wikis", "konbit_mail_domains"),
        )
        if top is None:
            raise MembersFileError(self.errors)
        if "konbit_mail_domains" in top:
            domains = self.names(top["konbit_mail_domains"], "konbit_mail_domains", _DOMAIN_RE)
            self.mail_domains = (self.mail_domains or set()) | {d.lower() for d in domains}
        members = self.members(top.get("konbit_members", _MISSING))
        lists = self.lists(top.get("konbit_lists", _MISSING))
        wikis = self.wikis(top.get("konbit_wikis", _MISSING))
        known = {"list": {x.name for x in lists}, "wiki": {x.name for x in wikis}}
        known["login"] = set(self.logins)
        for path, kind, name in self.person_refs:
            if name not in known[kind]:
                self.error(path, f"no {kind} named {name!r} in the file", "unknown_reference")
        if self.errors:
            raise MembersFileError(self.errors)
        return MembersFile(
            members=members,
            lists=lists,
            wikis=wikis,
            mail_domains=tuple(sorted(self.mail_domains or ())),
        )

    def members(self, value: object) -> tuple[MemberRecord, ...]:
        result = []
        ids: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_members")):
            path = f"konbit_members[{i}]"
            record = self.member(item, path)
            if record is not None:
                self.unique(record.id, ids, f"{path}.id", "member id")
                result.append(record)
        return tuple(result)

    def member(self, value: object, path: str) -> MemberRecord | None:
        m = self.mapping(
            value,
            path,
            required=("id", "name", "currency"),
            optional=("domain", "subscriptions", "persons"),
        )
        if m is None:
            return None
        member_id = self.text(m.get("id", _MISSING), f"{path}.id", _SLUG_RE)
        name = self.text(m.get("name", _MISSING), f"{path}.name")
        currency = None
        if "currency" in m:
            try:
                currency = get_currency(m["currency"], f"{path}.currency").code
            except LedgerError as e:
                self.errors.append(e)
        domain = None
        if "domain" in m:
            domain = self.text(m["domain"], f"{path}.domain", _DOMAIN_RE)
            known = self.mail_domains
            if domain and known is not None and domain.lower() not in known:
                self.error(f"{path}.domain", f"{domain!r} is not in konbit_mail_domains")
        subscriptions = self.subscriptions(m.get("subscriptions", _MISSING), currency, path)
        persons = tuple(
            p
            for j, item in enumerate(self.sequence(m.get("persons", _MISSING), f"{path}.persons"))
            if (p := self.person(item, f"{path}.persons[{j}]")) is not None
        )
        if member_id is None or name is None or currency is None:
            return None
        return MemberRecord(member_id, name, currency, subscriptions, persons, domain)

    def subscriptions(
        self, value: object, currency: str | None, member_path: str
    ) -> tuple[Subscription, ...]:
        result: list[Subscription] = []
        for i, item in enumerate(self.sequence(value, f"{member_path}.subscriptions")):
            path = f"{member_path}.subscriptions[{i}]"
            line = self.subscription(item, currency, path)
            if line is None:
                continue
            if result and line.start <= result[-1].start:
                self.error(
                    f"{path}.from",
                    f"{line.start} is not after the previous line's {result[-1].start}; "
                    "list subscriptions oldest first",
                    "unordered_subscriptions",
                )
            result.append(line)
        return tuple(result)

    def subscription(self, value: object, currency: str | None, path: str) -> Subscription | None:
        errors_before = len(self.errors)
        s = self.mapping(
            value, path, required=("from", "shares", "amount_per_share"), optional=("until",)
        )
        if s is None:
            return None
        parsed: dict[str, object] = {}
        for key in ("from", "until"):
            if key in s:
                try:
                    parsed[key] = Month.parse(s[key], f"{path}.{key}")
                except LedgerError as e:
                    self.errors.append(e)
        shares = s.get("shares", _MISSING)
        if shares is not _MISSING and (
            not isinstance(shares, int) or isinstance(shares, bool) or shares < 0
        ):
            self.error(f"{path}.shares", f"{shares!r} must be a whole number >= 0")
        if "amount_per_share" in s and currency is not None:
            try:
                parsed["amount"] = parse_money(
                    s["amount_per_share"], currency, field=f"{path}.amount_per_share"
                )
            except LedgerError as e:
                self.errors.append(e)
        if len(self.errors) > errors_before or currency is None:
            return None
        try:
            return Subscription(parsed["from"], shares, parsed["amount"], parsed.get("until"))
        except LedgerError as e:
            self.error(f"{path}.{e.field}", e.detail, e.code)
            return None

    def person(self, value: object, path: str) -> PersonRecord | None:
        p = self.mapping(
            value,
            path,
            required=("login", "name", "email"),
            optional=("mailbox", "aliases", "lists", "wikis", "nextcloud", "contact"),
        )
        if p is None:
            return None
        login = self.text(p.get("login", _MISSING), f"{path}.login", _LOGIN_RE)
        self.unique(login, self.logins, f"{path}.login", "login")
        name = self.text(p.get("name", _MISSING), f"{path}.name")
        email = self.text(p.get("email", _MISSING), f"{path}.email", _EMAIL_RE)
        mailbox = self.flag(p.get("mailbox", _MISSING), f"{path}.mailbox")
        if mailbox and email and self.mail_domains is not None:
            if _domain_of(email) not in self.mail_domains:
                self.error(f"{path}.mailbox", f"{email!r} is not in a konbit mail domain")
        aliases = self.names(p.get("aliases", _MISSING), f"{path}.aliases", _EMAIL_RE)
        if self.mail_domains is not None:
            for i, alias in enumerate(aliases):
                if _domain_of(alias) not in self.mail_domains:
                    self.error(f"{path}.aliases[{i}]", f"{alias!r} is not in a konbit mail domain")
        lists = self.names(p.get("lists", _MISSING), f"{path}.lists")
        wikis = self.names(p.get("wikis", _MISSING), f"{path}.wikis")
        for kind, names in (("list", lists), ("wiki", wikis)):
            for i, ref in enumerate(names):
                self.person_refs.append((f"{path}.{kind}s[{i}]", kind, ref))
        nextcloud = None
        nextcloud = None
        if "nextcloud" in p:
            nc_path = f"{path}.nextcloud"
            nc = self.mapping(p["nextcloud"], nc_path, required=("quota",), optional=())
            if nc is not None and "quota" in nc:
                quota = self.text(nc["quota"], f"{nc_path}.quota")
                nextcloud = NextcloudRecord(quota) if quota is not None else None
        contact = self.flag(p.get("contact", _MISSING), f"{path}.contact")
        if login is None or name is None or email is None:
            return None
        return PersonRecord(login, name, email, mailbox, aliases, lists, wikis, nextcloud, contact)

    def lists(self, value: object) -> tuple[ListRecord, ...]:
        result = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_lists")):
            path = f"konbit_lists[{i}]"
            m = self.mapping(item, path, required=("name",), optional=("description", "owners"))
            if m is None:
                continue
            name = self.text(m.get("name", _MISSING), f"{path}.name", _SLUG_RE)
            self.unique(name, seen, f"{path}.name", "list")
            description = ""
            if "description" in m:
                description = self.text(m["description"], f"{path}.description") or ""
            owners = self.names(m.get("owners", _MISSING), f"{path}.owners")
            for j, owner in enumerate(owners):
                self.person_refs.append((f"{path}.owners[{j}]", "login", owner))
            if name is not None:
                result.append(ListRecord(name, description, owners))
        return tuple(result)

    def wikis(self, value: object) -> tuple[WikiRecord, ...]:
        result = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_wikis")):
            path = f"konbit_wikis[{i}]"
            m = self.mapping(item, path, required=("name",), optional=("title",))
            if m is None:
                continue
            name = self.text(m.get("name", _MISSING), f"{path}.name", _SLUG_RE)
            self.unique(name, seen, f"{path}.name", "wiki")
            title = self.text(m["title"], f"{path}.title") if "title" in m else ""
            if name is not None and title is not None:
                result.append(WikiRecord(name, title))
        return tuple(result)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_members_data(data: object, *, mail_domains: Collection[str] | None = None) -> MembersFile:
    """Validate already-loaded data (e.g. from Ansible). Raises MembersFileError."""
    return _MembersFileReader(mail_domains).read(data)


def parse_members_yaml(text: str, *, mail_domains: Collection[str] | None = None) -> MembersFile:
    """Parse the members file's YAML text. Raises :class:`MembersFileError`."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as e:
        raise MembersFileError([LedgerError("yaml", str(e), code="invalid_yaml")]) from None
    return parse_members_data(data, mail_domains=mail_domains)
