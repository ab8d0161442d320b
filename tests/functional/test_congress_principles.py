"""The principles document: coordinators merge the proposals of several closed sessions
into principles (with their provenance), reword and order them, and take the document from
draft to proposed for ratification to ratified; the exports carry the provenance."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import ADMIN_PASSWORD, api_token, bearer, browser_login, csrf_from

SESSIONS = {
    "paris": ["Share one server", "Publish the admin hours every month"],
    "mexico": ["Un servidor compartido para todos", "Documentar en cuatro idiomas"],
}


@pytest.fixture
def closed_sessions(app):
    """Two closed sessions: in each, proposal p1 endorsed by 3 of 4 groups, p2 by 1."""
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"}, headers=admin)
    app.post_json("/tc/@workflow/publish", {}, headers=admin)
    for sid, texts in SESSIONS.items():
        app.post_json("/tc", {"@type": "Session", "id": sid, "title": sid.title()}, headers=admin)
        venue = {"@type": "Venue", "id": "v", "title": "V", "join_code": "K"}
        app.post_json(f"/tc/{sid}", venue, headers=admin)
        app.patch_json(f"/tc/{sid}", {"phase": "collaboration"}, headers=admin)
        scribes = []
        for n in range(4):
            res = app.post_json(f"/tc/{sid}/@join", {"venue": "v", "code": "K", "name": f"G{n}"})
            scribes.append(bearer(res.json["token"]))
        for text in texts:
            app.post_json(f"/tc/{sid}/@proposals", {"text": text}, headers=scribes[0])
        for scribe in scribes[1:3]:
            app.post_json(f"/tc/{sid}/@proposals/p1/@endorse", {}, headers=scribe)
        app.patch_json(f"/tc/{sid}", {"phase": "closed"}, headers=admin)
    browser_login(app, "admin", ADMIN_PASSWORD)
    return admin


def act(app, status=302, **fields):
    page = app.get("/tc/@@principles")
    fields["csrf_token"] = csrf_from(page)
    return app.post("/tc/@@principles", fields, status=status)


def principles(app):
    rows = list(csv.reader(io.StringIO(app.get("/tc/@@principles.csv").body.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def test_merge_groups_proposals_of_several_sessions_with_their_provenance(app, closed_sessions):
    page = app.get("/tc/@@principles")
    assert "Share one server" in page.text and "Un servidor compartido para todos" in page.text
    assert "No principle yet" in page.text

    # Paris's p1 and Mexico City's p1 are one idea: one principle, its text that of the
    # most endorsed source (a tie: the first), then reworded.
    act(app, action="group", source=["paris/p1", "mexico/p1"], text="")
    header, rows = principles(app)
    assert header[:4] == ["number", "principle", "status", "session"]
    assert [(r[0], r[1], r[2], r[3], r[4], r[7], r[8], r[9]) for r in rows] == [
        ("1", "Share one server", "draft", "Paris", "p1", "3", "4", "0.7500"),
        ("1", "Share one server", "draft", "Mexico", "p1", "3", "4", "0.7500"),
    ]
    act(app, action="text", principle="n1", text="One shared server for all members")
    act(app, action="group", source=["paris/p2"], text="Publish the admin hours monthly")
    act(app, action="add", principle="n2", source=["mexico/p2"])
    act(app, action="up", principle="n2")

    _header, rows = principles(app)
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("1", "Publish the admin hours monthly", "p2"),
        ("1", "Publish the admin hours monthly", "p2"),
        ("2", "One shared server for all members", "p1"),
        ("2", "One shared server for all members", "p1"),
    ]
    # Every source keeps its own text beside the principle's wording.
    assert rows[0][6] == "Publish the admin hours every month"
    assert rows[1][6] == "Documentar en cuatro idiomas"

    # A proposal feeds one principle at most: nothing counts twice.
    refused = act(app, status=409, action="group", source=["paris/p1"])
    assert "already in a principle" in refused.text
    assert len(principles(app)[1]) == 4
    page = app.get("/tc/@@principles")
    assert "Every proposal of the closed sessions is in a principle." in page.text

    # Taking a source out makes it available again; the last source cannot go.
    act(app, action="take-out", principle="n2", source="mexico/p2")
    assert 'value="mexico/p2"' in app.get("/tc/@@principles").text
    act(app, status=400, action="take-out", principle="n2", source="paris/p2")

    md = app.get("/tc/@@principles.md")
    assert md.content_type == "text/markdown"
    assert "1. Publish the admin hours monthly" in md.text
    assert "2. One shared server for all members" in md.text
    assert "Paris (p1, v1): 3/4 groups (75 %)" in md.text
    assert "Mexico (p1, v1): 3/4 groups (75 %)" in md.text
    assert "proposal's text: Share one server" in md.text
    pdf = app.get("/tc/@@principles.pdf")
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")

    history = app.get("/tc/@@principles").text
    for words in ("merged proposals into a principle", "reworded a principle", "moved a"):
        assert words in history


def test_only_coordinators_merge(app, closed_sessions):
    app.post("/@@logout", {"csrf_token": csrf_from(app.get("/"))})
    page = app.get("/tc/@@principles")
    assert "Merge proposals into principles" not in page.text
    app.post("/tc/@@principles", {"action": "group", "source": "paris/p1"}, status=(400, 403))


def test_ratification_states(app, closed_sessions):
    refused = act(app, status=400, action="propose")  # nothing to propose yet
    assert "cannot be proposed" in refused.text
    act(app, action="group", source=["paris/p1", "mexico/p1"], text="One shared server")
    act(app, action="propose")
    page = app.get("/tc/@@principles")
    assert "Proposed for ratification" in page.text
    assert "Merge proposals into principles" not in page.text  # frozen while proposed

    # A proposed document does not change.
    refused = act(app, status=409, action="text", principle="n1", text="Something else")
    assert "only change while it is a draft" in refused.text
    assert principles(app)[1][0][1] == "One shared server"

    # Back to draft for more work, then proposed again.
    act(app, action="reopen")
    act(app, action="text", principle="n1", text="One shared server, run together")
    act(app, action="propose")

    # Ratifying is final: the server asks first, and checks the date and the assembly.
    act(app, status=400, action="ratify", date="01/12/2026", assembly="General assembly")
    act(app, status=400, action="ratify", date="2026-12-01", assembly=" ")
    asked = act(app, status=200, action="ratify", date="2026-12-01", assembly="General assembly")
    assert "Record the ratification?" in asked.text and "can no longer change" in asked.text
    assert "Proposed for ratification" in app.get("/tc/@@principles").text
    asked.forms["confirm-form"].submit("confirm", status=302)

    page = app.get("/tc/@@principles")
    assert "Ratified on 2026-12-01 by General assembly." in page.text
    md = app.get("/tc/@@principles.md").text
    assert "*Ratified on 2026-12-01 by General assembly.*" in md
    assert principles(app)[1][0][2] == "ratified"
    act(app, status=409, action="reopen")  # final
    act(app, status=409, action="group", source=["paris/p2"])
    for words in ("proposed the document for ratification", "took the document back to draft"):
        assert words in page.text
    assert "recorded the ratification" in page.text
