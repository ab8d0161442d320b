"""What coordinators set up: a session is never more visible than its congress, the session
form ties every label to its control and starts from the site's time zone, the session page
shows the schedule in each venue's time zone, and a scribe's stale edit without JavaScript
keeps the draft beside the current text, where the action was."""

from __future__ import annotations

import re

import pytest
from webtest import TestApp

from congress_site import main
from tests.conftest import (
    ADMIN_PASSWORD,
    Site,
    api_token,
    bearer,
    browser_login,
    csrf_from,
    make_settings,
)

SESSION = "/tc/paris"


def make_congress(app, publish: bool):
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"}, headers=admin)
    if publish:
        app.post_json("/tc/@workflow/publish", {}, headers=admin)
    app.post_json(
        "/tc",
        {
            "@type": "Session",
            "id": "paris",
            "title": "Secret session",
            "timezone": "Europe/Paris",
            "start": "2026-12-01T13:00:00+00:00",
        },
        headers=admin,
    )
    for vid, zone in (("salle", ""), ("cdmx", "America/Mexico_City")):
        body = {"@type": "Venue", "id": vid, "title": vid.upper(), "join_code": "K7"}
        app.post_json(SESSION, {**body, "timezone": zone}, headers=admin)
    return admin


def test_a_session_in_a_private_congress_is_neither_viewable_nor_joinable(app):
    admin = make_congress(app, publish=False)
    for path in (SESSION, f"{SESSION}/@@display?venue=salle", f"{SESSION}/@@join"):
        page = app.get(path, status=(302, 401, 403))
        assert "Secret session" not in page.text
    app.get(f"{SESSION}/@proposals", status=401)
    body = {"venue": "salle", "code": "K7", "name": "G"}
    res = app.post_json(f"{SESSION}/@join", body, status=401)
    assert res.json["error"] == "unauthorized"
    found = app.get("/@search?SearchableText=secret", headers={"Accept": "application/json"})
    assert found.json["items_total"] == 0
    # Coordinators still see it; publishing the congress opens it to everyone.
    assert "Secret session" in app.get(SESSION, headers=admin).text
    app.post_json("/tc/@workflow/publish", {}, headers=admin)
    assert "Secret session" in app.get(SESSION).text
    app.post_json(f"{SESSION}/@join", body, status=201)
    found = app.get("/@search?SearchableText=secret", headers={"Accept": "application/json"})
    assert found.json["items_total"] == 1
    # A published page inside a folder made private again goes private with it.
    app.post_json("/tc/@workflow/make_private", {}, headers=admin)
    app.get(SESSION, status=(302, 401, 403))


def test_the_short_join_address_leads_to_the_venue_only_for_those_who_may_see_it(app):
    make_congress(app, publish=True)
    display = app.get(f"{SESSION}/@@display?venue=cdmx")
    short = re.search(r'class="url">[^<]*(/j/[A-Z2-9]+)<', display.text).group(1)
    assert "<svg" in display.text  # the QR code, made on the server
    assert "K7" not in display.text  # the join code is for the room, not for the public
    res = app.get(short, status=302)
    assert res.headers["Location"].endswith(f"{SESSION}/@@join?venue=cdmx")
    app.get("/j/ZZZZZZZZZ", status=404)
    app.get("/j/not-a-code", status=404)


def test_session_form_labels_and_the_sites_time_zone(tmp_path):
    wsgi = main({}, **make_settings(tmp_path, **{"site.default_timezone": "America/Montreal"}))
    try:
        Site(wsgi).add_user("admin", ADMIN_PASSWORD, ["Manager"])
        app = TestApp(wsgi, extra_environ={"HTTP_HOST": "localhost"})
        admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
        app.post_json("/", {"@type": "Congress", "id": "tc", "title": "TC"}, headers=admin)
        browser_login(app, "admin", ADMIN_PASSWORD)
        form = app.get("/tc/@@add?type=Session").text
        # Every label names a control that exists; a group of boxes has a legend.
        for target in re.findall(r'<label[^>]*for="([^"]+)"', form):
            assert re.search(rf'id="{re.escape(target)}"', form), target
        assert "Follow the schedule" not in form and ">Phase<" not in form
        assert "<legend>Languages</legend>" in form
        assert '<option selected="selected" value="America/Montreal">' in form
        # Created through the API without a zone, a session gets the site's too.
        app.post_json("/tc", {"@type": "Session", "id": "s", "title": "S"}, headers=admin)
        assert app.get("/tc/s", headers=admin).json["timezone"] == "America/Montreal"
    finally:
        from congress_site.site import database

        database(wsgi.registry).close()
        from congress_site.content.types import configure_default_timezone

        configure_default_timezone(None)


def test_bad_default_time_zone_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="site.default_timezone"):
        main({}, **make_settings(tmp_path, **{"site.default_timezone": "Mars/Olympus"}))


def test_session_page_shows_the_schedule_in_each_venues_time_zone(app):
    make_congress(app, publish=True)
    page = app.get(SESSION).text
    assert "Europe/Paris" in page and "America/Mexico_City" in page
    # 13:00 UTC: 14:00 in Paris, 07:00 in Mexico City; the introduction lasts 15 minutes.
    assert "2:00\u202fPM–2:15\u202fPM" in page or "2:00 PM–2:15 PM" in page
    assert "7:00\u202fAM–7:15\u202fAM" in page or "7:00 AM–7:15 AM" in page
    french = app.get(SESSION, headers={"Accept-Language": "fr"}).text
    assert "14:00–14:15" in french and "07:00–07:15" in french


def test_a_stale_edit_without_javascript_keeps_the_draft_beside_the_current_text(app):
    admin = make_congress(app, publish=True)
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=admin)
    other = app.post_json(f"{SESSION}/@join", {"venue": "salle", "code": "K7", "name": "B"})
    other = bearer(other.json["token"])
    app.post_json(f"{SESSION}/@proposals", {"text": "Share the server"}, headers=other)

    page = app.get(f"{SESSION}/@@join?venue=salle")
    form = page.forms["join-form"]
    form["code"], form["name"] = "k7", "Les Castors"
    scribe = form.submit().follow()
    app.patch_json(
        f"{SESSION}/@proposals/p1", {"text": "Share one server", "base_version": 1}, headers=other
    )
    fields = {
        "action": "edit",
        "id": "p1",
        "base_version": "1",
        "text": "Share the server fairly",
        "csrf_token": csrf_from(scribe),
    }
    res = app.post(f"{SESSION}/@@scribe", fields, status=302)
    assert res.headers["Location"].endswith("@@scribe#p-p1")  # back where the action was
    page = res.follow()
    item = page.text[page.text.index('id="p-p1"') :]
    item = item[: item.index("</li>")]
    assert "Another group changed this proposal meanwhile" in item
    assert '<p class="current">Share one server</p>' in item
    assert ">Share the server fairly</textarea>" in item  # the draft, kept
    assert 'name="base_version" value="2"' in item  # saving again replaces knowingly
    assert '<details class="edit" open' in item
