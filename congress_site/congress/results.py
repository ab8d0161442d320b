"""Session results and the merged principles document of a congress.

A session's results are its ranked live proposals with every version and the endorsing
groups; once the session is ``closed`` the board accepts no change, so the document is
final (``final: true``). A congress merges the results of its sessions into one list of
principles, each with its source session and the share of that session's groups that
endorse it, ordered by that share. Markdown and CSV are rendered here; the HTML page and
the PDF (WeasyPrint) share one template.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime


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


def principles(congress, now: datetime) -> dict:
    """The merged document: closed sessions only, items by share of endorsing groups."""
    sessions, pending, items = [], [], []
    for session in congress.sessions():
        result = session_results(session, now)
        if not result["final"]:
            pending.append({"id": session.__name__, "title": session.title})
            continue
        sessions.append(
            {"id": session.__name__, "title": session.title, "groups": result["groups"]}
        )
        for item in result["items"]:
            items.append(
                {
                    "text": item["text"],
                    "session": session.title,
                    "session_id": session.__name__,
                    "endorsement_count": item["endorsement_count"],
                    "groups": result["groups"],
                    "share": item["share"],
                    "versions": len(item["versions"]),
                }
            )
    items.sort(key=lambda i: (-i["share"], -i["endorsement_count"]))
    for number, item in enumerate(items, start=1):
        item["number"] = number
    return {"congress": congress.title, "sessions": sessions, "pending": pending, "items": items}


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def to_markdown(doc: dict, labels: dict) -> str:
    """``labels``: translated words (``title``, ``source``, ``endorsed``, ``sessions``)."""
    lines = [f"# {doc['congress']} — {labels['title']}", ""]
    if doc["sessions"]:
        names = ", ".join(s["title"] for s in doc["sessions"])
        lines += [f"*{labels['sessions']}: {names}*", ""]
    for item in doc["items"]:
        text = " ".join(item["text"].split())
        lines.append(f"{item['number']}. {text}")
        lines.append(
            f"   — {labels['source']}: {item['session']}; {labels['endorsed']}: "
            f"{item['endorsement_count']}/{item['groups']} ({percent(item['share'])})"
        )
    return "\n".join(lines) + "\n"


def to_csv(doc: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["number", "text", "session", "endorsements", "groups", "share", "versions"])
    for item in doc["items"]:
        writer.writerow(
            [
                item["number"],
                _csv_safe(item["text"]),
                _csv_safe(item["session"]),
                item["endorsement_count"],
                item["groups"],
                f"{item['share']:.4f}",
                item["versions"],
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
