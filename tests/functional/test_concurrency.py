"""Writers adding to one folder at the same moment all land.

The adds go through waitress (as many request threads as writers) into one folder,
as a room uploading at once does. Their titles and texts share words, so the text index,
the folder's BTree and the catalog's id-keyed structures all see concurrent inserts."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter

import pytest
from pyramid_retry import IBeforeRetry

from congress_site.server import create_server
from tests.conftest import ADMIN_PASSWORD, api_token, bearer


class Retries:
    """Counts pyramid_retry's retries per request (``BeforeRetry`` events)."""

    def __init__(self, registry):
        self.per_request = Counter()
        self.causes = Counter()
        self._lock = threading.Lock()
        registry.registerHandler(self, (IBeforeRetry,))

    def __call__(self, event):
        with self._lock:
            self.per_request[id(event.environ)] += 1
            self.causes[type(event.exception).__name__] += 1


@pytest.fixture
def served(wsgi_app, site):
    """The app on waitress with 50 request threads; yields (port, retries)."""
    retries = Retries(wsgi_app.registry)
    server = create_server(wsgi_app, host="127.0.0.1", port=0, threads=50)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port, retries
    server.close()
    thread.join(timeout=5)


def post(port, path, body, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST", path, json.dumps(body), {**headers, "Content-Type": "application/json"}
        )
        res = conn.getresponse()
        return res.status, res.read()
    finally:
        conn.close()


def add_at_once(port, headers, writers: int, folder="/inbox"):
    barrier = threading.Barrier(writers)
    answers = []

    def writer(n):
        barrier.wait()
        body = {
            "@type": "Page",
            "title": f"Minutes of group {n}",
            "text": f"<p>Group {n} discussed the shared server and its backups.</p>",
        }
        answers.append(post(port, folder, body, headers))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.mark.parametrize("writers", [20, 50])
def test_concurrent_adds_to_one_folder_all_land_with_at_most_one_retry_each(app, served, writers):
    port, retries = served
    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Folder", "title": "Inbox", "id": "inbox"}, headers=headers)

    answers = add_at_once(port, headers, writers)

    assert Counter(status for status, _body in answers) == {201: writers}, answers
    assert max(retries.per_request.values(), default=0) <= 1, retries.causes
    listing = app.get("/inbox", headers=headers).json
    assert listing["items_total"] == writers
    found = app.get("/inbox/@search?SearchableText=backups", headers=headers).json
    assert found["items_total"] == writers
    for n in (0, writers - 1):
        hits = app.get(f"/inbox/@search?SearchableText=group {n}", headers=headers).json
        assert f"Minutes of group {n}" in [item["title"] for item in hits["items"]]


@pytest.fixture
def contested(app, wsgi_app, site):
    """A folder that a maintenance script changes while every write request runs, so that
    each attempt of a request writing the folder meets a real conflict at commit."""
    from pyramid.interfaces import IContextFound

    headers = bearer(api_token(app, "admin", ADMIN_PASSWORD))
    app.post_json("/", {"@type": "Folder", "title": "Inbox", "id": "inbox"}, headers=headers)
    attempts = []

    def interfere(event):
        if event.request.method == "GET":
            return
        attempts.append(event.request.environ.get("retry.attempt"))
        with site.edit() as root:
            root["inbox"].description = f"changed meanwhile {len(attempts)}"

    wsgi_app.registry.registerHandler(interfere, (IContextFound,))
    return headers, attempts


def test_a_conflict_outlasting_the_retries_answers_503_busy_in_json(app, contested):
    headers, attempts = contested
    res = app.patch_json("/inbox", {"title": "Renamed"}, headers=headers, status=503)
    assert res.json["error"] == "busy" and res.json["message"]
    assert int(res.headers["Retry-After"]) > 0
    assert attempts == [0, 1, 2, 3, 4]  # every attempt pyramid_retry makes (retry.attempts)
    assert app.get("/inbox", headers=headers).json["title"] == "Inbox"


def test_a_conflict_outlasting_the_retries_gives_browsers_a_busy_page(app, contested):
    from tests.conftest import browser_login

    browser_login(app, "admin", ADMIN_PASSWORD)
    form = app.get("/inbox/@@edit", headers={"Accept-Language": "fr"}).forms["content-form"]
    form["title"] = "Renamed"
    res = form.submit("submit", headers={"Accept-Language": "fr"}, status=503)
    assert res.content_type == "text/html"
    assert int(res.headers["Retry-After"]) > 0
    assert "<h1>" in res.text and "occupé" in res.text
