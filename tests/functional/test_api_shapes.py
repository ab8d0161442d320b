"""The shape of every JSON API endpoint, as a plone.restapi client reads it."""

from __future__ import annotations

import base64

import jwt
import pytest

from tests.conftest import ADMIN_PASSWORD, MEMBER_PASSWORD, api_token, bearer

ANON = {"Accept": "application/json"}


@pytest.fixture
def admin(app):
    return bearer(api_token(app, "admin", ADMIN_PASSWORD))


@pytest.fixture
def member(app):
    return bearer(api_token(app, "member", MEMBER_PASSWORD))


def add(app, headers, container="/", **body):
    return app.post_json(container, body, headers=headers, status=201).json


def publish(app, headers, url):
    app.post(url + "/@workflow/publish", headers=headers)


@pytest.fixture
def library(app, admin):
    """A published folder of 30 published pages, added in the order p00, p01, ..."""
    add(app, admin, **{"@type": "Folder", "id": "library", "title": "Library"})
    publish(app, admin, "/library")
    for i in range(30):
        add(
            app,
            admin,
            "/library",
            **{"@type": "Page", "id": f"p{i:02d}", "title": f"T{29 - i:02d}"},
        )
        publish(app, admin, f"/library/p{i:02d}")
    return "/library"


# -- content ---------------------------------------------------------------------------------
def test_content_shape(app, admin):
    folder = add(app, admin, **{"@type": "Folder", "id": "docs", "title": "Docs"})
    res = app.post_json(
        "/docs",
        {"@type": "Page", "title": "Minutes", "text": "<p>Hello</p>"},
        headers=admin,
        status=201,
    )
    page = res.json
    assert res.headers["Location"] == "http://localhost/docs/minutes/"
    assert len(page["UID"]) == 32
    assert page["parent"]["@id"] == folder["@id"] and page["parent"]["title"] == "Docs"
    assert page["type_title"] == "Page" and page["layout"] == "view"
    assert page["creators"] == ["admin"] and page["subjects"] == []
    assert page["effective"] is None and page["expires"] is None and page["language"] == ""
    assert page["is_folderish"] is False and folder["is_folderish"] is True
    assert page["text"] == {
        "data": "<p>Hello</p>",
        "content-type": "text/html",
        "encoding": "utf-8",
    }
    assert page["@components"]["breadcrumbs"] == {"@id": page["@id"] + "/@breadcrumbs"}
    again = app.get(page["@id"], headers=admin).json
    assert again["UID"] == page["UID"]  # stable after the commit
    assert app.get("/", headers=admin).json["parent"] == {}


def test_rich_text_accepts_plone_form_and_plain_text(app, admin):
    url = add(app, admin, **{"@type": "Page", "title": "P"})["@id"]
    app.patch_json(
        url, {"text": {"data": "<p>a</p><script>x</script>", "content-type": "text/html"}},
        headers=admin, status=204,
    )  # fmt: skip
    assert app.get(url, headers=admin).json["text"]["data"] == "<p>a</p>"
    app.patch_json(
        url, {"text": {"data": "one <b>\n\ntwo", "content-type": "text/plain"}}, headers=admin
    )
    assert app.get(url, headers=admin).json["text"]["data"] == "<p>one &lt;b&gt;</p><p>two</p>"
    bad = app.patch_json(
        url, {"text": {"data": "x", "content-type": "image/png"}}, headers=admin, status=422
    )
    assert "text" in bad.json["errors"]


