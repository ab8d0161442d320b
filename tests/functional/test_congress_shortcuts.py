"""The cheap paths of a live session: scribe actions with a bearer token answered in front of
Pyramid, and the state each group commit publishes for the displays' polls.

Each test compares with the full application: the shortcut must give the API's answers, and
leave to it every request it does not fully understand."""

from __future__ import annotations

import json

import pytest
from pyramid.router import Router
from webtest import TestApp

from congress_site import main
from congress_site.congress.fastpath import poll_shortcut
from congress_site.congress.scribe_shortcut import scribe_shortcut
from congress_site.content import operations
from congress_site.site import database
from tests.conftest import make_settings
from tests.functional.conftest import SESSION
from tests.functional.test_congress_api import scribe, set_phase

ENV = {"HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1"}
URL = f"{SESSION}/@proposals"


class Behind:
    """The application behind a shortcut, recording what reaches it (and the body)."""

    def __init__(self):
        self.reached: list[tuple[str, str, bytes]] = []

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.reached.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], body))
        start_response("418 I'm a teapot", [("Content-Type", "text/plain")])
        return [b"the full application"]


@pytest.fixture
def behind():
    return Behind()


@pytest.fixture
def shortcut(app, behind):
    """Only the scribe shortcut, with a recorder where Pyramid would be."""
    return TestApp(scribe_shortcut(behind, app.app.registry), extra_environ=ENV)


@pytest.fixture
def pyramid(app):
    """The same application without any shortcut in front."""
    return TestApp(Router(app.app.registry), extra_environ=ENV)


def learned(app, headers) -> None:
    """An action through the full application: it learns where the session is."""
    app.post_json(URL, {"text": "First idea"}, headers=headers, status=201)


def test_bearer_actions_get_the_api_answers_without_pyramid(app, open_session, shortcut, behind):
    a, b = scribe(app, "A"), scribe(app, "B")
    learned(app, a["h"])

    added = shortcut.post_json(URL, {"text": "Second idea"}, headers=b["h"], status=201)
    assert added.headers["Content-Type"] == "application/json"
    assert added.json["version"] == 1 and added.json["endorsements"] == [b["group"]]
    assert added.json == {**app.get(f"{URL}/{added.json['id']}").json, "retired": False}

    endorsed = shortcut.post_json(f"{URL}/p1/@endorse", {}, headers=b["h"], status=200)
    assert endorsed.json["endorsements"] == [a["group"], b["group"]]
    again = shortcut.post(f"{URL}/p1/@endorse", headers=b["h"], status=200)  # idempotent
    assert again.json == endorsed.json

    edited = shortcut.patch_json(
        f"{URL}/p1", {"text": "First idea, better", "base_version": 1}, headers=b["h"]
    )
    assert edited.json["version"] == 2 and edited.json["endorsements"] == [b["group"]]
    withdrawn = shortcut.delete(f"{URL}/{added.json['id']}/@endorse", headers=b["h"])
    assert withdrawn.json["retired"] is True

    state = app.get(URL).json
    assert [(i["id"], i["version"], i["endorsements"]) for i in state["items"]] == [
        ("p1", 2, [b["group"]])
    ]
    assert behind.reached == []


def test_refusals_are_the_apis(app, open_session, shortcut, pyramid, behind):
    """Each refusal the rules give is answered by the shortcut exactly as the views do."""
    a, b = scribe(app, "A"), scribe(app, "B")
    learned(app, a["h"])
    shortcut.patch_json(f"{URL}/p1", {"text": "Changed", "base_version": 1}, headers=b["h"])

    refusals = [
        ("PATCH", f"{URL}/p1", {"text": "Late", "base_version": 1}, 409, "stale"),
        ("PATCH", f"{URL}/p1", {"text": " ", "base_version": 2}, 422, "invalid"),
        ("POST", URL, {"text": "x" * 1001}, 422, "invalid"),
        ("POST", URL, {}, 422, "invalid"),
        ("POST", f"{URL}/p99/@endorse", {}, 404, "not_found"),
        ("DELETE", f"{URL}/p99/@endorse", None, 404, "not_found"),
    ]
    for n in range(9):
        shortcut.post_json(URL, {"text": f"Idea {n}"}, headers=a["h"], status=201)
    refusals.append(("POST", URL, {"text": "Eleventh"}, 409, "limit"))
    for method, url, body, status, code in refusals:
        answers = []
        for client in (shortcut, pyramid):
            kw = {"headers": a["h"], "status": "*"}
            if body is None:
                res = client.request(url, method=method, **kw)
            else:
                res = client.request(
                    url,
                    method=method,
                    body=json.dumps(body).encode(),
                    content_type="application/json",
                    **kw,
                )
            answers.append((res.status_int, res.headers["Content-Type"], res.json))
        assert answers[0] == answers[1], (method, url, body)
        assert answers[0][0] == status and answers[0][2]["error"] == code, answers[0]
    stale = shortcut.patch_json(
        f"{URL}/p1", {"text": "Late", "base_version": 1}, headers=a["h"], status=409
    )
    assert stale.json["current"]["version"] == 2
    assert behind.reached == []

    set_phase(app, open_session, "review")
    res = shortcut.post_json(f"{URL}/p1/@endorse", {}, headers=a["h"], status=409)
    assert res.json["error"] == "phase"
    assert behind.reached == []


