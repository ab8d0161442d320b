"""The directory's access rules (olcAccess), built from the services registered with it.

Used by the directory role (filter ``konbit_directory_acl``) and by the site's test
fixtures, which start a real slapd with the same rules.

Each service registers itself with the ``directory`` role's ``service_account`` entry
point, naming the person attributes it reads, whether it reads groups and whether it
sets passwords (only the site does, for one-time links). Everything else is refused:
anonymous binds see nothing, a person reads their own entry, nobody reads a password
hash, and a locked person cannot bind.
"""

from __future__ import annotations

ROOT = "dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"
# Attributes every reader needs to find entries: filters name objectClass, and
# reading an entry at all needs access to the pseudo-attribute `entry`.
BASIC = ("entry", "objectClass")
TOKEN_ATTRS = ("konbitPasswordTokenHash", "konbitPasswordTokenExpiry")


def service_dn(name: str, base_dn: str) -> str:
    return f"cn={name},ou=services,{base_dn}"


def konbit_directory_acl(base_dn: str, services: list[dict]) -> list[str]:
    """olcAccess values with their ``{n}`` prefixes (ordered, so ``state: exact`` is
    idempotent). ``services``: ``{"name", "people_attributes", "groups", "passwords"}``."""
    people = f'dn.subtree="ou=people,{base_dn}"'
    services = sorted(services, key=lambda s: s["name"])
    writers = [s for s in services if s.get("passwords")]

    def by(selected, access):
        return "".join(
            f' by dn.exact="{service_dn(s["name"], base_dn)}" {access}' for s in selected
        )

    rules = [
        # Root over ldapi:/// (Ansible, the sysadmin with sudo) manages everything.
        f"to * by {ROOT} manage by * break",
        # A locked person (not in the members file any more) cannot bind at all.
        f"to {people} filter=(konbitLocked=TRUE) attrs=userPassword by * none",
        # Passwords: a person changes their own; services only check them by binding.
        f"to attrs=userPassword by self =xw{by(writers, '=w')} by anonymous auth by * none",
        # The pending one-time link: only the password setter (the site) sees it.
        f"to {people} attrs={','.join(TOKEN_ATTRS)}{by(writers, 'write')} by * none",
    ]
    for s in services:
        attrs = ",".join(dict.fromkeys([*BASIC, *s.get("people_attributes", [])]))
        rules.append(
            f"to {people} attrs={attrs}{by([s], 'read')} by * break",
        )
    readers = [s for s in services if s.get("groups")]
    rules += [
        f"to {people} by self read by * none",
        f'to dn.subtree="ou=groups,{base_dn}"{by(readers, "read")} by * none',
        f'to dn.subtree="ou=organisations,{base_dn}"{by(readers, "read")} by * none',
        # The base entry: services search from it.
        f'to dn.base="{base_dn}"{by(services, "read")} by * none',
        "to * by * none",
    ]
    return [f"{{{i}}}{rule}" for i, rule in enumerate(rules)]


class FilterModule:
    def filters(self):
        return {"konbit_directory_acl": konbit_directory_acl}
