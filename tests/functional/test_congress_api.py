"""Every answer of the congress API (issue 3): joining, phases, proposals, groups, codes."""

from __future__ import annotations

from congress_site.site import database
from tests.conftest import MEMBER_PASSWORD, api_token, bearer
from tests.functional.conftest import SESSION


def join(app, name, venue="salle-a", code=None, status=201):
    body = {"venue": venue, "code": code or f"{venue}-42", "name": name}
    return app.post_json(f"{SESSION}/@join", body, status=status)


def scribe(app, name, venue="salle-a") -> dict:
    res = join(app, name, venue)
    return {"group": res.json["group"], "h": bearer(res.json["token"])}


def set_phase(app, admin, phase):
    app.patch_json(SESSION, {"phase": phase}, headers=admin, status=204)


# Content types --------------------------------------------------------------------------------


def test_venue_json_has_its_id_and_hides_the_code_from_others(app, congress):
    venue = app.get(f"{SESSION}/salle-a", headers={"Accept": "application/json"}).json
    assert venue["id"] == "salle-a" and venue["@type"] == "Venue"
    assert venue["join_code"] is None
    assert venue["language"] == "fr"
    seen_by_admin = app.get(f"{SESSION}/salle-a", headers=congress).json
    assert seen_by_admin["join_code"] == "SALLE-A-42"


def test_generated_join_code_and_reset(app, congress):
    app.post_json(SESSION, {"@type": "Venue", "id": "mtl", "title": "Montréal"}, headers=congress)
    code = app.get(f"{SESSION}/mtl", headers=congress).json["join_code"]
    assert len(code) == 6
    new = app.post_json(f"{SESSION}/mtl/@reset-code", {}, headers=congress).json["join_code"]
    assert new != code
    assert join(app, "Late group", "mtl", code, status=403).json["error"] == "code"
    join(app, "Late group", "mtl", new.lower())  # codes are case-insensitive
    member = bearer(api_token(app, "member", MEMBER_PASSWORD))
    app.post_json(f"{SESSION}/mtl/@reset-code", {}, headers=member, status=403)
    app.post_json(f"{SESSION}/mtl/@reset-code", {}, status=401)


# Joining --------------------------------------------------------------------------------------


def test_join_answers(app, congress):
    res = join(app, "Les Castors")
    assert res.status_int == 201
    assert set(res.json) >= {"group", "token"}
    assert join(app, "Intrus", code="wrong", status=403).json["error"] == "code"
    assert join(app, "les  castors", status=409).json["error"] == "duplicate"
    join(app, "Les Castors", venue="online")  # the same name elsewhere is another group
    assert join(app, "   ", status=422).json["error"] == "invalid"
    assert join(app, "x" * 81, status=422).json["error"] == "invalid"
    assert join(app, "Ghost", venue="nowhere", status=404).json["error"] == "not_found"
    groups = app.get(f"{SESSION}/@groups").json["items"]
    assert sorted(g["name"] for g in groups) == ["Les Castors", "Les Castors"]


def test_join_refused_once_closed(app, congress):
    set_phase(app, congress, "closed")
    assert join(app, "Too late", status=409).json["error"] == "phase"


# Phases ---------------------------------------------------------------------------------------


def test_phase_via_patch_and_schedule(app, congress):
    session = app.get(SESSION, headers=congress).json
    assert session["phase"] == "preparation" and session["scheduled"] is False
    set_phase(app, congress, "collaboration")
    assert app.get(f"{SESSION}/@proposals").json["phase"] == "collaboration"
    res = app.patch_json(SESSION, {"phase": "lunch"}, headers=congress, status=422)
    assert res.json["error"] == "invalid"
    # No start yet: following the schedule is refused, nothing changes.
    app.patch_json(SESSION, {"scheduled": True}, headers=congress, status=422)
    assert app.get(f"{SESSION}/@proposals").json["phase"] == "collaboration"
    # A schedule that started 20 minutes ago: 15 min introduction, so collaboration.
    from datetime import UTC, datetime, timedelta

    start = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    app.patch_json(SESSION, {"start": start, "scheduled": True}, headers=congress, status=204)
    state = app.get(f"{SESSION}/@proposals").json
    assert state["phase"] == "collaboration" and state["phase_ends"] is not None
    # Shorten the introduction: the schedule follows the new durations.
    app.patch_json(SESSION, {"collaboration_minutes": 1}, headers=congress, status=204)
    assert app.get(f"{SESSION}/@proposals").json["phase"] == "review"
    member = bearer(api_token(app, "member", MEMBER_PASSWORD))
    app.patch_json(SESSION, {"phase": "closed"}, headers=member, status=403)
    app.patch_json(SESSION, {"phase": "closed"}, status=401)


