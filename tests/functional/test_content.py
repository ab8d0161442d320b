"""Content through the browser: forms with CSRF, workflow, anonymous hiding."""

from __future__ import annotations

import json

from tests.conftest import (
    ADMIN_PASSWORD,
    MEMBER_PASSWORD,
    api_token,
    bearer,
    browser_login,
    csrf_from,
)


def add_page(app, container="/", title="Hello", text="<p>World</p>"):
    page = app.get(f"{container}@@add?type=Page")
    form = page.forms["content-form"]
    form["title"] = title
    form["text"] = text
    return form.submit("submit").follow()


def publish(app, url, transition="publish"):
    page = app.get(url)
    return app.post(f"{url}@@workflow", {"csrf_token": csrf_from(page), "transition": transition})


def test_login_add_publish_and_anonymous_view(app):
    assert browser_login(app, "admin", ADMIN_PASSWORD).status_int == 302
    page = add_page(app, title="Meeting notes", text="<p>Bring <b>coffee</b></p>")
    assert "Meeting notes" in page.text
    url = page.request.path
    # Private: anonymous cannot see it anywhere.
    anon = app.__class__(app.app, extra_environ=app.extra_environ)
    assert anon.get(url, status=302).location.startswith("http://localhost/@@login")
    assert "Meeting notes" not in anon.get("/").text
    assert "Meeting notes" not in anon.get("/@@search?SearchableText=coffee").text
    assert "Meeting notes" not in anon.get("/@@sitemap").text
    publish(app, url)
    assert "Bring <b>coffee</b>" in anon.get(url).text
    assert "Meeting notes" in anon.get("/@@search?SearchableText=coffee").text


