"""Session results and the merged principles document of a congress.

A session's results are its ranked live proposals with every version and the endorsing
groups; once the session is ``closed`` the board accepts no change, so the document is
final (``final: true``). A congress's coordinators merge the results of its closed
sessions into one principles document (``principles``); ``document`` reads it for the page
and the exports, with each principle's provenance. Markdown and CSV are rendered here; the
HTML page and the PDF (WeasyPrint) share one template.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from .principles import Source


def session_results(session, now: datetime) -> dict:
    board = session.proposals
    phase, _ends = board.phase_window(now)
    groups = session.active_groups()
    total = len(groups)
    items = []
    for rank, proposal in enumerate(board.ranked(), start=1):
        items.append(
            {
                "rank": rank,
                "id": proposal.id,
                "text": proposal.text,
                "version": proposal.version,
                "endorsement_count": proposal.endorsement_count,
                "share": (proposal.endorsement_count / total) if total else 0.0,
                "endorsers": [
                    {"id": g, "name": session.group_name(g)} for g in proposal.endorsements
                ],
                "versions": [
                    {
                        "version": v.number,
                        "text": v.text,
                        "group": v.group,
                        "group_name": session.group_name(v.group),
                        "time": v.time.isoformat(),
                    }
                    for v in proposal.versions()
                ],
            }
        )
    return {
        "session": session.title,
        "session_id": session.__name__,
        "phase": phase,
        "final": phase == "closed",
        "groups": total,
        "venues": [
            {"id": v.__name__, "title": v.title, "city": v.city, "language": v.language}
            for v in session.venues()
        ],
        "items": items,
    }


def candidates(congress, now: datetime) -> tuple[list[dict], list[dict]]:
    """What a congress's principles can be merged from: ``(closed, pending)``. ``closed``
    lists each closed session with its ranked proposals as ``principles.Source`` objects;
    ``pending`` the sessions not closed yet (their results may still change)."""
    closed, pending = [], []
    for session in congress.sessions():
        result = session_results(session, now)
        if not result["final"]:
            pending.append({"id": session.__name__, "title": session.title})
            continue
        sources = [
            Source(
                session_id=session.__name__,
                session_title=session.title,
                proposal_id=item["id"],
                version=item["version"],
                text=item["text"],
                endorsements=item["endorsement_count"],
                groups=result["groups"],
            )
            for item in result["items"]
        ]
        closed.append({"id": session.__name__, "title": session.title, "sources": sources})
    return closed, pending


def document(congress, now: datetime) -> dict:
    """The principles document as pages and exports show it: its status, the principles
    in order (numbered) with their provenance, the sessions they come from, the closed
    proposals not merged yet and the sessions not closed yet, and the history."""
    doc = congress.principles_doc
    closed, pending = candidates(congress, now)
    principles = []
    if doc is not None:
        for number, principle in enumerate(doc.principles(), start=1):
            principles.append({**principle.to_dict(), "number": number})
    used = doc.used() if doc is not None else set()
    unmerged = [
        {**session, "sources": [s for s in session["sources"] if s.key not in used]}
        for session in closed
    ]
    titles = {}
    for principle in principles:
        for source in principle["sources"]:
            titles.setdefault(source["session_id"], source["session_title"])
    return {
        "congress": congress.title,
        "status": doc.status if doc is not None else "draft",
        "ratified_on": doc.ratified_on if doc is not None else None,
        "assembly": doc.assembly if doc is not None else "",
        "principles": principles,
        "sessions": list(titles.values()),
        "unmerged": [s for s in unmerged if s["sources"]],
        "pending": pending,
        "history": list(reversed(list(doc.history))) if doc is not None else [],
    }


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def provenance(source: dict, labels: dict) -> str:
    """One source of a principle, in words: ``Paris (p2, v3): 3/4 groups (75 %)``."""
    return (
        f"{source['session_title']} ({source['proposal_id']}, v{source['version']}): "
        f"{source['endorsements']}/{source['groups']} {labels['groups']} "
        f"({percent(source['share'])})"
    )


def to_markdown(doc: dict, labels: dict) -> str:
    """``labels``: translated words (``title``, ``status``, the status names, ``sources``,
    ``groups``, ``sessions``, ``original``)."""
    lines = [f"# {doc['congress']} — {labels['title']}", "", f"*{labels['status']}*", ""]
    if doc["sessions"]:
        lines += [f"{labels['sessions']}: {', '.join(doc['sessions'])}", ""]
    for item in doc["principles"]:
        lines.append(f"{item['number']}. {' '.join(item['text'].split())}")
        lines.append(f"   - {labels['sources']}:")
        for source in item["sources"]:
            lines.append(f"     - {provenance(source, labels)}")
            if source["text"] != item["text"]:
                lines.append(f"       {labels['original']}: {' '.join(source['text'].split())}")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = [
    "number",
    "principle",
    "status",
    "session",
    "proposal",
    "version",
    "proposal_text",
    "endorsements",
    "groups",
    "share",
]


def to_csv(doc: dict) -> str:
    """One row per source of each principle: the principle, then its provenance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in doc["principles"]:
        for source in item["sources"]:
            writer.writerow(
                [
                    item["number"],
                    _csv_safe(item["text"]),
                    doc["status"],
                    _csv_safe(source["session_title"]),
                    source["proposal_id"],
                    source["version"],
                    _csv_safe(source["text"]),
                    source["endorsements"],
                    source["groups"],
                    f"{source['share']:.4f}",
                ]
            )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