def test_changes_outside_collaboration_get_phase_error(app, congress):
    s = scribe(app, "A")
    res = app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=s["h"], status=409)
    assert res.json["error"] == "phase"
    set_phase(app, congress, "collaboration")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=s["h"], status=201)
    set_phase(app, congress, "review")
    for method, url, body in (
        ("post", f"{SESSION}/@proposals/p1/@endorse", {}),
        ("delete", f"{SESSION}/@proposals/p1/@endorse", None),
        ("patch", f"{SESSION}/@proposals/p1", {"text": "New", "base_version": 1}),
        ("post", f"{SESSION}/@proposals", {"text": "Other"}),
    ):
        call = getattr(app, f"{method}_json")
        res = call(url, body, headers=s["h"], status=409) if body is not None else None
        if res is None:
            res = app.delete(url, headers=s["h"], status=409)
        assert res.json["error"] == "phase", (method, url)


# Proposals ------------------------------------------------------------------------------------


def test_add_list_and_etag(app, open_session):
    a, b = scribe(app, "A"), scribe(app, "B")
    empty = app.get(f"{SESSION}/@proposals")
    etag = empty.headers["ETag"]
    assert empty.json["items"] == [] and empty.json["phase"] == "collaboration"
    assert app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag}, status=304).body == b""

    res = app.post_json(f"{SESSION}/@proposals", {"text": "  Share the server  "}, headers=a["h"])
    assert res.status_int == 201
    item = res.json
    assert item["text"] == "Share the server" and item["version"] == 1
    assert item["endorsements"] == [a["group"]] and item["endorsement_count"] == 1
    assert item["created_by"] == a["group"] == item["edited_by"]
    assert set(item) >= {"id", "modified"}

    changed = app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag})
    assert changed.status_int == 200 and changed.headers["ETag"] != etag
    new_etag = changed.headers["ETag"]
    app.get(f"{SESSION}/@proposals", headers={"If-None-Match": new_etag}, status=304)

    app.post_json(f"{SESSION}/@proposals", {"text": "Second"}, headers=b["h"])
    app.post_json(f"{SESSION}/@proposals/p2/@endorse", {}, headers=a["h"])
    state = app.get(f"{SESSION}/@proposals").json
    assert [i["id"] for i in state["items"]] == ["p2", "p1"]  # more endorsements first
    assert state["revision"] == 4  # the phase change counts too
    assert set(state) >= {"revision", "phase", "items"}


def test_ranking_ties_older_first(app, open_session):
    a, b = scribe(app, "A"), scribe(app, "B")
    app.post_json(f"{SESSION}/@proposals", {"text": "One"}, headers=a["h"])
    app.post_json(f"{SESSION}/@proposals", {"text": "Two"}, headers=b["h"])
    assert [i["id"] for i in app.get(f"{SESSION}/@proposals").json["items"]] == ["p1", "p2"]


def test_text_validation(app, open_session):
    a = scribe(app, "A")
    for body in ({"text": ""}, {"text": "   "}, {"text": "x" * 1001}, {"text": 5}, {}):
        res = app.post_json(f"{SESSION}/@proposals", body, headers=a["h"], status=422)
        assert res.json["error"] == "invalid"
    app.post_json(f"{SESSION}/@proposals", {"text": "x" * 1000}, headers=a["h"], status=201)
    res = app.post(
        f"{SESSION}/@proposals",
        "not json",
        headers={**a["h"], "Content-Type": "application/json"},
        status=400,
    )
    assert res.json["error"] == "bad_json"
    assert (
        app.get(f"{SESSION}/@proposals").json["revision"] == 2
    )  # phase + one add: nothing else stored