def test_prefer_representation_and_patching_back_what_get_gave(app, admin):
    url = add(app, admin, **{"@type": "Event", "title": "Meetup",
                             "start": "2026-12-01T18:00:00+00:00",
                             "end": "2026-12-01T20:00:00+00:00"})["@id"]  # fmt: skip
    whole = app.get(url, headers=admin).json
    whole["title"] = "Meetup 2"
    res = app.patch_json(
        url, whole, headers={**admin, "Prefer": "return=representation"}, status=200
    )
    assert res.json["title"] == "Meetup 2" and res.json["UID"] == whole["UID"]
    history = app.get(url + "/@history", headers=admin).json
    assert history[0]["fields"] == ["title"]  # nothing else changed
    res = app.patch_json(url, {"title": "x", "colour": "red", "size": 3}, headers=admin, status=400)
    assert res.json["error"] == "unknown_field" and res.json["type"] == "BadRequest"
    assert "colour" in res.json["message"] and "size" in res.json["message"]
    assert app.get(url, headers=admin).json["title"] == "Meetup 2"


def test_file_patched_back_keeps_its_file(app, admin):
    data = base64.b64encode(b"content").decode()
    url = add(app, admin, **{"@type": "File", "file": {"data": data, "filename": "a.txt"}})["@id"]
    whole = app.get(url, headers=admin).json
    app.patch_json(url, {**whole, "title": "Renamed"}, headers=admin, status=204)
    assert app.get(url, headers=admin).json["file"]["size"] == 7


# -- listings --------------------------------------------------------------------------------
def test_folder_listing_is_batched_in_folder_order(app, admin, library):
    first = app.get(library, headers=ANON).json
    assert first["items_total"] == 30 and len(first["items"]) == 25
    assert [i["id"] for i in first["items"][:3]] == ["p00", "p01", "p02"]
    batching = first["batching"]
    assert batching["next"].endswith("b_start=25") and batching["last"].endswith("b_start=25")
    assert batching["first"].endswith("b_start=0") and "prev" not in batching
    second = app.get(batching["next"], headers=ANON).json
    assert [i["id"] for i in second["items"]] == [f"p{i}" for i in range(25, 30)]
    assert second["batching"]["prev"].endswith("b_start=0") and "next" not in second["batching"]
    small = app.get(library + "?b_size=500", headers=ANON).json
    assert len(small["items"]) == 30 and "batching" not in small


def test_folder_listing_sorts_and_adds_metadata(app, admin, library):
    by_title = app.get(library + "?sort_on=sortable_title&b_size=3", headers=ANON).json
    assert [i["title"] for i in by_title["items"]] == ["T00", "T01", "T02"]
    assert "sort_on=sortable_title" in by_title["batching"]["next"]
    newest = app.get(library + "?sort_on=created&sort_order=descending&b_size=1", headers=ANON)
    assert newest.json["items"][0]["id"] == "p29"
    meta = app.get(library + "?metadata_fields=UID&metadata_fields=Creator&b_size=1", headers=ANON)
    assert set(meta.json["items"][0]) >= {"UID", "creator", "@id", "title", "review_state"}
    full = app.get(library + "?fullobjects=1&b_size=1", headers=ANON).json["items"][0]
    assert full["text"]["content-type"] == "text/html" and "parent" in full
    for bad in ("sort_on=colour", "sort_order=sideways", "b_size=0", "b_start=x"):
        res = app.get(f"{library}?{bad}", headers=ANON, status=400)
        assert res.json["type"] == "BadRequest"


def test_reordering_a_folder(app, admin, library):
    app.patch_json(library, {"ordering": {"obj_id": "p05", "delta": "top"}}, headers=admin)
    app.patch_json(library, {"ordering": {"obj_id": "p00", "delta": 2}}, headers=admin)
    ids = [i["id"] for i in app.get(library + "?b_size=5", headers=admin).json["items"]]
    assert ids == ["p05", "p01", "p02", "p00", "p03"]
    res = app.patch_json(
        library,
        {"ordering": {"obj_id": "p01", "delta": 1, "subset_ids": ["p02", "p01"]}},
        headers=admin,
        status=400,
    )
    assert "order" in res.json["message"]
    # The folder's page lists its children in the same order.
    html = app.get(library, headers={"Accept": "text/html"}).text
    assert html.index(">T24<") < html.index(">T28<") < html.index(">T27<") < html.index(">T29<")
    # The search sorts by the same order.
    found = app.get(
        library + "/@search?path.depth=1&sort_on=getObjPositionInParent&b_size=3", headers=admin
    ).json
    assert [i["id"] for i in found["items"]] == ["p05", "p01", "p02"]


