"""Ledger commands of ``congress-site INI ...``: ``log-time`` and ``import-members``."""

from __future__ import annotations

import getpass
import os
import secrets
from pathlib import Path

from pyramid.paster import get_appsettings

from ...members.file import MembersFileError, parse_members_yaml
from ...scripts.db import site_transaction
from ..alerts import notify_new_alerts
from ..errors import LedgerError
from ..models import CONTACT_ROLE, MEMBER_ROLE
from ..timecredit import CATEGORIES
from . import store
from .alert_mail import command_alert_sender

ACTOR = "import-members"


class _DryRun(Exception):
    """Aborts the import transaction after the report is made."""


def register(subparsers):
    p = subparsers.add_parser(
        "log-time",
        help="log an intervention of the administrator",
        description="Log time spent on the konbit's server, e.g. "
        '`log-time --minutes 45 --category maintenance --description "Security updates"`.',
    )
    p.add_argument("--minutes", required=True, help="1 to 1440")
    p.add_argument("--category", required=True, choices=CATEGORIES)
    p.add_argument("--description", required=True)
    p.add_argument("--item", default=None, help="development item id (development only)")
    p.add_argument("--date", default=None, help="YYYY-MM-DD (default: today)")
    p.add_argument("--by", default=None, help="login of who did it (default: $SUDO_USER/$USER)")
    p.set_defaults(run=cmd_log_time)

    p = subparsers.add_parser(
        "import-members",
        help="create or update members, subscriptions and contact users from the members file",
    )
    p.add_argument("file", help="e.g. inventory/example/group_vars/konbit/members.yml")
    p.add_argument("--dry-run", action="store_true", help="report the changes, store nothing")
    p.set_defaults(run=cmd_import_members)


def _default_login() -> str:
    return os.environ.get("SUDO_USER") or os.environ.get("USER") or getpass.getuser()


def cmd_log_time(db, args):
    from ...scripts.main import CommandError

    by = (args.by or _default_login()).strip().lower()
    out: list[str] = []  # printed once the transaction has committed
    with site_transaction(db, f"log-time by {by}") as site:
        folder = store.get_folder(site)
        if folder is None:
            raise CommandError("the site has no members folder yet: run import-members first")
        try:
            entry = store.log_intervention(
                folder,
                minutes=args.minutes,
                category=args.category,
                description=args.description,
                logged_by=by,
                date=args.date,
                item_id=args.item,
            )
        except LedgerError as exc:
            raise CommandError(exc.message) from exc
        used = store.used_minutes(folder, entry.month)
        credit = folder.credits.get(str(entry.month))
        out.append(
            f"logged {entry.minutes} min of {entry.category} on {entry.date} "
            f"by {by} (id {entry.id})"
        )
        if credit is None:
            out.append(f"{entry.month}: {used} min used; no hours bought recorded for this month")
        else:
            bought = credit.minutes_bought
            out.append(f"{entry.month}: {used} of {bought} min used")
            send = command_alert_sender(
                get_appsettings(args.ini), site._p_jar.transaction_manager, site, folder
            )
            new = notify_new_alerts(folder, entry.month, used, bought, send=send)
            out += [f"alert: {t} % of the hours bought are used" for t in new]
    print("\n".join(out))


def cmd_import_members(db, args):
    from ...scripts.main import CommandError

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        members_file = parse_members_yaml(text)
    except MembersFileError as exc:
        raise CommandError(exc.message) from exc
    report: list[str] = []
    directory = bool((get_appsettings(args.ini).get("security.directory_url") or "").strip())
    try:
        with site_transaction(db, f"import-members {path.name}") as site:
            try:
                import_members(site, members_file, report, directory=directory)
            except LedgerError as exc:
                raise CommandError(f"{exc.message} (nothing was imported)") from exc
            if args.dry_run:
                raise _DryRun()
    except _DryRun:
        report.append("dry run: nothing stored")
    print("\n".join(report) if report else "nothing to do")