def test_limit_of_ten(app, open_session):
    a = scribe(app, "A")
    for n in range(10):
        app.post_json(f"{SESSION}/@proposals", {"text": f"Idea {n}"}, headers=a["h"], status=201)
    res = app.post_json(f"{SESSION}/@proposals", {"text": "Eleven"}, headers=a["h"], status=409)
    assert res.json["error"] == "limit"
    # Editing is the way in.
    app.patch_json(
        f"{SESSION}/@proposals/p3", {"text": "Eleven", "base_version": 1}, headers=a["h"]
    )
    assert len(app.get(f"{SESSION}/@proposals").json["items"]) == 10


def test_edit_clears_endorsements_and_stale_edit(app, open_session):
    a, b, c = scribe(app, "A"), scribe(app, "B"), scribe(app, "C")
    app.post_json(f"{SESSION}/@proposals", {"text": "Pay by means"}, headers=a["h"])
    app.post_json(f"{SESSION}/@proposals/p1/@endorse", {}, headers=b["h"])
    res = app.patch_json(
        f"{SESSION}/@proposals/p1",
        {"text": "Pay according to means", "base_version": 1},
        headers=c["h"],
    )
    assert res.status_int == 200
    assert res.json["version"] == 2 and res.json["endorsements"] == [c["group"]]
    assert res.json["edited_by"] == c["group"] and res.json["created_by"] == a["group"]

    stale = app.patch_json(
        f"{SESSION}/@proposals/p1",
        {"text": "Mine", "base_version": 1},
        headers=b["h"],
        status=409,
    )
    assert stale.json["error"] == "stale"
    assert stale.json["current"]["version"] == 2
    assert stale.json["current"]["text"] == "Pay according to means"

    for body in (
        {"text": "X", "base_version": "2"},
        {"text": "X", "base_version": 9},
        {"text": "X"},
        {"text": "Pay according to means", "base_version": 2},
    ):
        res = app.patch_json(f"{SESSION}/@proposals/p1", body, headers=b["h"], status=422)
        assert res.json["error"] == "invalid", body
    res = app.patch_json(
        f"{SESSION}/@proposals/p9", {"text": "X", "base_version": 1}, headers=b["h"], status=404
    )
    assert res.json["error"] == "not_found"


def test_endorse_idempotent_and_withdraw(app, open_session):
    a, b = scribe(app, "A"), scribe(app, "B")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    url = f"{SESSION}/@proposals/p1/@endorse"
    first = app.post_json(url, {}, headers=b["h"], status=200).json
    again = app.post_json(url, {}, headers=b["h"], status=200).json
    assert first["endorsements"] == again["endorsements"] == [a["group"], b["group"]]
    revision = app.get(f"{SESSION}/@proposals").json["revision"]
    assert revision == 3  # phase, add, endorse: the repeat changed nothing
    assert app.delete(url, headers=b["h"], status=200).json["endorsements"] == [a["group"]]
    assert app.delete(url, headers=b["h"], status=200).json["endorsements"] == [a["group"]]
    # The last endorsement withdrawn: the proposal is retired.
    assert app.delete(url, headers=a["h"]).json["retired"] is True
    assert app.get(f"{SESSION}/@proposals").json["items"] == []
    assert app.post_json(url, {}, headers=b["h"], status=404).json["error"] == "not_found"
    missing = f"{SESSION}/@proposals/p7/@endorse"
    assert app.post_json(missing, {}, headers=b["h"], status=404).json["error"] == "not_found"
    assert app.delete(missing, headers=b["h"], status=404).json["error"] == "not_found"


