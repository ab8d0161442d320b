"""A real slapd (Debian's) in a temporary directory, configured like the konbit's.

The schema is the directory role's own (roles/directory/files/konbit-schema.ldif) and
the access rules come from the same function the role uses
(plugins/filter/konbit_directory.py), so the site is tested against the directory it
will meet on the server: Argon2 hashes, memberOf, locked persons, one-time link
attributes readable only by the site's bind account.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins" / "filter"))
from konbit_directory import konbit_directory_acl  # noqa: E402

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE_DN = "dc=konbit,dc=example,dc=org"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PW = "test-only-root-password"
SITE_DN = f"cn=site,ou=services,{BASE_DN}"
SITE_PW = "test-only-site-password"
SITE_ATTRIBUTES = [
    "uid", "cn", "displayName", "mail", "konbitMember", "konbitMailAlias", "konbitMailQuota",
    "konbitNextcloudQuota", "konbitLocked", "memberOf",
]  # fmt: skip


def require_slapd() -> None:
    """Tests need Debian's slapd (`make test` installs it); without it they fail, they
    never skip."""
    missing = [p for p in (SLAPD, SLAPADD, MODULE_DIR / "argon2.so") if not Path(p).exists()]
    if missing:
        raise RuntimeError(
            f"Debian's slapd is needed for the directory tests ({', '.join(map(str, missing))} "
            "missing): run `make system-deps`"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ldif_value(value: str) -> str:
    if value.isascii() and not value.startswith((" ", ":", "<")) and "\n" not in value:
        return f" {value}"
    return ": " + base64.b64encode(value.encode()).decode()


def _entry(dn: str, attrs: dict) -> str:
    lines = [f"dn:{_ldif_value(dn)}"]
    for key, values in attrs.items():
        for v in values if isinstance(values, list) else [values]:
            lines.append(f"{key}:{_ldif_value(str(v))}")
    return "\n".join(lines) + "\n\n"


def _config_ldif(db_dir: Path, run_dir: Path) -> str:
    acl = konbit_directory_acl(
        BASE_DN,
        [{"name": "site", "people_attributes": SITE_ATTRIBUTES, "groups": True, "passwords": True}],
    )
    schema_includes = "".join(
        f"include: file://{path}\n\n"
        for path in (
            SCHEMA_DIR / "core.ldif",
            SCHEMA_DIR / "cosine.ldif",
            SCHEMA_DIR / "inetorgperson.ldif",
            ROOT / "roles" / "directory" / "files" / "konbit-schema.ldif",
        )
    )
    return (
        _entry(
            "cn=config",
            {
                "objectClass": "olcGlobal",
                "cn": "config",
                "olcPidFile": str(run_dir / "slapd.pid"),
            },
        )
        + _entry(
            "cn=module{0},cn=config",
            {
                "objectClass": "olcModuleList",
                "cn": "module{0}",
                "olcModulePath": str(MODULE_DIR),
                "olcModuleLoad": ["back_mdb", "argon2", "memberof"],
            },
        )
        + _entry("cn=schema,cn=config", {"objectClass": "olcSchemaConfig", "cn": "schema"})
        + schema_includes
        + _entry(
            "olcDatabase={-1}frontend,cn=config",
            {
                "objectClass": ["olcDatabaseConfig", "olcFrontendConfig"],
                "olcDatabase": "{-1}frontend",
                "olcPasswordHash": "{ARGON2}",
            },
        )
        + _entry(
            "olcDatabase={0}config,cn=config",
            {"objectClass": "olcDatabaseConfig", "olcDatabase": "{0}config"},
        )
        + _entry(
            "olcDatabase={1}mdb,cn=config",
            {
                "objectClass": ["olcDatabaseConfig", "olcMdbConfig"],
                "olcDatabase": "{1}mdb",
                "olcSuffix": BASE_DN,
                "olcDbDirectory": str(db_dir),
                "olcRootDN": ROOT_DN,
                "olcRootPW": ROOT_PW,
                "olcDbIndex": ["objectClass eq", "uid eq", "mail eq", "konbitPasswordTokenHash eq"],
                "olcAccess": acl,
            },
        )
        + _entry(
            "olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config",
            {
                "objectClass": ["olcOverlayConfig", "olcMemberOf"],
                "olcOverlay": "{0}memberof",
                "olcMemberOfRefInt": "TRUE",
            },
        )
    )


@dataclass
class LdapServer:
    """A running slapd; ``url`` is ``ldap://127.0.0.1:PORT``."""

    workdir: Path
    port: int = 0
    process: subprocess.Popen | None = None
    people: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def settings(self) -> dict[str, str]:
        """The site's INI settings for this directory."""
        return {
            "security.directory_url": self.url,
            "security.directory_base_dn": BASE_DN,
            "security.directory_bind_dn": SITE_DN,
            "security.directory_bind_password": SITE_PW,
        }

    def start(self) -> LdapServer:
        require_slapd()
        conf, db, run = (self.workdir / n for n in ("slapd.d", "db", "run"))
        for d in (conf, db, run):
            d.mkdir(parents=True)
        (self.workdir / "config.ldif").write_text(_config_ldif(db, run))
        subprocess.run(
            [SLAPADD, "-n0", "-F", str(conf), "-l", str(self.workdir / "config.ldif")],
            check=True,
            capture_output=True,
        )
        self.port = _free_port()
        socket_url = "ldapi://" + urllib.parse.quote(str(run / "ldapi"), safe="")
        self.process = subprocess.Popen(
            # -d 256: one log line per operation and result (kept in slapd.log for a failing
            # test to show).
            [SLAPD, "-d", "256", "-h", f"{self.url}/ {socket_url}", "-F", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "slapd.log").open("wb"),
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.workdir / "slapd.log").read_text()
                raise RuntimeError(f"slapd exited: {log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("slapd did not start listening within 15 s")
        self._load_tree()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # --- data, written as the root DN (test only) -------------------------------
    def connect(self, dn: str = ROOT_DN, password: str = ROOT_PW):
        import ldap

        conn = ldap.initialize(self.url)
        conn.protocol_version = 3
        conn.simple_bind_s(dn, password)
        return conn

    def _add(self, conn, dn: str, attrs: dict) -> None:
        import ldap.modlist

        encoded = {
            k: [str(v).encode() for v in (vs if isinstance(vs, list) else [vs])]
            for k, vs in attrs.items()
        }
        conn.add_s(dn, ldap.modlist.addModlist(encoded))

    def _load_tree(self) -> None:
        conn = self.connect()
        self._add(conn, BASE_DN, {"objectClass": ["dcObject", "organization"], "dc": "konbit",
                                  "o": "Konbit Example"})  # fmt: skip
        for ou in ("people", "groups", "organisations", "services"):
            self._add(conn, f"ou={ou},{BASE_DN}", {"objectClass": "organizationalUnit", "ou": ou})
        self._add(conn, SITE_DN, {"objectClass": "person", "cn": "site", "sn": "site"})
        conn.passwd_s(SITE_DN, None, SITE_PW)
        conn.unbind_s()

    def add_person(
        self,
        login: str,
        name: str,
        email: str,
        *,
        member: str = "coop-alpha",
        password: str | None = None,
        groups: tuple[str, ...] = ("persons",),
        aliases: tuple[str, ...] = (),
        mail_quota: int | None = None,
        nextcloud_quota: str | None = None,
    ) -> str:
        """Add a person as the directory role would; returns the DN."""
        dn = f"uid={login},ou=people,{BASE_DN}"
        attrs = {
            "objectClass": ["inetOrgPerson", "konbitPerson"],
            "uid": login,
            "cn": name,
            "sn": name.split()[-1],
            "displayName": name,
            "mail": email,
            "konbitMember": member,
        }
        if aliases:
            attrs["konbitMailAlias"] = list(aliases)
        if mail_quota is not None:
            attrs["konbitMailQuota"] = mail_quota
        if nextcloud_quota is not None:
            attrs["konbitNextcloudQuota"] = nextcloud_quota
        conn = self.connect()
        self._add(conn, dn, attrs)
        if password is not None:
            conn.passwd_s(dn, None, password)
        for group in groups:
            self.join(conn, dn, f"cn={group},ou=groups,{BASE_DN}")
        self.join(conn, dn, f"cn={member},ou=organisations,{BASE_DN}")
        conn.unbind_s()
        self.people.append(login)
        return dn

    def join(self, conn, dn: str, group_dn: str) -> None:
        import ldap

        try:
            conn.modify_s(group_dn, [(ldap.MOD_ADD, "member", [dn.encode()])])
        except ldap.NO_SUCH_OBJECT:
            self._add(conn, group_dn, {"objectClass": "groupOfNames",
                                       "cn": group_dn.split(",")[0][3:], "member": dn})  # fmt: skip

    def give_link(self, login: str, token: str, expiry: str = "20991231000000Z") -> None:
        """Store a one-time link's hash as the directory role's invitations do."""
        import ldap

        conn = self.connect()
        conn.modify_s(
            f"uid={login},ou=people,{BASE_DN}",
            [
                (ldap.MOD_REPLACE, "konbitPasswordTokenHash",
                 [hashlib.sha256(token.encode()).hexdigest().encode()]),
                (ldap.MOD_REPLACE, "konbitPasswordTokenExpiry", [expiry.encode()]),
            ],
        )  # fmt: skip
        conn.unbind_s()

    def lock(self, login: str) -> None:
        """What the directory role does to a person removed from the members file."""
        import ldap

        dn = f"uid={login},ou=people,{BASE_DN}"
        conn = self.connect()
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "konbitLocked", [b"TRUE"])])
        for base in (f"ou=groups,{BASE_DN}", f"ou=organisations,{BASE_DN}"):
            for group_dn, attrs in conn.search_s(
                base, ldap.SCOPE_ONELEVEL, f"(member={dn})", ["member"]
            ):
                others = [m for m in attrs["member"] if m != dn.encode()]
                nobody = f"cn=nobody,{BASE_DN}".encode()  # groupOfNames needs a member
                conn.modify_s(group_dn, [(ldap.MOD_REPLACE, "member", others or [nobody])])
        conn.unbind_s()

    def attributes(self, login: str) -> dict:
        import ldap

        conn = self.connect()
        [(_, attrs)] = conn.search_s(
            f"uid={login},ou=people,{BASE_DN}", ldap.SCOPE_BASE, attrlist=["*", "+"]
        )
        conn.unbind_s()
        # slapd 2.5.13's argon2 module stores a few stray bytes after the hash.
        return {k: [v.decode(errors="replace") for v in vs] for k, vs in attrs.items()}

    def can_bind(self, login: str, password: str) -> bool:
        import ldap

        try:
            self.connect(f"uid={login},ou=people,{BASE_DN}", password).unbind_s()
            return True
        except ldap.INVALID_CREDENTIALS:
            return False


def start_ldap_server(workdir: Path) -> LdapServer:
    workdir = Path(workdir)
    os.makedirs(workdir, exist_ok=True)
    return LdapServer(workdir / "slapd").start()
