"""Congress commands for ``congress-site INI ...``: set a session's phase, export principles."""

from __future__ import annotations

from pyramid.traversal import find_resource

from ..clock import utcnow
from ..scripts.db import site_transaction
from .phases import PHASES


def register(subparsers):
    p = subparsers.add_parser("congress-phase", help="set a congress session's phase")
    p.add_argument("session", help="path of the session, e.g. /techie-congress-2010/live")
    p.add_argument("phase", choices=PHASES + ("schedule",), help="a phase, or 'schedule'")
    p.set_defaults(run=cmd_phase)

    p = subparsers.add_parser(
        "congress-principles", help="print a congress's principles (Markdown)"
    )
    p.add_argument("congress", help="path of the congress, e.g. /techie-congress-2010")
    p.set_defaults(run=cmd_principles)


def _find(site, path, type_name):
    from ..scripts.main import CommandError

    try:
        obj = find_resource(site, path)
    except KeyError as exc:
        raise CommandError(f"nothing at {path}") from exc
    if getattr(obj, "type_name", None) != type_name:
        raise CommandError(f"{path} is not a {type_name}")
    return obj


def cmd_phase(db, args):
    from ..scripts.main import CommandError
    from . import content  # noqa: F401  (registers the types)

    with site_transaction(db, f"congress-phase {args.session} {args.phase}") as site:
        session = _find(site, args.session, "Session")
        try:
            if args.phase == "schedule":
                session.scheduled = True
            else:
                session.phase = args.phase
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        session.record("phase", "cli", phase=session.phase, scheduled=session.scheduled)
        print(f"{args.session}: {session.phase}{' (scheduled)' if session.scheduled else ''}")


def cmd_principles(db, args):
    from . import content  # noqa: F401
    from .results import document, to_markdown

    with site_transaction(db) as site:
        congress = _find(site, args.congress, "Congress")
        doc = document(congress, utcnow())
        status = {"draft": "Draft", "proposed": "Proposed for ratification"}.get(doc["status"])
        if status is None:
            status = f"Ratified on {doc['ratified_on'].isoformat()} by {doc['assembly']}."
        labels = {
            "title": "Principles",
            "status": status,
            "sources": "From",
            "groups": "groups",
            "sessions": "Sessions",
            "original": "proposal's text",
        }
        print(to_markdown(doc, labels), end="")
