"""Ansible filters over the konbit description, calling the site's own Python rules.

``konbit_model`` validates the members file with exactly the code the site's
``import-members`` uses (``congress_site.members``) and returns what the roles
configure services from, so Ansible and the site can never disagree on a rule.

    konbit_members | konbit_model(lists=konbit_lists, wikis=konbit_wikis,
                                  mail_domains=konbit_mail_domains,
                                  list_domain=konbit_domain)
    -> {"problems": ["konbit_members[coop-x].persons[ana].login: ...", ...],
        "persons": [...], "organisations": [...], "groups": {...},
        "lists": [...], "wikis": [...], "mail_domains": [...]}

``konbit_size`` reads a size with the members file's rule, for role settings:

    "10 GB" | konbit_size -> 10737418240 ("unlimited" -> 0, "lots" -> None)
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import congress_site.members  # noqa: F401  (installed in the control node's venv)
except ImportError:  # a checkout used without `make venv`: import from the repository
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from congress_site.members.file import MembersFileError, parse_members_data  # noqa: E402
from congress_site.members.model import service_model  # noqa: E402
from congress_site.members.rules import parse_size  # noqa: E402


def _plain(value):
    """Ansible's tagged YAML types as plain Python values (messages show ``str``, not
    ``AnsibleUnicode``)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def konbit_model(members, lists=None, wikis=None, mail_domains=None, list_domain=None):
    data = {
        "konbit_members": _plain(members),
        "konbit_lists": _plain(lists or []),
        "konbit_wikis": _plain(wikis or []),
    }
    try:
        parsed = parse_members_data(
            data,
            mail_domains=[str(d) for d in mail_domains or []],
            list_domain=str(list_domain) if list_domain else None,
        )
    except MembersFileError as exc:
        return {"problems": [e.message for e in exc.errors]}
    return {"problems": [], **service_model(parsed)}


def konbit_size(value):
    """Bytes of a size written as in the members file ("5 GB"; 0 for "unlimited"),
    None when it is not one: role settings such as nextcloud_default_quota follow the
    members file's rule."""
    return parse_size(_plain(value))


class FilterModule:
    def filters(self):
        return {"konbit_model": konbit_model, "konbit_size": konbit_size}