def test_search_batches_sorts_and_limits_depth(app, admin, library):
    sub = add(app, admin, library, **{"@type": "Folder", "id": "sub", "title": "Sub"})
    add(app, admin, "/library/sub", **{"@type": "Page", "id": "deep", "title": "Deep"})
    everything = app.get(library + "/@search?b_size=100", headers=admin).json
    assert everything["items_total"] == 33  # the folder, its 31 children, the deep page
    children = app.get(library + "/@search?path.depth=1&b_size=100", headers=admin).json
    assert children["items_total"] == 31
    assert "deep" not in [i["id"] for i in children["items"]]
    only = app.get(sub["@id"] + "/@search?path.depth=0", headers=admin).json
    assert [i["id"] for i in only["items"]] == ["sub"]
    page = app.get(library + "/@search?portal_type=Page&sort_on=title&b_size=2", headers=admin)
    assert [i["title"] for i in page.json["items"]] == ["Deep", "T00"]
    assert page.json["batching"]["next"].endswith("b_start=2")
    app.get(library + "/@search?path.depth=x", headers=admin, status=400)


# -- types -----------------------------------------------------------------------------------
def test_types_and_their_schemas(app, admin, member):
    types = app.get("/@types", headers=admin).json
    page = next(t for t in types if t["id"] == "Page")
    assert page == {
        "@id": "http://localhost/@types/Page",
        "id": "Page",
        "title": "Page",
        "addable": True,
        "immediately_addable": True,
    }
    assert not next(t for t in types if t["id"] == "Venue")["addable"]  # only in a session
    assert not any(t["addable"] for t in app.get("/@types", headers=member).json)
    schema = app.get("/@types/Event", headers=admin).json
    assert schema["type"] == "object" and schema["title"] == "Event"
    assert schema["required"] == ["title", "start", "end"]
    assert schema["fieldsets"][0]["fields"][:2] == ["title", "description"]
    props = schema["properties"]
    assert props["title"]["maxLength"] == 200 and props["title"]["minLength"] == 1
    assert props["start"]["format"] == "date-time" and props["start"]["widget"] == "datetime"
    assert props["text"]["widget"] == "richtext"
    assert props["timezone"]["default"] == "UTC" and "Europe/Paris" in props["timezone"]["enum"]
    assert props["description"]["widget"] == "textarea"
    french = app.get("/@types/Event", headers={**admin, "Accept-Language": "fr"}).json
    assert french["properties"]["start"]["title"] != "Start"
    app.get("/@types/Nope", headers=admin, status=404)


def test_every_registered_type_has_a_schema(app, admin):
    for entry in app.get("/@types", headers=admin).json:
        schema = app.get(entry["@id"], headers=admin).json
        assert schema["properties"], entry["id"]
        assert set(schema["required"]) <= set(schema["properties"])


# -- components ------------------------------------------------------------------------------
def test_breadcrumbs_navigation_navroot_site(app, admin, library):
    crumbs = app.get(library + "/p01/@breadcrumbs", headers=ANON).json
    assert crumbs == {
        "@id": "http://localhost/library/p01/@breadcrumbs",
        "items": [
            {"@id": "http://localhost/library", "title": "Library"},
            {"@id": "http://localhost/library/p01", "title": "T28"},
        ],
        "root": "http://localhost",
    }
    add(app, admin, **{"@type": "Page", "id": "hidden", "title": "Private"})
    nav = app.get("/@navigation", headers=ANON).json
    assert [i["title"] for i in nav["items"]] == ["Library"] and "items" not in nav["items"][0]
    deep = app.get("/@navigation?expand.navigation.depth=2", headers=ANON).json
    assert len(deep["items"][0]["items"]) == 12  # bounded, like the site's own menu
    assert [i["title"] for i in app.get("/@navigation", headers=admin).json["items"]] == [
        "Library",
        "Private",
    ]
    app.get("/@navigation?expand.navigation.depth=9", headers=ANON, status=400)
    navroot = app.get(library + "/@navroot", headers=ANON).json
    assert navroot["navroot"]["@id"] == "http://localhost" and navroot["navroot"]["@type"] == "Site"
    site = app.get("/@site", headers=ANON).json
    assert site["plone.site_title"] == "Konbit" and "fr" in site["plone.available_languages"]