def test_history(app, open_session):
    a, b = scribe(app, "A"), scribe(app, "B")
    app.post_json(f"{SESSION}/@proposals", {"text": "share the server"}, headers=a["h"])
    app.patch_json(
        f"{SESSION}/@proposals/p1", {"text": "share one server", "base_version": 1}, headers=b["h"]
    )
    history = app.get(f"{SESSION}/@proposals/p1/@history").json["versions"]
    assert [(v["version"], v["text"], v["group"]) for v in history] == [
        (1, "share the server", a["group"]),
        (2, "share one server", b["group"]),
    ]
    assert history[1]["group_name"] == "B" and history[1]["time"]
    assert {"op": "delete", "text": "the"} in history[1]["changes"]
    assert {"op": "insert", "text": "one"} in history[1]["changes"]
    app.get(f"{SESSION}/@proposals/p5/@history", status=404)
    assert app.get(f"{SESSION}/@proposals/p1").json["version"] == 2


def test_who_may_act(app, open_session):
    a = scribe(app, "A")
    url = f"{SESSION}/@proposals"
    assert app.post_json(url, {"text": "Anon"}, status=401).json["error"] == "unauthorized"
    member = bearer(api_token(app, "member", MEMBER_PASSWORD))
    assert app.post_json(url, {"text": "M"}, headers=member, status=403).json["error"]
    app.post_json(url, {"text": "Admin"}, headers=open_session, status=403)
    app.post_json(url, {"text": "Bad token"}, headers=bearer("nope"), status=401)
    # A token of another session does not act here.
    app.post_json(
        "/tc", {"@type": "Session", "id": "mexico", "title": "Mexico"}, headers=open_session
    )
    app.post_json(
        "/tc/mexico",
        {"@type": "Venue", "id": "v", "title": "V", "join_code": "c1"},
        headers=open_session,
    )
    other = app.post_json("/tc/mexico/@join", {"venue": "v", "code": "c1", "name": "M"}).json
    app.post_json(url, {"text": "Elsewhere"}, headers=bearer(other["token"]), status=403)
    app.post_json(url, {"text": "Mine"}, headers=a["h"], status=201)
    # Reading is for anyone: displays and remote viewers.
    assert app.get(url).json["items"][0]["text"] == "Mine"


# Groups (coordinators) -------------------------------------------------------------------------


def test_rename_merge_remove_groups(app, open_session):
    a, b, c = scribe(app, "A"), scribe(app, "B"), scribe(app, "C")
    admin = open_session
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    app.post_json(f"{SESSION}/@proposals/p1/@endorse", {}, headers=b["h"])
    app.post_json(f"{SESSION}/@proposals/p1/@endorse", {}, headers=c["h"])

    res = app.patch_json(f"{SESSION}/@groups/{a['group']}", {"name": "Alpha"}, headers=admin)
    assert res.json["name"] == "Alpha"
    res = app.patch_json(
        f"{SESSION}/@groups/{a['group']}", {"name": "b"}, headers=admin, status=409
    )
    assert res.json["error"] == "duplicate"
    join(app, "A")  # the old name is free again

    # Merge B into A: B's endorsement becomes A's (already there), B's token acts as A.
    app.patch_json(f"{SESSION}/@groups/{b['group']}", {"merge_into": a["group"]}, headers=admin)
    item = app.get(f"{SESSION}/@proposals").json["items"][0]
    assert item["endorsements"] == [a["group"], c["group"]]
    res = app.post_json(f"{SESSION}/@proposals", {"text": "From B"}, headers=b["h"])
    assert res.json["created_by"] == a["group"]

    # Remove C: its endorsement goes, its token stops working.
    app.delete(f"{SESSION}/@groups/{c['group']}", headers=admin, status=204)
    assert app.get(f"{SESSION}/@proposals").json["items"][0]["endorsements"] == [a["group"]]
    app.post_json(f"{SESSION}/@proposals", {"text": "From C"}, headers=c["h"], status=401)
    app.delete(f"{SESSION}/@groups/{c['group']}", headers=admin, status=404)
    app.patch_json(f"{SESSION}/@groups/{a['group']}", {}, headers=admin, status=422)
    member = bearer(api_token(app, "member", MEMBER_PASSWORD))
    app.patch_json(f"{SESSION}/@groups/{a['group']}", {"name": "Z"}, headers=member, status=403)
    names = {g["name"] for g in app.get(f"{SESSION}/@groups").json["items"]}
    assert names == {"Alpha", "A"}


