"""Site commands: init, adduser, demo, evolve, pack."""

from __future__ import annotations

import importlib.util
import secrets
import sys
from pathlib import Path

from ..evolve import LATEST, evolve, pending
from ..security.passwords import password_problems
from ..security.roles import GLOBAL_ROLES
from ..security.users import UserError
from .db import site_transaction


def register(subparsers):
    p = subparsers.add_parser("init", help="create the site root if missing")
    p.set_defaults(run=cmd_init)

    p = subparsers.add_parser("adduser", help="add a user, or reset its password")
    p.add_argument("login")
    p.add_argument("--role", action="append", default=[], choices=GLOBAL_ROLES)
    p.add_argument("--fullname", default="")
    p.add_argument("--email", default="")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else one is generated)",
    )
    p.add_argument("--if-missing", action="store_true", help="leave an existing user unchanged")
    p.set_defaults(run=cmd_adduser)

    p = subparsers.add_parser("demo", help="create the site with demo content and an admin")
    p.set_defaults(run=cmd_demo)

    p = subparsers.add_parser("evolve", help="run pending schema migrations")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(run=cmd_evolve)

    p = subparsers.add_parser("pack", help="pack the database (drop old revisions)")
    p.add_argument("--days", type=float, default=0.0, help="keep this many days of history")
    p.set_defaults(run=cmd_pack)


def cmd_init(db, args):
    with site_transaction(db, "init") as site:
        print(f"site '{site.title}' ready (schema version {site.schema_version})")


def _read_password(args, login) -> tuple[str, bool]:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        generated = False
    else:
        password = secrets.token_urlsafe(12)
        generated = True
    problems = password_problems(password, login)
    if problems:
        from ..i18n import _  # noqa: F401  (messages are translation strings)
        from .main import CommandError

        raise CommandError("password refused: " + "; ".join(p.interpolate() for p in problems))
    return password, generated


def cmd_adduser(db, args):
    from .main import CommandError

    login = args.login.strip().lower()
    password, generated = _read_password(args, login)
    with site_transaction(db, f"adduser {login}") as site:
        user = site.users.get(login)
        if user is not None and args.if_missing:
            print(f"user {login} exists: unchanged")
            return
        try:
            if user is None:
                site.users.add_user(login, password, args.fullname, args.email, args.role)
                site.audit.add("user_added", "cli", None, login=login, roles=args.role)
                print(f"added user {login} with roles {', '.join(args.role) or '(none)'}")
            else:
                user.set_password(password)
                if args.role:
                    user.roles = frozenset(args.role)
                site.audit.add("password_reset", "cli", None, login=login)
                print(f"user {login} exists: password reset")
        except UserError as exc:
            raise CommandError(str(exc)) from exc
    if generated:
        print(f"password: {password}")


DEMO_PAGES = [
    (
        "Page",
        "front-page",
        {
            "title": "Welcome to the konbit",
            "description": "One shared server, run by a worker co-op, for its members.",
            "text": "<p>Members pay <strong>solidarity shares</strong> according to their means. "
            "Here they read their statements, and everyone follows the Techie Congress "
            "sessions live.</p>",
        },
    ),
    (
        "Folder",
        "about",
        {"title": "About the konbit", "description": "Who we are and how the shared server works."},
    ),
    (
        "Page",
        "about/charter",
        {
            "title": "Our charter",
            "description": "The principles the member organisations agreed on.",
            "text": "<p>Member organisations pre-finance one shared server together. "
            "Contributions are <strong>decoupled from use</strong>: each pays "
            "solidarity shares according to its means.</p>",
        },
    ),
    (
        "News Item",
        "about/server-online",
        {
            "title": "The shared server is online",
            "description": "Mail, lists, wikis and Nextcloud for every member.",
            "text": "<p>The worker co-op finished the installation.</p>",
        },
    ),
    (
        "Event",
        "about/general-assembly",
        {
            "title": "General assembly",
            "description": "Yearly meeting of the member organisations.",
            "location": "Maison des associations, Montréal",
            "timezone": "America/Montreal",
        },
    ),
    (
        "Page",
        "about/internal-notes",
        {
            "title": "Internal notes",
            "description": "Only for logged-in members.",
            "text": "<p>Server passwords live in the vault, not here.</p>",
        },
    ),
]


def populate_demo(site) -> None:
    from datetime import UTC, datetime, timedelta

    from ..content import operations

    if "about" in site:
        return  # already populated
    site.title = "Konbit numérique"
    for type_name, path, values in DEMO_PAGES:
        *parents, name = path.split("/")
        container = site
        for parent in parents:
            container = container[parent]
        values = dict(values)
        if type_name == "Event":
            start = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=30)
            values.update(start=start, end=start + timedelta(hours=3))
        obj = operations.create(container, type_name, values, "admin", name=name)
        obj.review_state = "internal" if name == "internal-notes" else "published"
        site.catalog.index(obj)


def cmd_demo(db, args):
    ini_dir = Path(args.ini).resolve().parent
    secret_file = ini_dir / "var" / "admin-password.txt"
    with site_transaction(db, "demo") as site:
        if site.users.get("admin") is None:
            password = secrets.token_urlsafe(12)
            site.users.add_user(
                "admin", password, "Site administrator", "admin@example.org", ["Manager"]
            )
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(password + "\n")
            secret_file.chmod(0o600)
        populate_demo(site)
        for name in ("congress_site.congress.demo", "congress_site.ledger.web.demo"):
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name).populate(site)
    password = secret_file.read_text().strip() if secret_file.exists() else "(unknown)"
    print("Demo site ready at http://localhost:6543/")
    print(f"  administrator login: admin   password: {password}")


def cmd_evolve(db, args):
    with site_transaction(db, "evolve") as site:
        steps = pending(site)
        if not steps:
            print(f"up to date (schema version {site.schema_version})")
            return
        if args.dry_run:
            for number, module in steps:
                print(f"would run step {number}: {module.__doc__.strip().splitlines()[0]}")
            return
        version = evolve(site)
        print(f"evolved to schema version {version} (latest {LATEST})")


def cmd_pack(db, args):
    import time

    db.pack(time.time() - args.days * 86400)
    print(f"packed, keeping {args.days:g} days of history")
