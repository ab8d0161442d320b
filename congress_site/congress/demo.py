"""Demo content: a congress with a live session in collaboration across three cities and an
online venue, and a closed session whose results feed the principles document.

``populate(site)`` is called by ``congress-site INI demo`` inside its transaction. It prints
addresses only: join codes are for coordinators, who read them on the session's
"Groups and join codes" page.
"""

from __future__ import annotations

from ..clock import utcnow
from ..content import operations
from . import content as _types  # noqa: F401  (registers Congress, Session, Venue)

CONGRESS = "techie-congress-2010"

LIVE_VENUES = [
    ("paris", "Paris — La Gaîté Lyrique", "Paris", "fr", False),
    ("mexico", "Ciudad de México — Casa del Lago", "Ciudad de México", "es", False),
    ("detroit", "Detroit — Tech Town", "Detroit", "en", False),
    ("online", "Online", "", "pt", True),
]
LIVE_GROUPS = {
    "paris": ["Les Castors", "Coop Tournesol"],
    "mexico": ["Colectivo Maíz", "Red Tlacuache"],
    "detroit": ["Eastside Makers"],
    "online": ["Rede Caju"],
}
LIVE_PROPOSALS = [
    ("Les Castors", "Each member pays solidarity shares according to its means, not its use."),
    ("Colectivo Maíz", "Every service on the shared server is documented in four languages."),
    ("Eastside Makers", "Admin hours and their use are published every month."),
]
CLOSED_PROPOSALS = [
    ("Rede Caju", "Decisions about the server are taken by the member organisations together."),
    ("Les Castors", "Backups are tested by restoring them, every quarter."),
]


def populate(site) -> None:
    if CONGRESS in site:
        return
    congress = operations.create(
        site,
        "Congress",
        {"title": "Techie Congress 2010", "description": "Sessions in several cities at once."},
        "admin",
        name=CONGRESS,
    )
    congress.review_state = "published"
    site.catalog.index(congress)
    now = utcnow()

    live = _session(congress, "live", "Paris · Mexico City · Detroit", now)
    groups = _venues_and_groups(live, LIVE_VENUES, LIVE_GROUPS, now)
    live.phase = "collaboration"
    board = live.proposals
    for author, text in LIVE_PROPOSALS:
        board.add(groups[author], text, now)
    board.endorse(groups["Coop Tournesol"], "p1", now)
    board.endorse(groups["Rede Caju"], "p1", now)
    board.endorse(groups["Red Tlacuache"], "p2", now)

    closed = _session(congress, "warm-up", "Warm-up session (online)", now)
    venue = [("online", "Online", "", "en", True)]
    warm = _venues_and_groups(
        closed, venue, {"online": ["Rede Caju", "Les Castors", "Colectivo Maíz"]}, now
    )
    closed.phase = "collaboration"
    for author, text in CLOSED_PROPOSALS:
        closed.proposals.add(warm[author], text, now)
    closed.proposals.endorse(warm["Colectivo Maíz"], "p1", now)
    closed.phase = "closed"

    print(f"Congress demo: /{CONGRESS}/live (collaboration, 4 venues); results in /{CONGRESS}")


def _session(congress, name, title, now):
    return operations.create(
        congress,
        "Session",
        {"title": title, "languages": {"en", "fr", "es", "pt"}, "start": now},
        "admin",
        name=name,
    )


def _venues_and_groups(session, venues, groups, now) -> dict[str, str]:
    ids = {}
    for name, title, city, language, online in venues:
        venue = operations.create(
            session,
            "Venue",
            {"title": title, "city": city, "language": language, "online": online},
            "admin",
            name=name,
        )
        for group_name in groups.get(name, ()):
            ids[group_name] = session.join(name, venue.join_code, group_name, now).id
    return ids