def test_actions_are_what_the_caller_may_do(app, admin, member, library):
    mine = app.get(library + "/p01/@actions", headers=admin).json
    assert [a["id"] for a in mine["object"]] == ["view", "edit", "local_roles", "history"]
    assert [a["id"] for a in mine["object_buttons"]] == ["rename", "delete"]
    assert [a["id"] for a in mine["workflow"]] == ["make_internal", "make_private"]
    assert mine["object"][1]["@id"] == "http://localhost/library/p01/@@edit"
    assert [a["id"] for a in mine["user"]] == ["preferences", "logout"]
    assert "users" in [a["id"] for a in mine["site_actions"]]
    theirs = app.get(library + "/p01/@actions", headers=member).json
    assert [a["id"] for a in theirs["object"]] == ["view"]
    assert theirs["object_buttons"] == [] and theirs["workflow"] == []
    anon = app.get(library + "/@actions", headers=ANON).json
    assert [a["id"] for a in anon["user"]] == ["login"]
    assert "users" not in [a["id"] for a in anon["site_actions"]]


def test_expand_fills_components_in_one_request(app, admin, library):
    res = app.get(library + "?expand=breadcrumbs,actions&expand=workflow,nope", headers=admin)
    components = res.json["@components"]
    assert components["breadcrumbs"]["items"][0]["title"] == "Library"
    assert [a["id"] for a in components["actions"]["object"]][:2] == ["view", "edit"]
    assert components["workflow"]["state"]["id"] == "published"
    assert components["navigation"] == {"@id": "http://localhost/library/@navigation"}
    assert components["types"] == {"@id": "http://localhost/library/@types"}
    # Items of a listing link to their components, never expand them.
    assert "items" not in res.json["items"][0]


# -- workflow and history ----------------------------------------------------------------------
def test_workflow_shape_and_comments(app, admin):
    url = add(app, admin, **{"@type": "Page", "title": "P"})["@id"]
    info = app.get(url + "/@workflow", headers=admin).json
    assert info["@id"] == url + "/@workflow"
    assert info["state"] == {"id": "private", "title": "Private"}
    assert [t["@id"] for t in info["transitions"]] == [
        url + "/@workflow/publish",
        url + "/@workflow/make_internal",
    ]
    assert info["history"] == []
    done = app.post_json(url + "/@workflow/publish", {"comment": "Ready"}, headers=admin).json
    assert done["action"] == "publish" and done["review_state"] == "published"
    assert done["comments"] == "Ready" and done["actor"] == "admin"
    assert done["title"] == "Published" and done["time"]
    history = app.get(url + "/@workflow", headers=admin).json["history"]
    assert [(h["action"], h["comments"]) for h in history] == [("publish", "Ready")]
    long = app.post_json(url + "/@workflow/make_private", {"comment": "x" * 3000}, headers=admin,
                         status=400)  # fmt: skip
    assert long.json["error"] == "comment"