def test_results_json(app, open_session):
    a, b = scribe(app, "A"), scribe(app, "B")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    app.post_json(f"{SESSION}/@proposals/p1/@endorse", {}, headers=b["h"])
    results = app.get(f"{SESSION}/@results").json
    assert results["final"] is False
    set_phase(app, open_session, "closed")
    results = app.get(f"{SESSION}/@results").json
    assert results["final"] is True and results["groups"] == 2
    item = results["items"][0]
    assert item["share"] == 1.0 and [e["name"] for e in item["endorsers"]] == ["A", "B"]


# The cheap poll path ---------------------------------------------------------------------------


def test_fast_304_never_hides_a_change(app, site, open_session):
    """The tween's cached ETag is dropped by any commit, even one made outside the web app."""
    a = scribe(app, "A")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    first = app.get(f"{SESSION}/@proposals")
    etag = first.headers["ETag"]
    cache = app.app.registry.congress_etag_cache
    db = database(app.app.registry)
    assert cache.get(f"{SESSION}/@proposals")[:2] == (db.lastTransaction(), etag)
    app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag}, status=304)

    from datetime import UTC, datetime

    with site.edit() as root:  # a maintenance script, another process: no request involved
        root["tc"]["paris"].proposals.endorse("g-script", "p1", datetime.now(UTC))
    res = app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag}, status=200)
    assert res.headers["ETag"] != etag
    assert res.json["items"][0]["endorsement_count"] == 2


def test_fast_304_stops_at_the_phase_boundary(app, open_session):
    """A schedule moves the phase without a write: the cached answer expires with it."""
    import time
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) + timedelta(seconds=2)
    app.patch_json(SESSION, {"start": start.isoformat(), "scheduled": True}, headers=open_session)
    res = app.get(f"{SESSION}/@proposals")
    assert res.json["phase"] == "preparation"
    etag = res.headers["ETag"]
    app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag}, status=304)
    time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()) + 0.2)
    res = app.get(f"{SESSION}/@proposals", headers={"If-None-Match": etag}, status=200)
    assert res.json["phase"] == "introduction"


def test_displays_share_one_rendered_list_until_the_next_commit(app, site, open_session):
    """A display whose ETag is out of date gets the list rendered for another anonymous
    display at the same state, never an older one."""
    a = scribe(app, "A")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    first = app.get(f"{SESSION}/@proposals")
    entry = app.app.registry.congress_etag_cache.get(f"{SESSION}/@proposals")
    assert entry.body == first.body and entry.etag == first.headers["ETag"]
    again = app.get(f"{SESSION}/@proposals", headers={"If-None-Match": '"stale.0.x"'})
    assert again.body == first.body and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.json["items"][0]["endorsement_count"] == 1
    # Answered in front of Pyramid: the application behind the shortcut is never called.
    from congress_site.congress.fastpath import poll_shortcut

    def unreachable(environ, start_response):
        raise AssertionError("the shortcut should have answered")

    shortcut = poll_shortcut(unreachable, app.app.registry)
    seen = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"{SESSION}/@proposals"}
    assert b"".join(shortcut(environ, lambda status, headers: seen.append(status))) == first.body
    assert seen == ["200 OK"]

    from datetime import UTC, datetime

    with site.edit() as root:  # a commit from elsewhere: the shared list is out of date
        root["tc"]["paris"].proposals.endorse("g-script", "p1", datetime.now(UTC))
    fresh = app.get(f"{SESSION}/@proposals", headers={"If-None-Match": '"stale.0.x"'})
    assert fresh.json["items"][0]["endorsement_count"] == 2
    assert fresh.headers["ETag"] != first.headers["ETag"]


def test_a_list_rendered_for_a_scribe_is_not_shared(app, open_session):
    a = scribe(app, "A")
    app.post_json(f"{SESSION}/@proposals", {"text": "Idea"}, headers=a["h"])
    res = app.get(f"{SESSION}/@proposals", headers=a["h"])
    entry = app.app.registry.congress_etag_cache.get(f"{SESSION}/@proposals")
    assert entry.etag == res.headers["ETag"] and entry.body is None