def test_a_removed_groups_token_is_left_to_the_application(app, open_session, shortcut, behind):
    a, b = scribe(app, "A"), scribe(app, "B")
    learned(app, a["h"])
    app.delete(f"{SESSION}/@groups/{b['group']}", headers=open_session, status=204)
    # Removing a group revokes its tokens: the full application answers for the token.
    shortcut.post_json(f"{URL}/p1/@endorse", {}, headers=b["h"], status=418)
    assert len(behind.reached) == 1
    res = app.post_json(f"{URL}/p1/@endorse", {}, headers=b["h"], status=401)
    assert res.json["error"] == "unauthorized"


def test_only_the_canonical_path_is_learned(app, open_session):
    """Pyramid finds the session at ``/tc//paris`` too; only its own path is learned."""
    a = scribe(app, "A")
    app.post_json("/tc//paris/@proposals", {"text": "Odd path"}, headers=a["h"], status=201)
    commits = app.app.registry.congress_commits
    assert commits.queue_at("/tc//paris") is None and commits.queue_at(SESSION) is None
    learned(app, a["h"])
    queue = commits.queue_at(SESSION)
    assert queue is not None and queue.paths == {(SESSION, SESSION)}


def test_a_failure_after_the_commit_never_applies_an_action_twice(app, open_session, shortcut):
    """Once an action is committed it keeps its answer, whatever fails afterwards: else the
    shortcut would hand the request to the full application, which would apply it again."""
    a = scribe(app, "A")
    learned(app, a["h"])
    app.get(URL)  # watched: each commit is published

    class Broken:
        def watching(self, paths):
            raise RuntimeError("an observer that fails")

    observers = app.app.registry.congress_commits.observers
    observers.append(Broken())
    try:
        shortcut.post_json(URL, {"text": "Once only"}, headers=a["h"], status=201)
        app.post_json(URL, {"text": "Once too"}, headers=a["h"], status=201)
    finally:
        observers.pop()
    texts = [i["text"] for i in app.get(URL).json["items"]]
    assert sorted(texts) == ["First idea", "Once only", "Once too"]


def test_what_the_shortcut_leaves_to_the_application(app, open_session, shortcut, behind):
    """Anything but the plain case reaches the full application, body intact."""
    a = scribe(app, "A")
    edit = json.dumps({"text": "New", "base_version": 1}).encode()
    # Before any action through the application, the session's path is not known.
    shortcut.post(f"{URL}/p1/@endorse", headers=a["h"], status=418)
    learned(app, a["h"])
    other_session_token = _scribe_of_another_session(app, open_session)
    cases = [
        ("POST", f"{URL}/p1/@endorse", {"Authorization": "Bearer nope"}, b""),
        ("POST", f"{URL}/p1/@endorse", {"Authorization": f"Bearer {other_session_token}"}, b""),
        ("POST", f"{URL}/p1/@endorse", {}, b""),  # no credentials
        ("POST", f"{URL}/p1/@endorse", {"Authorization": "Basic YTpi"}, b""),
        ("PATCH", f"{URL}/p1", a["h"], b"{not json"),
        ("PATCH", f"{URL}/p1", a["h"], b"[1, 2]"),
        ("PATCH", URL, a["h"], edit),
        ("PUT", f"{URL}/p1", a["h"], edit),
        ("POST", f"{URL}/p1/@history", a["h"], b""),
        ("POST", f"{URL}/", a["h"], b'{"text": "x"}'),
        ("PATCH", f"{URL}/..", a["h"], edit),
        ("POST", f"{URL}//p1/@endorse", a["h"], b""),
        ("GET", URL, a["h"], b""),
    ]
    for method, url, headers, body in cases:
        behind.reached.clear()
        shortcut.request(url, method=method, headers=headers, body=body, status=418)
        assert behind.reached == [(method, url, body)]
    # A virtual root makes the same path another resource: left to traversal.
    behind.reached.clear()
    shortcut.post(f"{URL}/p1/@endorse", headers={**a["h"], "X-Vhm-Root": "/tc"}, status=418)
    assert len(behind.reached) == 1
    # And the full application answers them as before.
    app.post_json(f"{URL}/p1/@endorse", {}, headers={"Authorization": "Bearer nope"}, status=401)
    app.post_json(
        f"{URL}/p1/@endorse",
        {},
        headers={"Authorization": f"Bearer {other_session_token}"},
        status=403,
    )
    app.patch(f"{URL}/p1", b"{not json", headers=a["h"], status=400)


