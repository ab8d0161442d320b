"""Demo ledger data for ``congress-site INI demo``: members with EUR and CAD shares,
six months of time credit (the older ones closed), interventions and development items.

Months are relative to today so the demo always shows a recent period. Idempotent: does
nothing when the members folder already holds members.
"""

from __future__ import annotations

import datetime
import random
import secrets

from ...clock import today
from ...content import operations
from ..models import CONTACT_ROLE, MEMBER_ROLE, SYSADMIN_ROLE
from ..months import Month
from . import store

MEMBERS = (
    # id, name, currency, shares, amount per share, contact login, contact name
    ("coop-alpha", "Coop Alpha", "EUR", 2, "15.00", "marie", "Marie Dubois"),
    ("asso-beta", "Association Beta", "CAD", 1, "20.00", "sophie", "Sophie Tremblay"),
    ("atelier-gamma", "Atelier Gamma", "EUR", 1, "7.50", "lucia", "Lúcia Ferreira"),
    ("reseau-delta", "Réseau Delta", "CAD", 2, "20.00", "omar", "Omar Diallo"),
)

ITEMS = (
    ("backup-drill", "Monthly restore drill", "6", "in_progress"),
    ("nextcloud-upgrade", "Nextcloud major upgrade", "8", "allocated"),
    ("matrix-server", "Matrix chat server", "12", "proposed"),
)

TASKS = (
    ("maintenance", None, "Security updates and reboot"),
    ("maintenance", None, "Mail queue stuck: cleared and watched"),
    ("maintenance", None, "Disk usage alert on /var"),
    ("maintenance", None, "Renewed a certificate by hand"),
    ("development", "backup-drill", "Restore drill: database and files"),
    ("development", "nextcloud-upgrade", "Upgrade rehearsal on a copy"),
)


def populate(site, months: int = 6, closed: int = 4, seed: int = 4) -> dict[str, str]:
    """Create the demo ledger; returns the demo users' generated passwords."""
    folder = store.get_folder(site, create=True)
    if folder.members():
        return {}
    rng = random.Random(seed)
    folder.title = "Members"
    folder.description = "The konbit's member organisations, their shares and the admin time."
    this_month = Month.of(today())
    first = this_month - (months - 1)
    passwords: dict[str, str] = {}

    for member_id, name, currency, shares, amount, login, fullname in MEMBERS:
        member = operations.create(
            folder,
            "Member",
            {"title": name, "description": "", "currency": currency},
            "admin",
            name=member_id,
        )
        lines = store.parse_subscriptions(
            [{"from": str(first), "shares": shares, "amount_per_share": amount}], currency
        )
        store.set_subscriptions(folder, member, lines)
        if site.users.get(login) is None:
            passwords[login] = secrets.token_urlsafe(12)
            site.users.add_user(
                login, passwords[login], fullname, f"{login}@example.org", [MEMBER_ROLE]
            )
        operations.set_local_roles(member, f"user:{login}", {CONTACT_ROLE}, "admin")
    if site.users.get("sysadmin") is None:
        passwords["sysadmin"] = secrets.token_urlsafe(12)
        site.users.add_user(
            "sysadmin",
            passwords["sysadmin"],
            "Konbit sysadmin",
            "sysadmin@example.org",
            [SYSADMIN_ROLE],
        )

    for item_id, title, hours, status in ITEMS:
        store.save_item(folder, item_id, title=title, allocated_hours=hours, status=status)

    for month in (first + i for i in range(months)):
        store.set_credit(
            folder,
            month,
            hours="10",
            development_hours="4",
            hourly_rate="60.00",
            rates={"EUR": "1.48"},
            server_cost="45.00",
        )
        last_day = (month.next().first_day() - datetime.timedelta(days=1)).day
        if month == this_month:
            last_day = min(last_day, today().day)
        for _ in range(rng.randint(6, 12)):
            category, item_id, text = rng.choice(TASKS)
            store.log_intervention(
                folder,
                minutes=rng.choice((15, 20, 30, 45, 60, 90)),
                category=category,
                item_id=item_id,
                description=text,
                logged_by="sysadmin",
                date=datetime.date(month.year, month.month, rng.randint(1, last_day)),
            )
        for member in folder.members():
            # Réseau Delta pays late: every other month.
            if member.member_id == "reseau-delta" and month.index % 2:
                continue
            dues = member.subscription_history.dues(month)
            day = datetime.date(month.year, month.month, min(5, last_day))
            store.record_payment(
                folder,
                member,
                date=day,
                amount=dues.format(),
                cad_received=None if member.currency == "CAD" else _cad(dues.cents),
                reference=f"transfer {month}",
            )
    for month in (first + i for i in range(min(closed, months))):
        store.close(folder, month, "admin")
    for login, password in sorted(passwords.items()):
        print(f"  ledger demo user: {login}   password: {password}")
    return passwords


def _cad(eur_cents: int) -> str:
    from ..money import Money

    return Money(eur_cents * 148 // 100, "CAD").format()
