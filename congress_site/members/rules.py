"""Formats of the names and values of the konbit description, in one place.

Everything that configures the server and the site from the members file agrees
through these functions: the members-file reader (``members.file``), the site's own
accounts (``security.users``) and, through the Ansible filter ``plugins/filter/konbit.py``,
every role. Each check returns ``None`` when the value is fine, else a short reason.
"""

from __future__ import annotations

import re

# A person's login is their directory uid, their site, wiki and Nextcloud login and a
# word in LDAP filters and file names: lowercase ASCII, starting with a letter, ending
# with a letter or digit, 2 to 32 characters (the shortest limit among the services).
LOGIN_MIN, LOGIN_MAX = 2, 32
_LOGIN_RE = re.compile(r"[a-z][a-z0-9._-]*[a-z0-9]")
# Logins that name a system or service account somewhere on the server or the site.
RESERVED_LOGINS = frozenset(
    {
        "abuse", "admin", "administrator", "hostmaster", "list", "mailer-daemon", "nobody",
        "noreply", "postmaster", "root", "webmaster", "www-data",
    }
)  # fmt: skip
# Member ids and list names: slugs (a list name is also a mail local part).
_SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
# A wiki name becomes a host label (``<name>.<wikis domain>``) and a directory name.
_HOST_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DOMAIN_RE = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# Addresses as the konbit hosts them: a plain local part (no quoting, no comments).
_LOCAL_PART_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
_SIZE_RE = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?([KMGT]?B)", re.IGNORECASE)
_SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
UNLIMITED = "unlimited"

# Languages DokuWiki 2022-07-31 ships: the directories of inc/lang/ in Debian's dokuwiki
# package (0.0.20220731.a-2). A few (fy, kn, ml) translate little beyond the admin page;
# DokuWiki offers them all. molecule/default/verify-wikis.yml checks this list against the
# installed package.
WIKI_LANGUAGES = frozenset(
    """af ar az be bg bn ca ca-valencia ckb cs cy da de de-informal el en eo es et eu fa
    fi fo fr fy gl he hi hr hu hu-formal hy ia id id-ni is it ja ka kk km kn ko ku la
    lb lt lv mg mk ml mr ms nan ne nl no oc pl pt pt-br ro ru si sk sl sq sr sv ta th
    tr uk uz vi zh zh-tw""".split()
)
WIKI_VISIBILITIES = ("members", "public")
LIST_ARCHIVES = ("private", "public")
# members: non-members' posts are held; anyone: open; announce: only owners post.
LIST_POSTING = ("members", "anyone", "announce")


def login_problem(value: str) -> str | None:
    if not LOGIN_MIN <= len(value) <= LOGIN_MAX:
        return f"a login has {LOGIN_MIN} to {LOGIN_MAX} characters"
    if not _LOGIN_RE.fullmatch(value):
        return (
            "a login is lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter and ending with a letter or digit"
        )
    return None


def person_login_problem(value: str) -> str | None:
    """A login in the members file: the login format, and not a reserved name."""
    problem = login_problem(value)
    if problem is None and value in RESERVED_LOGINS:
        problem = "reserved for the server's own accounts"
    return problem


def slug_problem(value: str) -> str | None:
    if not _SLUG_RE.fullmatch(value):
        return "use lowercase letters, digits and '-' (not at either end), at most 64"
    return None


def host_label_problem(value: str) -> str | None:
    if not _HOST_LABEL_RE.fullmatch(value):
        return "not a host name label (a-z, 0-9, '-' not at either end, at most 63)"
    return None


def domain_problem(value: str) -> str | None:
    if not _DOMAIN_RE.fullmatch(value):
        return "not a lowercase domain name such as example.org"
    return None


def email_problem(value: str) -> str | None:
    local, at, domain = value.rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL_PART_RE.fullmatch(local):
        return "not an email address"
    if domain_problem(domain.lower()):
        return "not an email address (bad domain)"
    return None


def catchall_problem(value: str) -> str | None:
    """A catch-all alias is written ``@domain``: every address of the domain that is
    nobody's mailbox, alias or list (Postfix's own notation)."""
    if not value.startswith("@") or domain_problem(value[1:].lower()):
        return "a catch-all is written @domain"
    return None


def domain_of(address: str) -> str:
    """The domain of an address or a ``@domain`` catch-all, lowercased (domains are
    case-insensitive; local parts are kept as written)."""
    return address.rpartition("@")[2].lower()


def parse_size(value: object) -> int | None:
    """Bytes of a quota such as ``"10 GB"`` (binary multiples, as Dovecot and Nextcloud
    count), 0 for ``"unlimited"``; None when it is not a size."""
    if not isinstance(value, str):
        return None
    if value.strip().lower() == UNLIMITED:
        return 0
    match = _SIZE_RE.fullmatch(value.strip())
    if match is None:
        return None
    number, unit = match.groups()
    size = int(float(number) * _SIZE_UNITS[unit.upper()])
    return size if size > 0 else None
