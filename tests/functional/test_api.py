"""The JSON API, plone.restapi style: round trips, permissions and bad input."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import ADMIN_PASSWORD, MEMBER_PASSWORD, api_token, bearer


@pytest.fixture
def admin(app):
    return bearer(api_token(app, "admin", ADMIN_PASSWORD))


@pytest.fixture
def member(app):
    return bearer(api_token(app, "member", MEMBER_PASSWORD))


def create(app, headers, container="/", status=201, **body):
    return app.post_json(container, body, headers=headers, status=status)


def test_login_gives_a_token_and_wrong_password_401(app):
    res = app.post_json("/@login", {"login": "admin", "password": ADMIN_PASSWORD})
    assert len(res.json["token"]) > 30
    bad = app.post_json("/@login", {"login": "admin", "password": "nope"}, status=401)
    assert bad.json["error"] == "login_failed"
    missing = app.post_json("/@login", {"login": "admin"}, status=400)
    assert missing.json["error"] == "bad_request"


def test_login_is_rate_limited_per_account(app):
    for _ in range(5):
        app.post_json("/@login", {"login": "member", "password": "wrong"}, status=401)
    res = app.post_json("/@login", {"login": "member", "password": MEMBER_PASSWORD}, status=429)
    assert res.json["error"] == "throttled"
    # Another account from the same address is not locked yet.
    app.post_json("/@login", {"login": "admin", "password": ADMIN_PASSWORD}, status=200)


def test_create_get_patch_delete_round_trip(app, admin):
    res = create(app, admin, **{"@type": "Folder", "title": "Minutes", "id": "minutes"})
    assert res.json["@id"] == "http://localhost/minutes"
    assert res.json["review_state"] == "private"
    page = create(app, admin, "/minutes", **{"@type": "Page", "title": "Jan", "text": "<p>a</p>"})
    url = page.json["@id"]
    folder = app.get("/minutes", headers=admin).json
    assert [i["title"] for i in folder["items"]] == ["Jan"]
    assert folder["items"][0]["@type"] == "Page"
    app.patch_json(url, {"text": "<p>b</p>"}, headers=admin, status=204)
    assert app.get(url, headers=admin).json["text"]["data"] == "<p>b</p>"
    history = app.get(url + "/@history", headers=admin).json
    assert [h["action"] for h in history] == ["edited", "created"]
    assert history[0]["previous"] == {"text": "<p>a</p>"}
    app.delete(url, headers=admin, status=204)
    app.get(url, headers=admin, status=404)


def test_workflow_and_anonymous_visibility(app, admin):
    url = create(app, admin, **{"@type": "Page", "title": "Secret plan"}).json["@id"]
    anon = {"Accept": "application/json"}
    assert app.get(url, headers=anon, status=401).json["error"] == "unauthorized"
    assert app.get("/", headers=anon).json["items"] == []
    assert app.get("/@search?SearchableText=secret", headers=anon).json["items_total"] == 0
    res = app.post(url + "/@workflow/publish", headers=admin)
    assert res.json["review_state"] == "published"
    assert app.get(url, headers=anon).json["title"] == "Secret plan"
    found = app.get("/@search?SearchableText=secret", headers=anon).json
    assert found["items_total"] == 1 and found["items"][0]["@id"] == url
    bad = app.post(url + "/@workflow/publish", headers=admin, status=400)
    assert bad.json["error"] == "transition"


def test_member_may_not_create_or_publish(app, admin, member):
    url = create(app, admin, **{"@type": "Page", "title": "P"}).json["@id"]
    app.post(url + "/@workflow/make_internal", headers=admin)
    res = create(app, member, status=403, **{"@type": "Page", "title": "Mine"})
    assert res.json["error"] == "forbidden"
    assert app.get(url, headers=member).json["review_state"] == "internal"
    app.post(url + "/@workflow/publish", headers=member, status=403)
    app.patch_json(url, {"title": "hacked"}, headers=member, status=403)
    assert app.get(url, headers=admin).json["title"] == "P"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"title": "no type"}, 400, "unknown_type"),
        ({"@type": "Nope", "title": "x"}, 400, "unknown_type"),
        ({"@type": "Page"}, 422, "invalid"),
        ({"@type": "Page", "title": ""}, 422, "invalid"),
        ({"@type": "Page", "title": 42}, 422, "invalid"),
        ({"@type": "Page", "title": "x", "colour": "red"}, 400, "unknown_field"),
        ({"@type": "Page", "title": "x", "id": "Bad Id!"}, 400, "bad_id"),
        ({"@type": "Event", "title": "x", "start": "tomorrow", "end": "later"}, 422, "invalid"),
        (
            {
                "@type": "Event",
                "title": "x",
                "start": "2026-12-01T18:00:00+01:00",
                "end": "2026-12-01T17:00:00+01:00",
            },
            422,
            "invalid",
        ),
        (
            {
                "@type": "Event",
                "title": "x",
                "start": "2026-12-01T18:00:00+01:00",
                "end": "2026-12-01T19:00:00+01:00",
                "timezone": "Mars/Olympus",
            },
            422,
            "invalid",
        ),
        ({"@type": "File", "file": {"data": "%%%not base64"}}, 422, "invalid"),
    ],
)
def test_bad_input_gets_a_json_error_and_stores_nothing(app, admin, body, status, error):
    res = app.post_json("/", body, headers=admin, status=status)
    assert res.json["error"] == error
    assert res.json["message"]
    assert app.get("/", headers=admin).json["items_total"] == 0


def test_malformed_and_oversized_bodies(app, admin):
    res = app.post(
        "/", "{not json", headers={**admin, "Content-Type": "application/json"}, status=400
    )
    assert res.json["error"] == "bad_json"
    res = app.post_json("/", ["a", "list"], headers=admin, status=400)
    assert res.json["error"] == "bad_json"
    big = {"@type": "Page", "title": "big", "text": "x" * (2 * 1024 * 1024)}
    res = app.post_json("/", big, headers=admin, status=413)
    assert res.json["error"] == "too_large"
    assert app.get("/", headers=admin).json["items_total"] == 0


def test_duplicate_id_is_refused(app, admin):
    create(app, admin, **{"@type": "Page", "title": "A", "id": "same"})
    res = create(app, admin, status=400, **{"@type": "Page", "title": "B", "id": "same"})
    assert "already exists" in res.json["message"]


def test_file_upload_as_base64(app, admin):
    data = base64.b64encode(b"hello file").decode()
    res = create(
        app,
        admin,
        **{
            "@type": "File",
            "file": {"data": data, "filename": "h.txt", "content-type": "text/plain"},
        },
    )
    assert res.json["title"] == "h.txt"
    assert res.json["file"]["size"] == 10
    assert app.get(res.json["file"]["download"], headers=admin).body == b"hello file"


def test_unknown_token_is_anonymous_and_logout_revokes(app, admin):
    app.get("/", headers=bearer("not-a-token"))
    create(app, bearer("not-a-token"), status=401, **{"@type": "Page", "title": "x"})
    app.post("/@logout", headers=admin, status=204)
    create(app, admin, status=401, **{"@type": "Page", "title": "x"})


def test_json_view_of_site_root(app):
    res = app.get("/", headers={"Accept": "application/json"})
    assert res.json["@type"] == "Site"
    assert res.json["items"] == []


def test_image_must_be_an_image(app, admin):
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n fake").decode()
    ok = create(
        app,
        admin,
        **{
            "@type": "Image",
            "file": {"data": png, "filename": "a.png", "content-type": "image/png"},
        },
    )
    assert ok.json["file"]["content-type"] == "image/png"
    bad = create(
        app,
        admin,
        status=422,
        **{
            "@type": "Image",
            "file": {"data": png, "filename": "a.txt", "content-type": "text/plain"},
        },
    )
    assert "not an image" in bad.json["message"]
