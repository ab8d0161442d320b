"""Writers adding to one folder at the same moment all land.

Both add pages whose words overlap, so the text index conflicts for real and
the retry (with its random back-off) has to do its work."""

from __future__ import annotations

import threading

from tests.conftest import ADMIN_PASSWORD, api_token, bearer


def test_concurrent_adds_to_one_folder_all_land(app):
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Folder", "title": "Inbox", "id": "inbox"}, headers=headers)
    barrier = threading.Barrier(2)
    errors = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(5):
                body = {"@type": "Page", "title": f"writer {n} page {i}"}
                app.post_json("/inbox", body, headers=headers, status=201)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], [str(e) for e in errors]
    listing = app.get("/inbox", headers=headers).json
    assert listing["items_total"] == 10
    found = app.get("/inbox/@search?SearchableText=writer", headers=headers).json
    assert found["items_total"] == 10
