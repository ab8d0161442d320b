"""Congress pages without JavaScript: phase buttons, join, scribe forms, display, results,
group management, and the principles document with its exports."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import ADMIN_PASSWORD, api_token, bearer, browser_login, csrf_from

SESSION = "/tc/paris"


@pytest.fixture
def admin(app):
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json(
        "/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"}, headers=headers
    )
    app.post_json("/tc/@workflow/publish", {}, headers=headers)
    app.post_json("/tc", {"@type": "Session", "id": "paris", "title": "Paris"}, headers=headers)
    for vid, lang in (("salle", "fr"), ("sala", "es"), ("online", "en")):
        app.post_json(
            SESSION,
            {
                "@type": "Venue",
                "id": vid,
                "title": vid.title(),
                "language": lang,
                "join_code": "CODE" + vid,
            },
            headers=headers,
        )
    return headers


def join_in_browser(app, name, venue="salle"):
    page = app.get(f"{SESSION}/@@join?venue={venue}")
    assert f'value="{venue}" selected' in page.text
    form = page.forms["join-form"]
    form["code"] = f"code{venue}"
    form["name"] = name
    return form.submit().follow()


def scribe_post(app, page, **fields):
    fields["csrf_token"] = csrf_from(page)
    return app.post(f"{SESSION}/@@scribe", fields).follow()


def test_phase_buttons(app, admin):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get(SESSION)
    assert "Preparation" in page.text and "Follow the schedule" in page.text
    token = csrf_from(page)
    page = app.post(f"{SESSION}/@@phase", {"phase": "collaboration", "csrf_token": token}).follow()
    assert "Phase changed." in page.text
    assert app.get(f"{SESSION}/@proposals").json["phase"] == "collaboration"
    page = app.post(f"{SESSION}/@@phase", {"schedule": "1", "csrf_token": token}).follow()
    assert "Set a start time" in page.text
    app.post(f"{SESSION}/@@phase", {"phase": "closed"}, status=400)  # no CSRF token


def test_phase_buttons_are_for_coordinators(app, admin):
    page = app.get(SESSION)
    assert "Set the phase" not in page.text
    app.post(f"{SESSION}/@@phase", {"phase": "closed", "csrf_token": "x"}, status=(400, 403))


def test_join_and_act_without_javascript(app, admin):
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=admin)
    scribe = join_in_browser(app, "Les Castors")
    assert "Welcome, Les Castors." in scribe.text
    assert "No proposals yet." in scribe.text
    scribe = scribe_post(app, scribe, action="add", text="Partager le serveur")
    assert "Proposal added." in scribe.text and "Partager le serveur" in scribe.text
    assert "You endorse this" in scribe.text
    scribe = scribe_post(app, scribe, action="withdraw", id="p1")
    assert "No proposals yet." in scribe.text  # its only endorsement went: retired
    scribe = scribe_post(app, scribe, action="add", text="Une idée")
    scribe = scribe_post(app, scribe, action="edit", id="p2", base_version="1", text="Deux idées")
    assert "Proposal saved." in scribe.text and "Deux idées" in scribe.text
    scribe = scribe_post(app, scribe, action="edit", id="p2", base_version="1", text="Trois")
    assert "Another group changed this proposal meanwhile" in scribe.text
    assert ">Trois</textarea>" in scribe.text  # the scribe's own text is kept
    scribe = scribe_post(app, scribe, action="add", text="")
    assert "The text is empty" in scribe.text
    state = app.get(f"{SESSION}/@proposals").json
    assert [i["text"] for i in state["items"]] == ["Deux idées"]


def test_join_page_errors(app, admin):
    page = app.get(f"{SESSION}/@@join")
    form = page.forms["join-form"]
    form["venue"] = "salle"
    form["code"] = "wrong"
    form["name"] = "X"
    res = form.submit(status=403)
    assert "Wrong join code" in res.text
    join_in_browser(app, "Same")
    app.reset()
    page = app.get(f"{SESSION}/@@join?venue=salle")
    form = page.forms["join-form"]
    form["code"], form["name"] = "codesalle", "same"
    assert "already joined" in form.submit(status=409).text


def test_scribe_page_needs_a_join(app, admin):
    res = app.get(f"{SESSION}/@@scribe")
    assert res.status_int == 302 and res.location.endswith("@@join")


def test_display_is_public_and_in_the_venue_language(app, admin):
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=admin)
    token = app.post_json(f"{SESSION}/@join", {"venue": "sala", "code": "CODEsala", "name": "A"})
    h = bearer(token.json["token"])
    app.post_json(f"{SESSION}/@proposals", {"text": "Compartir <el> servidor"}, headers=h)
    page = app.get(f"{SESSION}/@@display?venue=sala", headers={"Accept-Language": "en"})
    assert '<html lang="es"' in page.text
    assert "Colaboración" in page.text
    assert "Compartir &lt;el&gt; servidor" in page.text  # escaped
    assert "CODEsala".upper() not in page.text  # the join code never shows
    french = app.get(f"{SESSION}/@@display?venue=salle")
    assert '<html lang="fr"' in french.text and "Collaboration" in french.text
    assert "groupes" in french.text


def test_manage_groups_page(app, admin):
    token = app.post_json(f"{SESSION}/@join", {"venue": "salle", "code": "CODEsalle", "name": "A"})
    gid = token.json["group"]
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = app.get(f"{SESSION}/@@manage")
    assert "CODESALLE" in page.text
    csrf = csrf_from(page)
    page = app.post(
        f"{SESSION}/@@manage",
        {"action": "rename", "group": gid, "name": "Alpha", "csrf_token": csrf},
    ).follow()
    assert "Alpha" in page.text
    # Resetting a code and removing a group are confirmed first: the first post only asks.
    reset = {"action": "reset-code", "venue": "salle", "csrf_token": csrf}
    asked = app.post(f"{SESSION}/@@manage", reset, status=200)
    assert "Reset the join code?" in asked.text and "Salle" in asked.text
    assert "CODESALLE" in app.get(f"{SESSION}/@@manage").text
    page = asked.forms["confirm-form"].submit("confirm").follow()
    assert "CODESALLE" not in page.text
    remove = {"action": "remove", "group": gid, "csrf_token": csrf}
    asked = app.post(f"{SESSION}/@@manage", remove, status=200)
    assert "Alpha" in asked.text and "cannot be undone" in asked.text
    assert [g["active"] for g in app.get(f"{SESSION}/@groups").json["items"]] == [True]
    app.post(f"{SESSION}/@@manage", {**remove, "confirm": "yes"}, status=302)
    assert [g["active"] for g in app.get(f"{SESSION}/@groups").json["items"]] == [False]


def test_disruptive_phase_changes_are_confirmed_on_the_server(app, admin):
    browser_login(app, "admin", ADMIN_PASSWORD)
    csrf = csrf_from(app.get(SESSION))

    def phase():
        return app.get(f"{SESSION}/@proposals").json["phase"]

    # Forward, the usual way: no question.
    app.post(f"{SESSION}/@@phase", {"phase": "collaboration", "csrf_token": csrf}, status=302)
    assert phase() == "collaboration"
    for target, words in (("closed", "Close the session"), ("introduction", "Change the phase")):
        asked = app.post(f"{SESSION}/@@phase", {"phase": target, "csrf_token": csrf}, status=200)
        assert words in asked.text and "Collaboration" in asked.text
        assert phase() == "collaboration"  # nothing changed without the confirmation field
    app.post(
        f"{SESSION}/@@phase",
        {"phase": "closed", "csrf_token": csrf, "confirm": "yes"},
        status=302,
    )
    assert phase() == "closed"
    # Following a schedule whose clock says "introduction" would reopen it: asked too.
    app.patch_json(SESSION, {"start": "2000-01-01T10:00:00+00:00"}, headers=admin)
    app.patch_json(SESSION, {"phase": "closed"}, headers=admin)
    future = "2999-01-01T10:00:00+00:00"
    app.patch_json(SESSION, {"start": future}, headers=admin)
    asked = app.post(f"{SESSION}/@@phase", {"schedule": "1", "csrf_token": csrf}, status=200)
    assert "Preparation" in asked.text and "clock" in asked.text
    assert phase() == "closed"
    asked.forms["confirm-form"].submit("confirm", status=302)
    assert phase() == "preparation"


def test_results_and_principles_with_exports(app, admin):
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=admin)
    hs = []
    for name in ("A", "B", "C", "D"):
        res = app.post_json(
            f"{SESSION}/@join", {"venue": "salle", "code": "codesalle", "name": name}
        )
        hs.append(bearer(res.json["token"]))
    app.post_json(f"{SESSION}/@proposals", {"text": "=Share the server"}, headers=hs[0])
    app.post_json(f"{SESSION}/@proposals", {"text": "Pay by means"}, headers=hs[1])
    app.patch_json(
        f"{SESSION}/@proposals/p2",
        {"text": "Pay according to means", "base_version": 1},
        headers=hs[2],
    )
    for h in hs[:3]:
        app.post_json(f"{SESSION}/@proposals/p2/@endorse", {}, headers=h)
    page = app.get(f"{SESSION}/@@results")
    assert "Provisional" in page.text
    browser_login(app, "admin", ADMIN_PASSWORD)
    principles = app.get("/tc/@@principles")
    assert "Not closed yet, so not available:" in principles.text and "Paris" in principles.text
    assert "Pay according to means" not in principles.text

    app.patch_json(SESSION, {"phase": "closed"}, headers=admin)
    page = app.get(f"{SESSION}/@@results")
    assert "Provisional" not in page.text
    assert page.text.index("Pay according to means") < page.text.index("=Share the server")
    assert "3/4 (75 %)" in page.text and "<ins>according to</ins>" in page.text

    principles = app.get("/tc/@@principles")
    assert "Pay according to means" in principles.text and "75 %" in principles.text
    for source in ("paris/p2", "paris/p1"):
        fields = {"action": "group", "source": source, "csrf_token": csrf_from(principles)}
        app.post("/tc/@@principles", fields, status=302)
    md = app.get("/tc/@@principles.md")
    assert md.content_type == "text/markdown"
    assert "1. Pay according to means" in md.text and "Paris (p2, v2): 3/4 groups (75 %)" in md.text
    rows = list(csv.reader(io.StringIO(app.get("/tc/@@principles.csv").body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["number", "principle"]
    assert rows[1][:5] == ["1", "Pay according to means", "draft", "Paris", "p2"]
    assert rows[2][1] == "'=Share the server"  # no formula injection
    pdf = app.get("/tc/@@principles.pdf")
    assert pdf.content_type == "application/pdf" and pdf.body.startswith(b"%PDF")
    assert len(pdf.body) > 2000


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Rejoindre la session"), ("es", "Unirse a la sesión"), ("pt", "Entrar na sessão")],
)
def test_pages_follow_the_browser_language(app, admin, language, heading):
    page = app.get(f"{SESSION}/@@join", headers={"Accept-Language": language})
    assert heading in page.text
