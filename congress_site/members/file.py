"""Read and validate the members file (``docs/members-file.md``) into plain records.

This is the one rule set of the konbit description: the site's ``import-members`` and
every Ansible role (through ``plugins/filter/konbit.py``, which calls
:func:`parse_members_data`) accept and refuse exactly the same files. Unknown keys are
errors, so a typo cannot silently do nothing, and every problem is reported at once in
a :class:`MembersFileError`, each naming its entry, e.g.
``konbit_members[coop-alpha].persons[marie].aliases[0]: 'x@elsewhere.example' is not in a
konbit mail domain`` (an entry is named by its id, login or name, by its position when
that is itself wrong).

Mail domains are checked only when known: passed in (Ansible passes
``konbit_mail_domains``) or given as a ``konbit_mail_domains`` key in the file; the site
importer, which reads the members file alone, skips those checks.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import yaml

from ..ledger.errors import LedgerError
from ..ledger.money import get_currency, parse_money
from ..ledger.months import Month
from ..ledger.subscriptions import Subscription, SubscriptionHistory
from . import rules


class MembersFileError(LedgerError):
    """The members file is invalid; ``errors`` holds every problem found, in file order."""

    code = "invalid_members_file"

    def __init__(self, errors: list[LedgerError]) -> None:
        self.errors = tuple(errors)
        lines = "\n".join(f"- {e.message}" for e in self.errors)
        super().__init__("", f"{len(self.errors)} problem(s) in the members file:\n{lines}")
        self.field = self.errors[0].field if self.errors else ""


@dataclass(frozen=True)
class NextcloudRecord:
    quota: str | None = None  # as written; None: the Nextcloud role's default

    @property
    def quota_bytes(self) -> int | None:
        return rules.parse_size(self.quota) if self.quota is not None else None


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
    mailbox_quota: str | None = None  # as written; None: the mail role's default


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
    domain: str | None = None  # None: the konbit's default list domain
    archive: str = "private"
    posting: str = "members"


@dataclass(frozen=True)
class WikiRecord:
    name: str
    title: str = ""
    language: str = "en"
    visibility: str = "members"
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class MembersFile:
    members: tuple[MemberRecord, ...]
    lists: tuple[ListRecord, ...] = ()
    wikis: tuple[WikiRecord, ...] = ()
    mail_domains: tuple[str, ...] = ()
    list_domain: str | None = None

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

    def text(self, value: object, path: str, check=None) -> str | None:
        """Non-empty text; ``check(value)`` returns a reason to refuse it, or None."""
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"must be non-empty text, got {_kind(value)} {value!r}")
            return None
        problem = check(value) if check is not None else None
        if problem is not None:
            self.error(path, f"{value!r}: {problem}")
            return None
        return value

    def choice(self, m: Mapping, key: str, path: str, choices: Collection[str]) -> str | None:
        value = m.get(key, _MISSING)
        if value is _MISSING:
            return next(iter(choices))
        if value not in choices:
            self.error(_at(path, key), f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value

    def flag(self, value: object, path: str) -> bool:
        if value is _MISSING:
            return False
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, got {value!r}")
            return False
        return value

    def names(self, value: object, path: str, check=None) -> tuple[str, ...]:
        items = self.sequence(value, path)
        result = []
        for i, item in enumerate(items):
            name = self.text(item, f"{path}[{i}]", check)
            if name is not None:
                result.append(name)
        return tuple(result)

    def size(self, value: object, path: str) -> str | None:
        if value is _MISSING:
            return None
        if rules.parse_size(value) is None:
            self.error(path, f'{value!r} is not a size such as "10 GB" (or "unlimited")')
            return None
        return value

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


def _entry(path: str, index: int, value: object, key: str, check) -> str:
    """``path[name]`` when the entry's ``key`` is a valid name, else ``path[index]``."""
    name = value.get(key) if isinstance(value, Mapping) else None
    if isinstance(name, str) and check(name) is None:
        return f"{path}[{name}]"
    return f"{path}[{index}]"