def test_forms_refuse_missing_csrf_token(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    res = app.post("/@@add?type=Page", {"title": "x", "text": ""}, status=400)
    assert "Form expired" in res.text
    listing = app.get("/", headers={"Accept": "application/json"}).json
    assert listing["items_total"] == 0


def test_rich_text_is_sanitised(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    page = add_page(app, text='<p onclick="evil()">ok<script>alert(1)</script></p>')
    assert "<script>" not in page.text and "onclick" not in page.text
    assert "<p>ok</p>" in page.text


def test_member_cannot_add_at_site_root_or_edit_others(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    url = add_page(app).request.path
    publish(app, url)
    app.post("/@@logout", {"csrf_token": csrf_from(app.get("/"))})
    browser_login(app, "member", MEMBER_PASSWORD)
    app.get("/@@add?type=Page", status=403)
    app.get(f"{url}@@edit", status=403)
    assert app.get(url).status_int == 200


def test_internal_content_only_for_authenticated(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    url = add_page(app, title="Internal memo").request.path
    publish(app, url, "make_internal")
    anon = app.__class__(app.app, extra_environ=app.extra_environ)
    anon.get(url, status=302)
    member = app.__class__(app.app, extra_environ=app.extra_environ)
    browser_login(member, "member", MEMBER_PASSWORD)
    assert "Internal memo" in member.get(url).text


def test_sharing_gives_a_local_role(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    folder = app.get("/@@add?type=Folder").forms["content-form"]
    folder["title"] = "Working group"
    url = folder.submit("submit").follow().request.path
    sharing = app.get(f"{url}@@sharing", {"search": "MEMB"})
    result = sharing.html.select_one("tr.result")
    assert result.th.get_text(" ", strip=True) == "Member (member) User"
    form_id = result.select_one("form")["id"]
    # The role checkboxes sit in the table's cells, tied to the row's form by form="...".
    assert result.select_one("input[value=Contributor]")["form"] == form_id
    app.post(
        f"{url}@@sharing",
        [
            ("csrf_token", csrf_from(sharing)),
            ("principal", "user:member"),
            ("roles", "Contributor"),
        ],
    ).follow()
    member = app.__class__(app.app, extra_environ=app.extra_environ)
    browser_login(member, "member", MEMBER_PASSWORD)
    # Contributor may view the private folder and add inside it.
    assert member.get(url).status_int == 200
    page = add_page(member, container=url, title="Member page")
    assert "Member page" in page.text
    audit = app.get("/@@audit").text
    assert "local_roles" in audit


def test_sharing_lists_full_names_and_inherited_roles_and_refuses_unknowns(app, site):
    with site.edit() as root:
        root.users.add_user("lucia", "lucia-password-123456", "Lúcia Ferreira")
        root.users.add_group("editors", "Site editors")
    browser_login(app, "admin", ADMIN_PASSWORD)
    folder = app.get("/@@add?type=Folder").forms["content-form"]
    folder["title"] = "Working group"
    url = folder.submit("submit").follow().request.path
    page = add_page(app, container=url, title="Minutes").request.path
    sharing = app.get(f"{url}@@sharing", {"search": "lucia"})  # no accent, any case
    assert [r.th.get_text(" ", strip=True) for r in sharing.html.select("tr.result")] == [
        "Lúcia Ferreira (lucia) User"
    ]
    token = csrf_from(sharing)
    app.post(f"{url}@@sharing", {"csrf_token": token, "principal": "user:lucia",
                                 "roles": "Editor"})  # fmt: skip
    app.post(f"{url}@@sharing", {"csrf_token": token, "principal": "group:editors",
                                 "roles": "Reader"})  # fmt: skip
    # On the page inside, both come from the folder: inherited, with the folder named.
    rows = {
        r.th.get_text(" ", strip=True): " ".join(r.select_one(".inherited").get_text().split())
        for r in app.get(f"{page}@@sharing").html.select("tr.entry")
    }
    assert rows["Site editors (editors) Group"] == "Can view (Working group)"
    assert rows["Lúcia Ferreira (lucia) User"] == "Can edit (Working group)"
    res = app.post(f"{url}@@sharing", {"csrf_token": token, "principal": "user:nobody",
                                       "roles": "Editor"}).follow()  # fmt: skip
    assert "Unknown user or group." in res.text
    res = app.post(f"{url}@@sharing", {"csrf_token": token, "principal": "user:lucia",
                                       "roles": "Manager"}).follow()  # fmt: skip
    assert "That role cannot be given here." in res.text


def test_edit_keeps_previous_text_in_history(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    url = add_page(app, text="<p>first version</p>").request.path
    form = app.get(f"{url}@@edit").forms["content-form"]
    form["text"] = "<p>second version</p>"
    form.submit("submit")
    history = app.get(f"{url}@@history")
    assert "Edited" in history.text
    changes = history.click(description="changes")
    words = changes.html.select_one(".comparison dd.words")
    assert words.select_one("del").text == "first" and words.select_one("ins").text == "second"


def test_every_field_has_versions_to_compare_and_revert_to(app):
    """A title-only edit is a version too; reverting is a new version, in the history and
    the audit log, and the JSON history lists it."""
    browser_login(app, "admin", ADMIN_PASSWORD)
    url = add_page(app, title="Agenda", text="<p>Budget and <b>rota</b></p>").request.path
    form = app.get(f"{url}@@edit").forms["content-form"]
    form["title"] = "Agenda for May"
    form.submit("submit")
    form = app.get(f"{url}@@edit").forms["content-form"]
    form["text"] = '<p>Budget, rota and <a href="https://example.org/x">the plan</a></p>'
    form.submit("submit")
    history = app.get(f"{url}@@history")
    # Compare the first and the last versions: both fields, word by word.
    numbers = [int(i["value"]) for i in history.html.select("input[name=a]")]
    assert numbers == [2, 1, 0]  # newest first
    cmp = app.get(f"{url}@@history", {"a": 0, "b": 2}).html.select_one(".comparison")
    fields = [dt.text for dt in cmp.select("dt")]
    assert fields == ["Title", "Text"]
    title, text = cmp.select("dd")
    assert (title.select_one("ins").text, title.select_one("del") is None) == (" for May", True)
    assert [i.text for i in text.select("ins")] == [
        "Budget, rota",
        "the plan <https://example.org/x>",
    ]
    # Revert to the first version: a new version that brings both fields back.
    token = csrf_from(history)
    app.post(f"{url}@@revert", {"csrf_token": token, "version": "0"}, status=302)
    page = app.get(url)
    assert "Agenda for May" not in page.text and "<b>rota</b>" in page.text
    entries = app.get(f"{url}@@history").html.select("table.history tbody tr")
    assert "Reverted" in entries[0].text and "to version 0" in entries[0].text
    audit = app.get("/@@audit").text
    assert "reverted" in audit
    # Nothing to do when the version is the current one; a bad version is a 400.
    app.post(f"{url}@@revert", {"csrf_token": token, "version": "3"}, status=302)
    app.post(f"{url}@@revert", {"csrf_token": token, "version": "7"}, status=400)
    app.post(f"{url}@@revert", {"csrf_token": token, "version": "x"}, status=400)
    app.get(f"{url}@@history", {"a": 0, "b": 99}, status=404)


def test_rename_move_and_delete(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    folder = app.get("/@@add?type=Folder").forms["content-form"]
    folder["title"] = "Archive"
    folder.submit("submit")
    url = add_page(app, title="Old news").request.path
    form = app.get(f"{url}@@rename").forms["content-form"]
    form["name"] = "moved-news"
    form["target"] = "/archive"
    moved = form.submit("submit").follow()
    assert moved.request.path == "/archive/moved-news/"
    app.get(url, status=404)
    # Bad target: clear error, nothing moved.
    form = app.get("/archive/moved-news/@@rename").forms["content-form"]
    form["target"] = "/nowhere"
    assert "there is no folder at /nowhere" in form.submit("submit").text
    page = app.get("/archive/moved-news/@@delete")
    page.forms["confirm-form"].submit("confirm").follow()
    app.get("/archive/moved-news/", status=404)


def test_event_end_before_start_is_refused(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/@@add?type=Event").forms["content-form"]
    form["title"] = "Assembly"
    form.set("date", "2026-12-01", index=0)
    form.set("time", "18:00", index=0)
    form.set("date", "2026-12-01", index=1)
    form.set("time", "17:00", index=1)
    res = form.submit("submit")
    assert res.status_int == 200
    assert "The end must not be before the start." in res.text


def test_file_upload_and_download(app):
    from webtest import Upload

    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/@@add?type=File").forms["content-form"]
    form["upload"] = Upload("minutes.txt", b"the minutes", "text/plain")
    page = form.submit("submit").follow()
    assert "minutes.txt" in page.text
    download = app.get(page.request.path + "@@download")
    assert download.body == b"the minutes"
    assert download.content_type == "text/plain"


def test_front_page_shows_the_front_page_and_public_news_only(app):
    from tests.conftest import api_token, bearer

    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    for body in (
        {"@type": "Page", "id": "front-page", "title": "Welcome", "text": "<p>Hello all</p>"},
        {"@type": "News Item", "title": "Server upgraded"},
        {"@type": "News Item", "title": "Draft announcement"},
    ):
        app.post_json("/", body, headers=headers, status=201)
    for path in ("/front-page", "/server-upgraded"):
        app.post(f"{path}/@workflow/publish", headers=headers)
    home = app.get("/")
    assert "Hello all" in home.text and "Server upgraded" in home.text
    assert "Draft announcement" not in home.text


def test_folder_contents_lists_items_with_translated_states(app):
    browser_login(app, "admin", ADMIN_PASSWORD)
    folder = app.get("/@@add?type=Folder").forms["content-form"]
    folder["title"] = "Meetings"
    url = folder.submit("submit").follow().request.path
    add_page(app, container=url, title="Agenda")
    contents = app.get(f"{url}@@contents", headers={"Accept-Language": "fr"})
    assert "Agenda" in contents.text and "Privé" in contents.text
    assert "Privé" in app.get(url, headers={"Accept-Language": "fr"}).text


def test_images_in_rich_text_need_their_alternative_text(app):
    """Whatever wrote the HTML, the server refuses an image without alt text; the
    editor's lists offer the site's content and images the user may view."""
    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/@@add?type=Page").forms["content-form"]
    form["title"] = "Gallery"
    form["text"] = '<p>Logo: <img src="/logo/@@download"></p>'
    res = form.submit("submit")
    assert "Every image needs a text alternative" in res.text
    form["text"] = '<p>Logo: <img src="/logo/@@download" alt="  "></p>'
    assert "Every image needs a text alternative" in form.submit("submit").text
    token = api_token(app, "admin", ADMIN_PASSWORD)
    res = app.post_json(
        "/", {"@type": "Page", "title": "G", "text": '<img src="/x.png">'}, headers=bearer(token),
        status=422,
    )  # fmt: skip
    assert "text" in res.json["errors"]
    form["text"] = '<p>Logo: <img src="/logo/@@download" alt="The blue logo"></p>'
    page = form.submit("submit").follow()
    assert 'alt="The blue logo"' in page.text and 'src="/logo/@@download"' in page.text
    links = app.get("/@@editor-links").json
    assert {"title": "Gallery (/gallery)", "value": "/gallery/"} in links
    edit = app.get("/gallery/@@edit")
    config = json.loads(edit.html.select_one("#editor-config").text)
    assert config["links_url"].endswith("/gallery/@@editor-links")
    assert "img[alt|height|src|title|width]" in config["valid_elements"]
    assert app.get("/@@editor-images").json == []  # no Image content yet