def test_a_moved_session_is_left_to_traversal(app, site, open_session, shortcut, behind):
    """After a move, the old URL names nothing: neither the old tokens nor new ones act
    there, and displays of the old URL are not fed the moved session's state."""
    a = scribe(app, "A")
    learned(app, a["h"])
    app.get(URL)  # a display polls the session at its old address
    with site.edit() as root:
        operations.move(root["tc"]["paris"], root["tc"], "lyon", "admin")
    shortcut.post(f"{URL}/p1/@endorse", headers=a["h"], status=418)
    app.post(f"{URL}/p1/@endorse", headers=a["h"], status=404)
    joined = app.post_json(
        "/tc/lyon/@join", {"venue": "salle-a", "code": "salle-a-42", "name": "New"}
    ).json
    new = {"Authorization": f"Bearer {joined['token']}"}
    shortcut.post(f"{URL}/p1/@endorse", headers=new, status=418)
    app.post(f"{URL}/p1/@endorse", headers=new, status=404)
    # Acting where the session now is publishes nothing under the old address.
    app.post_json("/tc/lyon/@proposals/p1/@endorse", {}, headers=new, status=200)
    polls = TestApp(poll_shortcut(behind, app.app.registry), extra_environ=ENV)
    behind.reached.clear()
    polls.get(URL, status=418)
    assert len(behind.reached) == 1
    app.get(URL, status=404)


def test_a_deleted_session_is_left_to_traversal(app, open_session, shortcut, behind):
    """A deleted session keeps its parent and its path: the shortcut checks it is still
    in the site."""
    a = scribe(app, "A")
    learned(app, a["h"])
    app.delete(SESSION, headers=open_session, status=204)
    shortcut.post(f"{URL}/p1/@endorse", headers=a["h"], status=418)
    assert len(behind.reached) == 1
    app.post(f"{URL}/p1/@endorse", headers=a["h"], status=404)


def _scribe_of_another_session(app, admin_headers) -> str:
    app.post_json("/tc", {"@type": "Session", "id": "mexico", "title": "M"}, headers=admin_headers)
    venue = {"@type": "Venue", "id": "v", "title": "V", "join_code": "c1"}
    app.post_json("/tc/mexico", venue, headers=admin_headers)
    set_body = {"phase": "collaboration"}
    app.patch_json("/tc/mexico", set_body, headers=admin_headers, status=204)
    return app.post_json("/tc/mexico/@join", {"venue": "v", "code": "c1", "name": "M"}).json[
        "token"
    ]


# What each group commit publishes ---------------------------------------------------------------


def test_each_commit_publishes_the_state_for_the_displays(app, open_session, pyramid):
    """Once a display polls a session, each group commit renders the new state once, and
    every poll gets it in front of Pyramid: the same answer the view gives."""
    a = scribe(app, "A")
    learned(app, a["h"])
    app.get(URL)  # a display starts polling
    behind = Behind()
    polls = TestApp(poll_shortcut(behind, app.app.registry), extra_environ=ENV)
    for step in range(3):
        app.post_json(f"{URL}/p1/@endorse", {}, headers=scribe(app, f"G{step}")["h"])
        published = polls.get(URL, headers={"If-None-Match": '"old"'}, status=200)
        viewed = pyramid.get(URL)
        assert published.json == viewed.json
        assert published.headers["ETag"] == viewed.headers["ETag"]
        assert published.headers["Content-Type"] == viewed.headers["Content-Type"]
        assert published.json["items"][0]["endorsement_count"] == step + 2
        polls.get(URL, headers={"If-None-Match": viewed.headers["ETag"]}, status=304)
    assert behind.reached == []


def test_nothing_is_published_for_a_session_no_one_watches(app, open_session):
    a = scribe(app, "A")
    learned(app, a["h"])
    app.post_json(f"{URL}/p1/@endorse", {}, headers=scribe(app, "B")["h"])
    assert app.app.registry.congress_etag_cache.get(URL) is None


def test_commit_delay_setting_is_checked(tmp_path):
    for bad in ("soon", "-1", "500"):
        (tmp_path / bad).mkdir()
        with pytest.raises(ValueError, match="congress.commit_delay_ms"):
            main({}, **make_settings(tmp_path / bad, **{"congress.commit_delay_ms": bad}))
    app = main({}, **make_settings(tmp_path, **{"congress.commit_delay_ms": "0"}))
    try:
        assert app.registry.congress_commits.delay == 0
    finally:
        database(app.registry).close()