class _MembersFileReader(_Reader):
    def __init__(self, mail_domains: Collection[str] | None, list_domain: str | None) -> None:
        super().__init__()
        self.mail_domains = {d.lower() for d in mail_domains} if mail_domains is not None else None
        self.list_domain = list_domain.lower() if list_domain else None
        self.logins: dict[str, str] = {}
        self.emails: dict[str, str] = {}
        self.addresses: dict[str, str] = {}  # every address the konbit delivers -> where
        self.person_refs: list[tuple[str, str, str]] = []  # (path, kind, name) to resolve
        self.mailbox_needed: list[tuple[str, str]] = []  # (path, email) in a konbit domain

    def hosted(self, address: str) -> bool | None:
        """Whether the konbit hosts the address's domain; None when domains are unknown."""
        if self.mail_domains is None:
            return None
        return rules.domain_of(address) in self.mail_domains

    def deliver(self, address: str, path: str) -> None:
        """Record an address the konbit delivers; one address, one destination."""
        self.unique(address.lower(), self.addresses, path, "address")

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
            domains = self.names(
                top["konbit_mail_domains"], "konbit_mail_domains", rules.domain_problem
            )
            self.mail_domains = (self.mail_domains or set()) | {d.lower() for d in domains}
        if self.list_domain is None and self.mail_domains:
            self.list_domain = sorted(self.mail_domains)[0]
        members = self.members(top.get("konbit_members", _MISSING))
        lists = self.lists(top.get("konbit_lists", _MISSING))
        wikis = self.wikis(top.get("konbit_wikis", _MISSING))
        known = {
            "list": {x.name for x in lists},
            "wiki": {x.name for x in wikis},
            "login": set(self.logins),
            "member": {m.id for m in members},
        }
        for path, kind, name in self.person_refs:
            if name not in known[kind]:
                self.error(path, f"no {kind} named {name!r} in the file", "unknown_reference")
        for path, email in self.mailbox_needed:
            if email.lower() not in self.addresses:
                self.error(
                    path,
                    f"{email!r} is in a konbit mail domain but is nobody's mailbox, alias or "
                    "list, so mail to it would go nowhere: set mailbox: true or give an "
                    "outside address",
                )
        if self.errors:
            raise MembersFileError(self.errors)
        return MembersFile(
            members=members,
            lists=lists,
            wikis=wikis,
            mail_domains=tuple(sorted(self.mail_domains or ())),
            list_domain=self.list_domain,
        )

    def members(self, value: object) -> tuple[MemberRecord, ...]:
        result = []
        ids: dict[str, str] = {}
        catchalls: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_members")):
            path = _entry("konbit_members", i, item, "id", rules.slug_problem)
            record = self.member(item, path, catchalls)
            if record is not None:
                self.unique(record.id, ids, f"{path}.id", "member id")
                result.append(record)
        return tuple(result)

    def member(self, value: object, path: str, catchalls: dict) -> MemberRecord | None:
        m = self.mapping(
            value,
            path,
            required=("id", "name", "currency"),
            optional=("domain", "subscriptions", "persons"),
        )
        if m is None:
            return None
        member_id = self.text(m.get("id", _MISSING), f"{path}.id", rules.slug_problem)
        name = self.text(m.get("name", _MISSING), f"{path}.name")
        currency = None
        if "currency" in m:
            try:
                currency = get_currency(m["currency"], f"{path}.currency").code
            except LedgerError as e:
                self.errors.append(e)
        domain = None
        if "domain" in m:
            domain = self.text(m["domain"], f"{path}.domain", rules.domain_problem)
            if domain and self.hosted("@" + domain) is False:
                self.error(f"{path}.domain", f"{domain!r} is not in konbit_mail_domains")
        subscriptions = self.subscriptions(m.get("subscriptions", _MISSING), currency, path)
        persons = []
        for j, item in enumerate(self.sequence(m.get("persons", _MISSING), f"{path}.persons")):
            where = _entry(f"{path}.persons", j, item, "login", rules.login_problem)
            person = self.person(item, where, catchalls)
            if person is not None:
                persons.append(person)
        if member_id is None or name is None or currency is None:
            return None
        return MemberRecord(member_id, name, currency, subscriptions, tuple(persons), domain)

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

    def person(self, value: object, path: str, catchalls: dict) -> PersonRecord | None:
        p = self.mapping(
            value,
            path,
            required=("login", "name", "email"),
            optional=(
                "mailbox", "mailbox_quota", "aliases", "lists", "wikis", "nextcloud", "contact",
            ),
        )  # fmt: skip
        if p is None:
            return None
        login = self.text(p.get("login", _MISSING), f"{path}.login", rules.person_login_problem)
        self.unique(login, self.logins, f"{path}.login", "login")
        name = self.text(p.get("name", _MISSING), f"{path}.name")
        email = self.text(p.get("email", _MISSING), f"{path}.email", rules.email_problem)
        if email is not None:
            self.unique(email.lower(), self.emails, f"{path}.email", "email")
        mailbox = self.flag(p.get("mailbox", _MISSING), f"{path}.mailbox")
        if email is not None:
            if mailbox:
                if self.hosted(email) is False:
                    self.error(f"{path}.mailbox", f"{email!r} is not in a konbit mail domain")
                else:
                    self.deliver(email, f"{path}.email")
            elif self.hosted(email):
                self.mailbox_needed.append((f"{path}.email", email))
        mailbox_quota = self.size(p.get("mailbox_quota", _MISSING), f"{path}.mailbox_quota")
        if mailbox_quota is not None and not mailbox:
            self.error(f"{path}.mailbox_quota", "is set but the person has no mailbox")
        aliases = self.aliases(p.get("aliases", _MISSING), f"{path}.aliases", catchalls)
        lists = self.names(p.get("lists", _MISSING), f"{path}.lists")
        wikis = self.names(p.get("wikis", _MISSING), f"{path}.wikis")
        for kind, names in (("list", lists), ("wiki", wikis)):
            for i, ref in enumerate(names):
                self.person_refs.append((f"{path}.{kind}s[{i}]", kind, ref))
        nextcloud = None
        if "nextcloud" in p:
            nc_path = f"{path}.nextcloud"
            nc = self.mapping(p["nextcloud"] or {}, nc_path, required=(), optional=("quota",))
            if nc is not None:
                nextcloud = NextcloudRecord(
                    self.size(nc.get("quota", _MISSING), f"{nc_path}.quota")
                )
        contact = self.flag(p.get("contact", _MISSING), f"{path}.contact")
        if login is None or name is None or email is None:
            return None
        return PersonRecord(
            login, name, email, mailbox, aliases, lists, wikis, nextcloud, contact, mailbox_quota
        )

    def aliases(self, value: object, path: str, catchalls: dict) -> tuple[str, ...]:
        result = []
        for i, alias in enumerate(self.sequence(value, path)):
            where = f"{path}[{i}]"
            is_catchall = isinstance(alias, str) and alias.startswith("@")
            check = rules.catchall_problem if is_catchall else rules.email_problem
            alias = self.text(alias, where, check)
            if alias is None:
                continue
            if self.hosted(alias) is False:
                self.error(where, f"{alias!r} is not in a konbit mail domain")
                continue
            if is_catchall:
                self.unique(alias.lower(), catchalls, where, "catch-all")
            else:
                self.deliver(alias, where)
            result.append(alias)
        return tuple(result)

    def lists(self, value: object) -> tuple[ListRecord, ...]:
        result = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_lists")):
            path = _entry("konbit_lists", i, item, "name", rules.slug_problem)
            m = self.mapping(
                item,
                path,
                required=("name",),
                optional=("description", "owners", "domain", "archive", "posting"),
            )
            if m is None:
                continue
            name = self.text(m.get("name", _MISSING), f"{path}.name", rules.slug_problem)
            self.unique(name, seen, f"{path}.name", "list")
            description = ""
            if "description" in m:
                description = self.text(m["description"], f"{path}.description") or ""
            owners = self.names(m.get("owners", _MISSING), f"{path}.owners")
            for j, owner in enumerate(owners):
                self.person_refs.append((f"{path}.owners[{j}]", "login", owner))
            domain = None
            if "domain" in m:
                domain = self.text(m["domain"], f"{path}.domain", rules.domain_problem)
                if domain and self.hosted("@" + domain) is False:
                    self.error(f"{path}.domain", f"{domain!r} is not in konbit_mail_domains")
            address_domain = (domain or self.list_domain or "").lower()
            if name is not None and address_domain:
                self.deliver(f"{name}@{address_domain}", f"{path}.name")
            archive = self.choice(m, "archive", path, rules.LIST_ARCHIVES)
            posting = self.choice(m, "posting", path, rules.LIST_POSTING)
            if name is not None and archive is not None and posting is not None:
                result.append(ListRecord(name, description, owners, domain, archive, posting))
        return tuple(result)

    def wikis(self, value: object) -> tuple[WikiRecord, ...]:
        result = []
        seen: dict[str, str] = {}
        for i, item in enumerate(self.sequence(value, "konbit_wikis")):
            path = _entry("konbit_wikis", i, item, "name", rules.host_label_problem)
            m = self.mapping(
                item,
                path,
                required=("name",),
                optional=("title", "language", "visibility", "organisations"),
            )
            if m is None:
                continue
            name = self.text(m.get("name", _MISSING), f"{path}.name", rules.host_label_problem)
            self.unique(name, seen, f"{path}.name", "wiki")
            title = self.text(m["title"], f"{path}.title") if "title" in m else ""
            language = "en"
            if "language" in m:
                language = m["language"]
                if not isinstance(language, str) or language not in rules.WIKI_LANGUAGES:
                    self.error(f"{path}.language", f"{language!r} is not a language DokuWiki ships")
                    language = None
            visibility = self.choice(m, "visibility", path, rules.WIKI_VISIBILITIES)
            organisations = self.names(m.get("organisations", _MISSING), f"{path}.organisations")
            for j, member_id in enumerate(organisations):
                self.person_refs.append((f"{path}.organisations[{j}]", "member", member_id))
            if None not in (name, title, language, visibility):
                result.append(WikiRecord(name, title, language, visibility, organisations))
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


def parse_members_data(
    data: object,
    *,
    mail_domains: Collection[str] | None = None,
    list_domain: str | None = None,
) -> MembersFile:
    """Validate already-loaded data (e.g. from Ansible). Raises MembersFileError.

    ``list_domain`` is the domain of lists that name none (Ansible passes the konbit's
    main domain); by default the first mail domain in alphabetical order."""
    return _MembersFileReader(mail_domains, list_domain).read(data)


def parse_members_yaml(
    text: str, *, mail_domains: Collection[str] | None = None, list_domain: str | None = None
) -> MembersFile:
    """Parse the members file's YAML text. Raises :class:`MembersFileError`."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as e:
        raise MembersFileError([LedgerError("yaml", str(e), code="invalid_yaml")]) from None
    return parse_members_data(data, mail_domains=mail_domains, list_domain=list_domain)