def test_history_entries_versions_and_revert(app, admin, member):
    url = add(app, admin, **{"@type": "Page", "title": "P", "text": "<p>one</p>"})["@id"]
    app.patch_json(url, {"text": "<p>two</p>"}, headers=admin)
    app.post_json(url + "/@workflow/make_internal", {"comment": "team"}, headers=admin)
    app.patch_json(url, {"text": "<p>three</p>"}, headers=admin)
    history = app.get(url + "/@history", headers=admin).json
    assert [h["type"] for h in history] == ["versioning", "workflow", "versioning", "versioning"]
    assert [h["version"] for h in history] == [3, 2, 1, 0]
    created = history[-1]
    assert created["action"] == "created" and created["transition_title"] == "Created"
    assert created["actor"] == {
        "@id": "http://localhost/@users/admin",
        "id": "admin",
        "username": "admin",
        "fullname": "Admin",
    }
    assert created["may_revert"] is True and created["@id"] == url + "/@history/0"
    assert history[1]["comments"] == "team" and history[1]["transition_title"] == "Make internal"
    assert history[1]["may_revert"] is False
    first = app.get(url + "/@history/0", headers=admin).json
    assert first["text"]["data"] == "<p>one</p>" and first["version"] == 0
    assert app.get(url + "/@history/1", headers=admin).json["text"]["data"] == "<p>two</p>"
    app.get(url + "/@history/9", headers=admin, status=404)
    app.patch_json(url + "/@history", {"version": 0}, headers=admin, status=204)
    assert app.get(url, headers=admin).json["text"]["data"] == "<p>one</p>"
    app.patch_json(url + "/@history", {"version": 2}, headers=admin, status=400)
    assert app.get(url + "/@history", headers=member, status=403).json["type"] == "Forbidden"


# -- people, sharing, copy and move --------------------------------------------------------------
def test_users_and_groups(app, admin, member, site):
    with site.edit() as s:
        s.users.add_group("editors", "Editors", ["Member"])
        s.users.join("member", "editors")
    users = app.get("/@users", headers=admin).json
    assert [u["id"] for u in users] == ["admin", "member"]
    one = app.get("/@users/member", headers=admin).json
    assert one == {
        "@id": "http://localhost/@users/member",
        "id": "member",
        "username": "member",
        "fullname": "Member",
        "email": "member@example.org",
        "roles": ["Member"],
        "groups": {
            "@id": "http://localhost/@users/member/groups",
            "items": [{"id": "editors", "title": "Editors"}],
            "items_total": 1,
        },
    }
    assert app.get("/@users?query=adm", headers=admin).json[0]["id"] == "admin"
    assert app.get("/@users/member", headers=member).json["id"] == "member"  # oneself
    assert app.get("/@users/admin", headers=member, status=403).json["error"] == "forbidden"
    assert app.get("/@users", headers=ANON, status=401).json["type"] == "Unauthorized"
    app.get("/@users/nobody", headers=admin, status=404)
    group = app.get("/@groups/editors", headers=admin).json
    assert group["groupname"] == "editors" and group["roles"] == ["Member"]
    assert group["users"]["items"] == ["member"]
    assert [g["id"] for g in app.get("/@groups", headers=admin).json] == ["editors"]
    app.get("/@groups", headers=member, status=403)


