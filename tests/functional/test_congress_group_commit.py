"""Scribe actions committed in groups (``congress/actions.py``): one transaction for the
actions that arrive together, each answered as if it had run alone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from congress_site.congress.actions import Action, Counters, _SessionQueue, _Ticket
from congress_site.congress.scribes import Scribe
from tests.conftest import ADMIN_PASSWORD, api_token, bearer
from tests.functional.test_congress_concurrency import SESSION, set_up

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def as_scribe(group: str) -> Scribe:
    """The credentials of ``group``'s scribe in the test session."""
    return Scribe(claims={"session": SESSION, "group": group})


def make_session(app, groups=3) -> list[str]:
    """An open session with ``groups`` joined groups; their ids."""
    return [group for group, _headers in set_up(app, groups)]


def session_queue(site):
    with site.edit() as root:
        session = root["tc"]["s"]
        return _SessionQueue(site.db, session._p_oid, Counters())


def congress_transactions(db):
    return [
        r.extension["congress"] for r in db.storage.iterator() if "congress" in (r.extension or {})
    ]


def test_a_group_commits_once_and_answers_each_action(app, site):
    g1, g2, g3 = make_session(app)
    queue = session_queue(site)
    tickets = [
        _Ticket(Action("add", as_scribe(g1), now=NOW, text="Free software first")),
        _Ticket(Action("add", as_scribe(g2), now=NOW, text="   ")),  # refused: empty
        _Ticket(Action("endorse", as_scribe(g3), now=NOW, proposal="p1")),
        _Ticket(Action("endorse", as_scribe(g3), now=NOW, proposal="p1")),  # repeated: no change
        _Ticket(
            Action(
                "edit", as_scribe(g2), now=NOW, proposal="p1", text="Free software", base_version=1
            )
        ),
    ]
    before = len(congress_transactions(site.db))
    queue._commit(tickets)

    add, empty, endorse, again, edit = (t.result for t in tickets)
    assert add.proposal["id"] == "p1" and add.proposal["version"] == 1
    assert (empty.proposal, empty.refusal.code) == (None, "invalid")
    assert sorted(endorse.proposal["endorsements"]) == sorted([g1, g3])
    assert again.record is None
    assert edit.proposal["version"] == 2 and edit.proposal["endorsements"] == [g2]
    # One transaction listing the three changes, in the order applied.
    logged = congress_transactions(site.db)[before:]
    assert [[a["kind"] for a in t] for t in logged] == [["add", "endorse", "edit"]]
    assert (queue.counters.commits, queue.counters.actions) == (1, 5)
    state = app.get(f"{SESSION}/@proposals").json["items"]
    assert [(i["id"], i["text"], i["endorsements"]) for i in state] == [
        ("p1", "Free software", [g2])
    ]


def test_an_action_that_breaks_fails_alone(app, site):
    g1, g2, _ = make_session(app)
    queue = session_queue(site)
    tickets = [
        _Ticket(Action("add", as_scribe(g1), now=NOW, text="One")),
        _Ticket(
            Action("explode", as_scribe(g2), now=NOW)
        ),  # not an action: an error, not a refusal
        _Ticket(Action("add", as_scribe(g2), now=NOW, text="Three")),
    ]
    queue._commit(tickets)
    assert tickets[1].failure is not None and tickets[1].result is None
    assert [t.result.proposal["text"] for t in (tickets[0], tickets[2])] == ["One", "Three"]
    texts = [i["text"] for i in app.get(f"{SESSION}/@proposals").json["items"]]
    assert sorted(texts) == ["One", "Three"]
    assert [[a["text"] for a in t] for t in congress_transactions(site.db)[-1:]] == [
        ["One", "Three"]
    ]


def test_a_conflict_applies_the_group_again_on_fresh_state(app, site):
    """Another writer (a request of another process) commits between the group's reading
    and its commit: the group is applied again on top of it, and both changes stay."""
    g1, g2, _ = make_session(app)
    queue = session_queue(site)
    meanwhile = []

    class CommittedMeanwhile(str):
        def strip(self, *args):
            if not meanwhile:  # the first time only: the group's first attempt
                with site.edit() as root:
                    meanwhile.append(root["tc"]["s"].proposals.add(g2, "Elsewhere", NOW).id)
            return super().strip(*args)

    ticket = _Ticket(Action("add", as_scribe(g1), now=NOW, text=CommittedMeanwhile("Mine")))
    queue._commit([ticket])
    assert queue.counters.conflicts == 1 and queue.counters.commits == 1
    assert meanwhile == ["p1"] and ticket.result.proposal["id"] == "p2"
    items = app.get(f"{SESSION}/@proposals").json["items"]
    assert sorted(i["text"] for i in items) == ["Elsewhere", "Mine"]
    assert congress_transactions(site.db)[-1] == [
        {
            "kind": "add",
            "group": g1,
            "now": NOW.isoformat(),
            "text": "Mine",
            "session": "/tc/s",
        }
    ]


def test_requests_arriving_together_share_commits_and_lose_nothing(app, site, wsgi_app):
    groups = make_session(app, groups=12)
    with site.edit() as root:
        session = root["tc"]["s"]
        oid = session._p_oid
    commits = wsgi_app.registry.congress_commits
    start = threading.Barrier(len(groups))
    results, errors = [], []

    def scribe(group):
        start.wait()
        with site.edit() as root:  # as a request does: its own connection and transaction
            session = root["tc"]["s"]
            assert session._p_oid == oid
            try:
                for n in range(5):
                    action = Action("add", as_scribe(group), now=NOW, text=f"{group} {n}")
                    results.append(commits.perform(session, action))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=scribe, args=(g,)) for g in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    accepted = [r for r in results if r.refusal is None]
    refused = [r for r in results if r.refusal is not None]
    # Ten live proposals at most, whatever the interleaving; every other add is refused.
    assert len(accepted) == 10 and {r.refusal.code for r in refused} == {"limit"}
    live = app.get(f"{SESSION}/@proposals").json["items"]
    assert sorted(i["text"] for i in live) == sorted(r.proposal["text"] for r in accepted)
    logged = [a for t in congress_transactions(site.db) for a in t if a["kind"] == "add"]
    assert len(logged) == 10
    assert commits.counters.actions == len(results)


def test_a_group_removed_or_merged_while_its_action_waits(app, site):
    """The group is checked again when the action is applied: a removed group is refused,
    a merged one acts as the group it was merged into."""
    g1, g2, g3 = make_session(app)
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    queue = session_queue(site)
    seed = [_Ticket(Action("add", as_scribe(g1), now=NOW, text="Shared servers"))]
    queue._commit(seed)
    app.delete(f"{SESSION}/@groups/{g2}", headers=admin, status=204)
    app.patch_json(f"{SESSION}/@groups/{g3}", {"merge_into": g1}, headers=admin)
    removed = _Ticket(Action("add", as_scribe(g2), now=NOW, text="From a removed group"))
    merged = _Ticket(
        Action("edit", as_scribe(g3), now=NOW, proposal="p1", text="Shared", base_version=1)
    )
    queue._commit([removed, merged])
    assert removed.result.refusal.code == "forbidden"
    assert merged.result.proposal["endorsements"] == [g1]
    items = app.get(f"{SESSION}/@proposals").json["items"]
    assert [(i["text"], i["edited_by"]) for i in items] == [("Shared", g1)]
