"""The konbit's directory (OpenLDAP) as the site uses it: log persons in with their one
password, change it, set it from a one-time link, and read what services they have.

The layout is the directory role's (docs/directory.md): persons at
``uid=LOGIN,ou=people,BASE``, right groups at ``cn=NAME,ou=groups,BASE`` (``mailbox``,
``nextcloud``, ``wiki-NAME``, ``list-NAME``, ...), member organisations at
``cn=ID,ou=organisations,BASE``. The site binds with an account of its own that reads
persons and groups, sets passwords (through the Password Modify operation, so slapd
hashes them with Argon2) and manages the one-time links; only a SHA-256 of a link's
token is stored, in the person's entry.

No Pyramid here: the views call these functions and turn the outcomes into pages.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

import ldap
import ldap.filter

LINK_LIFETIME = datetime.timedelta(hours=72)
_TIME_FORMAT = "%Y%m%d%H%M%SZ"
_PERSON_ATTRS = [
    "uid", "cn", "displayName", "mail", "konbitMember", "konbitMailAlias", "konbitMailQuota",
    "konbitNextcloudQuota", "konbitLocked", "memberOf",
]  # fmt: skip


class DirectoryUnavailable(Exception):
    """The directory did not answer (down, misconfigured): nothing was changed."""


@dataclass(frozen=True)
class DirectorySettings:
    url: str
    base_dn: str
    bind_dn: str
    bind_password: str
    timeout: float = 5.0

    @classmethod
    def from_settings(cls, settings) -> DirectorySettings | None:
        """From the INI file's ``security.directory_*`` settings; None when unset.

        The bind password is read from ``security.directory_bind_password_file`` (what
        the deployment writes, readable by the site's user only) or given inline."""
        url = (settings.get("security.directory_url") or "").strip()
        if not url:
            return None
        password = settings.get("security.directory_bind_password")
        path = settings.get("security.directory_bind_password_file")
        if path:
            with open(path, encoding="utf-8") as f:
                password = f.read().strip()
        missing = [
            key
            for key, value in (
                ("security.directory_base_dn", settings.get("security.directory_base_dn")),
                ("security.directory_bind_dn", settings.get("security.directory_bind_dn")),
                ("security.directory_bind_password(_file)", password),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"security.directory_url is set: set {', '.join(missing)} too")
        return cls(
            url,
            settings["security.directory_base_dn"],
            settings["security.directory_bind_dn"],
            password,
            float(settings.get("security.directory_timeout", 5)),
        )


@dataclass(frozen=True)
class Person:
    """A person of the directory and the rights the members file gives them."""

    login: str
    dn: str
    name: str
    email: str
    member: str | None = None
    aliases: tuple[str, ...] = ()
    mail_quota: int | None = None  # bytes; 0 unlimited; None the server's default
    nextcloud_quota: str | None = None
    locked: bool = False
    groups: frozenset[str] = field(default_factory=frozenset)  # cn of the right groups

    @property
    def has_mailbox(self) -> bool:
        return "mailbox" in self.groups

    @property
    def has_nextcloud(self) -> bool:
        return "nextcloud" in self.groups

    @property
    def wikis(self) -> list[str]:
        return sorted(g.removeprefix("wiki-") for g in self.groups if g.startswith("wiki-"))

    @property
    def lists(self) -> list[str]:
        return sorted(
            g.removeprefix("list-")
            for g in self.groups
            if g.startswith("list-") and not g.endswith("-owners")
        )

    @property
    def owned_lists(self) -> list[str]:
        return sorted(
            g.removeprefix("list-").removesuffix("-owners")
            for g in self.groups
            if g.startswith("list-") and g.endswith("-owners")
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class LinkRefused(Exception):
    """A one-time link that cannot set a password; ``reason`` is ``unknown`` (never
    issued, or already used), ``expired`` or ``locked``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Directory:
    def __init__(self, settings: DirectorySettings):
        self.settings = settings
        self.people = f"ou=people,{settings.base_dn}"
        self.groups_base = f"ou=groups,{settings.base_dn}"

    # --- connections ------------------------------------------------------------
    def _connect(self, dn: str | None = None, password: str | None = None):
        """A bound connection (the site's account by default). Raises
        INVALID_CREDENTIALS for a wrong password, DirectoryUnavailable when the
        directory does not answer."""
        try:
            conn = ldap.initialize(self.settings.url)
            conn.protocol_version = 3
            conn.set_option(ldap.OPT_NETWORK_TIMEOUT, self.settings.timeout)
            conn.set_option(ldap.OPT_TIMEOUT, self.settings.timeout)
            conn.set_option(ldap.OPT_REFERRALS, 0)
            if dn is None:
                conn.simple_bind_s(self.settings.bind_dn, self.settings.bind_password)
            else:
                if not password:  # an empty password would be an anonymous bind
                    raise ldap.INVALID_CREDENTIALS({"desc": "empty password"})
                conn.simple_bind_s(dn, password)
            return conn
        except ldap.INVALID_CREDENTIALS:
            if dn is None:
                raise DirectoryUnavailable("the site's bind account was refused") from None
            raise
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc

    def _search_person(self, conn, filterstr: str) -> Person | None:
        try:
            found = conn.search_s(self.people, ldap.SCOPE_ONELEVEL, filterstr, _PERSON_ATTRS)
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        found = [(dn, attrs) for dn, attrs in found if dn]
        if len(found) != 1:
            return None
        return self._person(*found[0])

    def _person(self, dn: str, attrs: dict) -> Person:
        def one(key):
            values = attrs.get(key)
            return values[0].decode() if values else None

        groups = set()
        for value in attrs.get("memberOf", []):
            group_dn = value.decode()
            if group_dn.lower().endswith("," + self.groups_base.lower()):
                groups.add(group_dn.split(",", 1)[0].removeprefix("cn="))
        quota = one("konbitMailQuota")
        return Person(
            login=one("uid"),
            dn=dn,
            name=one("displayName") or one("cn") or one("uid"),
            email=one("mail") or "",
            member=one("konbitMember"),
            aliases=tuple(v.decode() for v in attrs.get("konbitMailAlias", [])),
            mail_quota=int(quota) if quota is not None else None,
            nextcloud_quota=one("konbitNextcloudQuota"),
            locked=one("konbitLocked") == "TRUE",
            groups=frozenset(groups),
        )

    # --- reading ----------------------------------------------------------------
    def find(self, login: str) -> Person | None:
        conn = self._connect()
        try:
            return self._search_person(
                conn, ldap.filter.filter_format("(&(objectClass=inetOrgPerson)(uid=%s))", [login])
            )
        finally:
            conn.unbind_s()

    def find_by_email(self, email: str) -> Person | None:
        conn = self._connect()
        try:
            return self._search_person(
                conn, ldap.filter.filter_format("(&(objectClass=inetOrgPerson)(mail=%s))", [email])
            )
        finally:
            conn.unbind_s()

    # --- passwords --------------------------------------------------------------
    def authenticate(self, login: str, password: str) -> Person | None:
        """The person, when ``password`` is theirs and they are not locked."""
        person = self.find(login)
        if person is None or person.locked:
            return None
        try:
            self._connect(person.dn, password).unbind_s()
        except ldap.INVALID_CREDENTIALS:
            return None
        return person

    def change_password(self, person: Person, old: str, new: str) -> bool:
        """Change a password as its owner (bound as the person, old password checked by
        slapd). False when ``old`` is wrong."""
        try:
            conn = self._connect(person.dn, old)
        except ldap.INVALID_CREDENTIALS:
            return False
        try:
            conn.passwd_s(person.dn, old, new)
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        finally:
            conn.unbind_s()
        return True

    def issue_link(self, person: Person, lifetime: datetime.timedelta = LINK_LIFETIME) -> str:
        """A new one-time link token for ``person`` (replacing any pending one)."""
        token = secrets.token_urlsafe(32)
        expiry = (_now() + lifetime).strftime(_TIME_FORMAT)
        conn = self._connect()
        try:
            conn.modify_s(
                person.dn,
                [
                    (ldap.MOD_REPLACE, "konbitPasswordTokenHash", [token_hash(token).encode()]),
                    (ldap.MOD_REPLACE, "konbitPasswordTokenExpiry", [expiry.encode()]),
                ],
            )
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        finally:
            conn.unbind_s()
        return token

    def person_for_link(self, token: str) -> Person:
        """The person a link sets the password of; raises LinkRefused."""
        conn = self._connect()
        try:
            return self._check_link(conn, token)[0]
        finally:
            conn.unbind_s()

    def _check_link(self, conn, token: str) -> tuple[Person, str]:
        if not token or len(token) > 200:
            raise LinkRefused("unknown")
        digest = token_hash(token)
        filterstr = ldap.filter.filter_format("(konbitPasswordTokenHash=%s)", [digest])
        try:
            found = conn.search_s(
                self.people,
                ldap.SCOPE_ONELEVEL,
                filterstr,
                [*_PERSON_ATTRS, "konbitPasswordTokenExpiry"],
            )
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        found = [(dn, attrs) for dn, attrs in found if dn]
        if len(found) != 1:
            raise LinkRefused("unknown")
        dn, attrs = found[0]
        person = self._person(dn, attrs)
        if person.locked:
            raise LinkRefused("locked")
        expiry = attrs.get("konbitPasswordTokenExpiry", [b"19700101000000Z"])[0].decode()
        if expiry < _now().strftime(_TIME_FORMAT):
            raise LinkRefused("expired")
        return person, digest

    def set_password_from_link(self, token: str, new: str) -> Person:
        """Set the password a valid link names, and use the link up. Raises
        LinkRefused; two uses of one link cannot both succeed (the first removes the
        exact hash value, which the second then fails to remove)."""
        conn = self._connect()
        try:
            person, digest = self._check_link(conn, token)
            try:
                conn.modify_s(
                    person.dn,
                    [
                        (ldap.MOD_DELETE, "konbitPasswordTokenHash", [digest.encode()]),
                        (ldap.MOD_DELETE, "konbitPasswordTokenExpiry", None),
                    ],
                )
            except ldap.NO_SUCH_ATTRIBUTE:
                raise LinkRefused("unknown") from None
            conn.passwd_s(person.dn, None, new)
            return person
        except ldap.LDAPError as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        finally:
            conn.unbind_s()


def directory_from_settings(settings) -> Directory | None:
    config = DirectorySettings.from_settings(settings)
    return Directory(config) if config is not None else None


REGISTRY_KEY = "konbit.directory"


def from_registry(registry) -> Directory | None:
    """The site's directory (None when ``security.directory_url`` is unset)."""
    return registry.get(REGISTRY_KEY)
