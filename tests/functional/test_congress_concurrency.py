"""Many scribes at once through the WSGI app on a real FileStorage: no update is lost.

Each thread is one group's scribe, acting on what it last saw (so edits go stale, adds race
for the last places, endorsements pile on the leader). Every committed action records
itself in its transaction; replaying those serially, in commit order, on a fresh board must
give exactly the final state, and no scribe may ever see a conflict as an error.
"""

from __future__ import annotations

import random
import threading
from datetime import datetime

from pyramid_retry import IBeforeRetry

from congress_site.congress.engine import ProposalBoard
from tests.conftest import ADMIN_PASSWORD, api_token, bearer

SESSION = "/tc/s"
GROUPS = 24
ACTIONS = 20


def play(board, action):
    now = datetime.fromisoformat(action["now"])
    group, kind = action["group"], action["kind"]
    if kind == "add":
        return board.add(group, action["text"], now)
    if kind == "edit":
        return board.edit(group, action["id"], action["text"], action["base_version"], now)
    return getattr(board, kind)(group, action["id"], now)


def observable(board):
    return {
        "ranked": [p.to_dict() for p in board.ranked()],
        "all": [
            (p.id, p.retired, [(v.number, v.text, v.group, v.time) for v in p.versions()])
            for p in board.all_proposals()
        ],
    }


def test_two_dozen_scribes_at_once_equal_a_serial_replay(app, site):
    admin = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "TC"}, headers=admin)
    app.post_json("/tc", {"@type": "Session", "id": "s", "title": "S"}, headers=admin)
    app.post_json(
        SESSION, {"@type": "Venue", "id": "v", "title": "V", "join_code": "K"}, headers=admin
    )
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=admin, status=204)
    scribes = []
    for n in range(GROUPS):
        res = app.post_json(f"{SESSION}/@join", {"venue": "v", "code": "k", "name": f"G{n}"})
        scribes.append((res.json["group"], bearer(res.json["token"])))

    retries = []
    app.app.registry.registerHandler(lambda event: retries.append(1), (IBeforeRetry,))
    start = threading.Barrier(GROUPS)
    errors, statuses = [], {}
    lock = threading.Lock()

    def scribe(n):
        group, headers = scribes[n]
        rng = random.Random(n)
        try:
            start.wait()
            for step in range(ACTIONS):
                items = app.get(f"{SESSION}/@proposals").json["items"]
                kind = rng.choices(["add", "edit", "endorse", "withdraw"], [2, 2, 5, 2])[0]
                if kind == "add" or not items:
                    kind = "add"
                    res = app.post_json(
                        f"{SESSION}/@proposals",
                        {"text": f"{group} idea {step}"},
                        headers=headers,
                        status="*",
                    )
                else:
                    item = items[0] if rng.random() < 0.5 else rng.choice(items)
                    url = f"{SESSION}/@proposals/{item['id']}"
                    if kind == "edit":
                        body = {
                            "text": f"{item['text'][:60]} +{group}.{step}",
                            "base_version": item["version"],
                        }
                        res = app.patch_json(url, body, headers=headers, status="*")
                    elif kind == "endorse":
                        res = app.post_json(f"{url}/@endorse", {}, headers=headers, status="*")
                    else:
                        res = app.delete(f"{url}/@endorse", headers=headers, status="*")
                with lock:
                    key = (kind, res.status_int, (res.json or {}).get("error"))
                    statuses[key] = statuses.get(key, 0) + 1
                if res.status_int >= 500:
                    errors.append(res.text[:300])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=scribe, args=(n,)) for n in range(GROUPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [], errors
    # Refusals are the rules' answers, never a conflict shown to the scribe.
    allowed = {200, 201, 404, 409, 422}
    assert {key[1] for key in statuses} <= allowed, statuses
    done = {(kind, status) for kind, status, _error in statuses}
    assert {("add", 201), ("edit", 200), ("endorse", 200), ("withdraw", 200)} <= done, statuses

    db = app.app.registry._zodb_databases[""]
    committed = [
        record.extension["congress"]
        for record in db.storage.iterator()
        if "congress" in (record.extension or {})
    ]
    replay = ProposalBoard(phase="collaboration")
    for action in committed:
        play(replay, action)  # each committed action is valid in commit order
    with site.edit() as root:
        board = root["tc"]["s"].proposals
        assert observable(board) == observable(replay)
        assert board.live_count <= 10
    accepted = sum(n for (kind, status, _e), n in statuses.items() if status in (200, 201))
    assert len(committed) <= accepted  # repeated endorse/withdraw are accepted no-ops
    assert retries, "no conflict was retried: the test did not exercise concurrency"
