"""What each service needs to know, derived from a valid members file.

The directory, mail, lists, wikis and Nextcloud are all configured from this one
derivation (the Ansible filter ``konbit_model`` returns :func:`service_model`), so for
example "who edits the wiki alpha" is answered once, here, and the directory's group, the
wiki's ACL and the account page agree.
"""

from __future__ import annotations

from . import rules
from .file import MembersFile

# Groups of the directory that grant a service right (the ``ou=groups`` branch).
PERSONS_GROUP = "persons"
MAILBOX_GROUP = "mailbox"
NEXTCLOUD_GROUP = "nextcloud"


def wiki_group(name: str) -> str:
    return f"wiki-{name}"


def list_group(name: str) -> str:
    """The persons the file subscribes to a list (for their account page)."""
    return f"list-{name}"


def list_owners_group(name: str) -> str:
    return f"list-{name}-owners"


GROUP_DESCRIPTIONS = {
    PERSONS_GROUP: "Every person of the members file",
    MAILBOX_GROUP: "Persons with a mailbox",
    NEXTCLOUD_GROUP: "Persons with a Nextcloud account",
}


def directory_groups(model: dict) -> list[dict]:
    """The directory's groups (relative DN, description, logins): one per member
    organisation under ``ou=organisations``, one per right under ``ou=groups``."""
    entries = [
        {
            "rdn": f"cn={org['id']},ou=organisations",
            "cn": org["id"],
            "description": org["name"],
            "logins": sorted(org["logins"]),
        }
        for org in model["organisations"]
    ]
    wikis = {w["group"]: w["name"] for w in model["wikis"]}
    owned = {list_owners_group(x["name"]): x["name"] for x in model["lists"]}
    subscribed = {list_group(x["name"]): x["name"] for x in model["lists"]}
    for cn, logins in model["groups"].items():
        if cn in wikis:
            description = f"Editors of the wiki {wikis[cn]}"
        elif cn in owned:
            description = f"Owners of the list {owned[cn]}"
        elif cn in subscribed:
            description = f"Subscribers of the list {subscribed[cn]}"
        else:
            description = GROUP_DESCRIPTIONS[cn]
        entries.append(
            {"rdn": f"cn={cn},ou=groups", "cn": cn, "description": description, "logins": logins}
        )
    return entries


def list_address(members_file: MembersFile, record) -> str:
    return f"{record.name}@{(record.domain or members_file.list_domain or '').lower()}"


def wiki_editors(members_file: MembersFile) -> dict[str, list[str]]:
    """Logins that edit each wiki: the persons naming it, and every person of the
    organisations it lists."""
    editors: dict[str, set[str]] = {w.name: set() for w in members_file.wikis}
    by_member = {m.id: m for m in members_file.members}
    for wiki in members_file.wikis:
        for member_id in wiki.organisations:
            editors[wiki.name] |= {p.login for p in by_member[member_id].persons}
    for _member_id, person in members_file.persons():
        for name in person.wikis:
            editors[name].add(person.login)
    return {name: sorted(logins) for name, logins in editors.items()}


def service_model(members_file: MembersFile) -> dict:
    """Plain data (JSON-able) for the roles: persons, organisations, groups, lists, wikis."""
    editors = wiki_editors(members_file)
    persons = []
    for member in members_file.members:
        for p in member.persons:
            persons.append(
                {
                    "login": p.login,
                    "name": p.name,
                    "email": p.email,
                    "member": member.id,
                    "member_name": member.name,
                    "mailbox": p.mailbox,
                    "mailbox_quota": rules.parse_size(p.mailbox_quota)
                    if p.mailbox_quota is not None
                    else None,
                    "aliases": [a for a in p.aliases if not a.startswith("@")],
                    "catchall": [a[1:].lower() for a in p.aliases if a.startswith("@")],
                    "lists": list(p.lists),
                    "wikis": sorted(w for w, logins in editors.items() if p.login in logins),
                    "nextcloud": p.nextcloud is not None,
                    "nextcloud_quota": p.nextcloud.quota_bytes if p.nextcloud else None,
                    "contact": p.contact,
                }
            )
    email_of = {p["login"]: p["email"] for p in persons}
    groups = {
        PERSONS_GROUP: sorted(email_of),
        MAILBOX_GROUP: sorted(p["login"] for p in persons if p["mailbox"]),
        NEXTCLOUD_GROUP: sorted(p["login"] for p in persons if p["nextcloud"]),
    }
    for wiki in members_file.wikis:
        groups[wiki_group(wiki.name)] = editors[wiki.name]
    for lst in members_file.lists:
        groups[list_group(lst.name)] = sorted(p["login"] for p in persons if lst.name in p["lists"])
        groups[list_owners_group(lst.name)] = sorted(lst.owners)
    model = {
        "mail_domains": list(members_file.mail_domains),
        "persons": persons,
        "organisations": [
            {
                "id": m.id,
                "name": m.name,
                "domain": m.domain,
                "logins": [p.login for p in m.persons],
            }
            for m in members_file.members
        ],
        "groups": groups,
        "lists": [
            {
                "name": lst.name,
                "address": list_address(members_file, lst),
                "domain": list_address(members_file, lst).partition("@")[2],
                "description": lst.description,
                "owners": list(lst.owners),
                "owner_emails": [email_of[o] for o in lst.owners],
                "archive": lst.archive,
                "posting": lst.posting,
                "subscribers": sorted(p["email"] for p in persons if lst.name in p["lists"]),
            }
            for lst in members_file.lists
        ],
        "wikis": [
            {
                "name": w.name,
                "title": w.title or w.name,
                "language": w.language,
                "visibility": w.visibility,
                "organisations": list(w.organisations),
                "editors": editors[w.name],
                "group": wiki_group(w.name),
            }
            for w in members_file.wikis
        ],
    }
    model["directory_groups"] = directory_groups(model)
    return model