def test_sharing_get_and_post(app, admin, member):
    add(app, admin, **{"@type": "Folder", "id": "f", "title": "F"})
    url = add(app, admin, "/f", **{"@type": "Page", "id": "p", "title": "P"})["@id"]
    app.post_json("/f/@sharing", {"entries": [{"id": "member", "type": "user",
                  "roles": {"Reader": True}}]}, headers=admin, status=204)  # fmt: skip
    info = app.get(url + "/@sharing", headers=admin).json
    assert [r["id"] for r in info["available_roles"]] == [
        "Owner",
        "Editor",
        "Contributor",
        "Reviewer",
        "Reader",
    ]
    entries = {e["id"]: e for e in info["entries"]}
    assert entries["member"]["roles"]["Reader"] == "acquired"
    assert entries["member"]["type"] == "user" and entries["admin"]["roles"]["Owner"] is True
    assert app.get(url, headers=member).json["title"] == "P"  # the inherited Reader role
    app.post_json(url + "/@sharing", {"entries": [{"id": "member", "type": "user",
                  "roles": {"Editor": True, "Reader": "acquired"}}]}, headers=admin)  # fmt: skip
    app.patch_json(url, {"title": "By member"}, headers=member, status=204)
    found = app.get(url + "/@sharing?search=mem", headers=admin).json["entries"]
    assert any(e["id"] == "member" and e["roles"]["Editor"] is True for e in found)
    for body, error in (
        ({"entries": [{"id": "ghost", "type": "user", "roles": {}}]}, "unknown_principal"),
        ({"entries": [{"id": "member", "type": "user", "roles": {"God": True}}]}, "unknown_role"),
        ({"entries": "x"}, "bad_request"),
    ):
        assert (
            app.post_json(url + "/@sharing", body, headers=admin, status=400).json["error"] == error
        )
    assert app.get(url + "/@sharing", headers=ANON, status=401).json["error"] == "unauthorized"


def test_copy_and_move(app, admin, member):
    add(app, admin, **{"@type": "Folder", "id": "a", "title": "A"})
    add(app, admin, **{"@type": "Folder", "id": "b", "title": "B"})
    page = add(app, admin, "/a", **{"@type": "Page", "id": "p", "title": "P", "text": "<p>t</p>"})
    done = app.post_json("/b/@copy", {"source": page["@id"]}, headers=admin).json
    assert done == [{"source": "http://localhost/a/p", "target": "http://localhost/b/p"}]
    copy = app.get("/b/p", headers=admin).json
    assert copy["text"]["data"] == "<p>t</p>" and copy["UID"] != page["UID"]
    again = app.post_json("/b/@copy", {"source": "/a/p"}, headers=admin).json
    assert again[0]["target"] == "http://localhost/b/copy-of-p"
    tree = app.post_json("/b/@copy", {"source": ["/a"]}, headers=admin).json
    assert app.get(tree[0]["target"] + "/p", headers=admin).json["title"] == "P"
    moved = app.post_json("/b/@move", {"source": "/a/p"}, headers=admin).json
    # b holds p and copy-of-p already: the moved page takes the next free name.
    assert moved == [{"source": "http://localhost/a/p", "target": "http://localhost/b/copy2-of-p"}]
    app.get("/a/p", headers=admin, status=404)
    assert app.post_json("/a/@copy", {"source": "/b"}, headers=admin).json  # b into a is fine
    res = app.post_json("/b/@move", {"source": "/b"}, headers=admin, status=400)
    assert res.json["error"] in ("not_movable", "bad_source")
    app.post_json("/b/@copy", {"source": "/nowhere"}, headers=admin, status=400)
    app.post_json("/b/@copy", {"source": "http://elsewhere.org/a"}, headers=admin, status=400)
    app.post_json("/b/@copy", {"source": "/a"}, headers=member, status=403)
    app.post_json("/b/@move", {"source": "/a"}, headers=ANON, status=401)


