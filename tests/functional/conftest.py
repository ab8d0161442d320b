"""Fixtures of the congress API tests: a congress with a session in Paris and two venues."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD, api_token, bearer

SESSION = "/tc/paris"


@pytest.fixture
def admin(app):
    return bearer(api_token(app, "admin", ADMIN_PASSWORD))


@pytest.fixture
def congress(app, admin):
    """A published congress, a session with two venues, left in preparation."""
    app.post_json("/", {"@type": "Congress", "id": "tc", "title": "Techie Congress"}, headers=admin)
    app.post_json("/tc/@workflow/publish", {}, headers=admin)
    app.post_json(
        "/tc",
        {"@type": "Session", "id": "paris", "title": "Paris", "languages": ["fr", "en"]},
        headers=admin,
        status=201,
    )
    for vid, lang in (("salle-a", "fr"), ("online", "en")):
        app.post_json(
            SESSION,
            {"@type": "Venue", "id": vid, "title": vid, "language": lang, "join_code": f"{vid}-42"},
            headers=admin,
            status=201,
        )
    return admin


@pytest.fixture
def open_session(app, congress):
    app.patch_json(SESSION, {"phase": "collaboration"}, headers=congress, status=204)
    return congress