def import_members(
    site, members_file, report: list[str], directory: bool = False
) -> dict[str, int]:
    """Create or update every member of the file; never duplicates. Appends one line per
    change to ``report``; raises a LedgerError (and the caller aborts) on a refused change.

    With a directory (``security.directory_url``), contacts are the directory's persons:
    they get a site record without a password of its own and log in with their one
    directory password. Without one, they get a local account with a random password,
    printed once."""
    from ...content import operations

    counts = {"created": 0, "updated": 0, "unchanged": 0, "users": 0}
    folder = store.get_folder(site, create=True)
    for record in members_file.members:
        member = folder.get(record.id)
        changes = []
        if member is None:
            member = operations.create(
                folder,
                "Member",
                {"title": record.name, "description": "", "currency": record.currency},
                ACTOR,
                name=record.id,
            )
            counts["created"] += 1
            changes.append("created")
        else:
            if member.type_name != "Member":
                raise LedgerError("id", f"{record.id!r} exists and is not a member")
            if member.currency != record.currency:
                if len(member.entries):
                    raise LedgerError(
                        f"{record.id}.currency",
                        f"cannot change from {member.currency} to {record.currency}: "
                        "the member has ledger entries",
                    )
                member.currency = record.currency
                changes.append(f"currency {record.currency}")
            if member.title != record.name:
                operations.edit(member, {"title": record.name}, ACTOR)
                changes.append(f"name {record.name!r}")
        try:
            if store.set_subscriptions(folder, member, record.subscriptions):
                changes.append("subscriptions updated" if changes != ["created"] else "")
        except LedgerError as exc:
            raise LedgerError(f"{record.id}.subscriptions", exc.detail, code=exc.code) from exc
        changes.extend(_sync_contacts(site, member, record, report, counts, directory))
        changes = [c for c in changes if c]
        if changes:
            if "created" not in changes:
                counts["updated"] += 1
            report.append(f"member {record.id}: {', '.join(changes)}")
        else:
            counts["unchanged"] += 1
    known = {r.id for r in members_file.members}
    for member in folder.members():
        if member.member_id not in known:
            report.append(f"member {member.member_id}: not in the file, left as it is")
    report.append(
        f"{counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['users']} user(s) created"
    )
    return counts


def _sync_contacts(site, member, record, report, counts, directory=False) -> list[str]:
    from ...content import operations

    changes = []
    contacts = [p for p in record.persons if p.contact]
    for person in contacts:
        user = site.users.get(person.login)
        if user is None and directory:
            site.users.sync_directory_user(person.login, person.name, person.email, [MEMBER_ROLE])
            site.audit.add("user_added", ACTOR, None, login=person.login, roles=[MEMBER_ROLE])
            counts["users"] += 1
            report.append(f"user {person.login}: created (logs in with the directory password)")
        elif user is None:
            password = secrets.token_urlsafe(12)
            site.users.add_user(person.login, password, person.name, person.email, [MEMBER_ROLE])
            site.audit.add("user_added", ACTOR, None, login=person.login, roles=[MEMBER_ROLE])
            counts["users"] += 1
            report.append(f"user {person.login}: created, password: {password}")
        elif MEMBER_ROLE not in user.roles:
            user.roles = user.roles | {MEMBER_ROLE}
            report.append(f"user {person.login}: given the {MEMBER_ROLE} role")
        principal = f"user:{person.login}"
        roles = set(member.local_roles.get(principal, ()))
        if CONTACT_ROLE not in roles:
            operations.set_local_roles(member, principal, roles | {CONTACT_ROLE}, ACTOR)
            changes.append(f"contact {person.login} added")
    wanted = {p.login for p in contacts}
    for login in member.imported_contacts:
        if login in wanted:
            continue
        principal = f"user:{login}"
        roles = set(member.local_roles.get(principal, ()))
        if CONTACT_ROLE in roles:
            operations.set_local_roles(member, principal, roles - {CONTACT_ROLE}, ACTOR)
            changes.append(f"contact {login} removed")
    if tuple(sorted(wanted)) != tuple(member.imported_contacts):
        member.imported_contacts = tuple(sorted(wanted))
    return changes