# -- auth and errors ---------------------------------------------------------------------------
def test_tokens_are_jwts_renewed_and_revoked(app):
    token = app.post_json("/@login", {"login": "admin", "password": ADMIN_PASSWORD}).json["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == "admin" and claims["exp"] > claims["iat"]
    assert claims["fullname"] == "Admin"
    renewed = app.post("/@login-renew", headers=bearer(token)).json["token"]
    assert renewed != token
    app.get("/@users/admin", headers=bearer(token), status=401)  # the old one is revoked
    assert app.get("/@users/admin", headers=bearer(renewed)).json["id"] == "admin"
    app.post("/@logout", headers=bearer(renewed), status=204)
    app.get("/@users/admin", headers=bearer(renewed), status=401)
    res = app.post_json("/@login-renew", {}, headers=ANON, status=401)
    assert res.json == {
        "error": "unauthorized",
        "type": "Unauthorized",
        "message": "renewing needs a valid API token (Bearer)",
    }
    forged = jwt.encode({"sub": "admin", "exp": 4102444800}, "x" * 32, algorithm="HS256")
    app.get("/@users/admin", headers=bearer(forged), status=401)


def test_errors_carry_type_and_message(app, admin, member):
    url = add(app, admin, **{"@type": "Page", "title": "Private"})["@id"]
    for response, status, kind in (
        (app.get(url, headers=ANON, status=401), 401, "Unauthorized"),
        (app.patch_json(url, {"title": "x"}, headers=member, status=403), 403, "Forbidden"),
        (app.get("/nothing", headers=ANON, status=404), 404, "NotFound"),
        (app.post_json("/", {"@type": "Nope"}, headers=admin, status=400), 400, "BadRequest"),
        (app.post_json("/", {"@type": "Page"}, headers=admin, status=422), 422,
         "UnprocessableEntity"),
        (app.post(url + "/@workflow/publish", headers=ANON, status=401), 401, "Unauthorized"),
        (app.post(url + "/@workflow/publish", headers=member, status=403), 403, "Forbidden"),
    ):  # fmt: skip
        assert response.status_int == status
        assert response.json["type"] == kind
        assert response.json["error"] and response.json["message"]


def test_coordinators_add_and_change_users_and_groups(app, admin, member, site):
    body = {"username": "Bob", "password": "a-long-enough-pass", "fullname": "Bob B",
            "email": "bob@example.org", "roles": ["Member"]}  # fmt: skip
    res = app.post_json("/@users", body, headers=admin, status=201)
    assert res.json["id"] == "bob" and res.headers["Location"] == "http://localhost/@users/bob"
    assert app.post_json("/@users", body, headers=admin, status=409).json["error"] == "exists"
    weak = app.post_json("/@users", {**body, "username": "carl", "password": "short"},
                         headers=admin, status=422)  # fmt: skip
    assert "password" in weak.json["errors"]
    bad = {**body, "username": "dan", "roles": ["Emperor"]}
    assert "Emperor" in app.post_json("/@users", bad, headers=admin, status=422).json["message"]
    app.post_json("/@users", {**body, "username": "eve"}, headers=member, status=403)
    bob = bearer(api_token(app, "bob", "a-long-enough-pass"))
    app.patch_json("/@users/bob", {"fullname": "Robert"}, headers=bob, status=204)
    assert app.patch_json("/@users/bob", {"roles": ["Manager"]}, headers=bob,
                          status=400).json["error"] == "unknown_field"  # fmt: skip
    app.patch_json("/@users/member", {"fullname": "X"}, headers=bob, status=403)
    app.patch_json("/@users/bob", {"roles": ["Member", "Scribe"]}, headers=admin, status=204)
    assert app.get("/@users/bob", headers=admin).json["roles"] == ["Member", "Scribe"]
    assert app.get("/@users/bob", headers=admin).json["fullname"] == "Robert"
    group = {"groupname": "team", "title": "Team", "roles": ["Member"], "users": ["bob"]}
    res = app.post_json("/@groups", group, headers=admin, status=201)
    assert res.json["users"]["items"] == ["bob"]
    app.patch_json("/@groups/team", {"users": {"member": True, "bob": False}}, headers=admin)
    assert app.get("/@groups/team", headers=admin).json["users"]["items"] == ["member"]
    assert app.get("/@users/member", headers=admin).json["groups"]["items"][0]["id"] == "team"
    app.patch_json("/@groups/team", {"users": {"ghost": True}}, headers=admin, status=422)
    app.patch_json("/@groups/team", {"title": "T"}, headers=member, status=403)
    app.patch_json("/@groups/nope", {"title": "T"}, headers=admin, status=404)
    with site.edit() as s:
        logged = {e["action"] for e in s.audit.latest(20)}
    assert {"user_added", "roles_changed", "group_added", "group_changed"} <= logged
