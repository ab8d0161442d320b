"""Every page of the demo site, for a coordinator and for a visitor, answers
without a server error: a net under the templates of every content type."""

from __future__ import annotations

import pytest

from congress_site.catalog import walk
from congress_site.scripts.site_commands import populate_demo
from tests.conftest import ADMIN_PASSWORD, browser_login

OBJECT_VIEWS = (
    "",
    "@@edit",
    "@@contents",
    "@@sharing",
    "@@history",
    "@@rename",
    "@@delete",
    # Congress and ledger pages; elsewhere they answer 404, which is fine here.
    "@@display",
    "@@join",
    "@@scribe",
    "@@manage",
    "@@results",
    "@@principles",
    "@@principles.md",
    "@@principles.csv",
    "@@statement",
    "@@statement.csv",
    "@@log",
    "@@report",
    "@@close",
    "@proposals",
    "@groups",
    "@results",
    "@statement",
    "@report",
    "@close",
    "@items",
)
SITE_VIEWS = (
    "@@search?SearchableText=konbit",
    "@@sitemap",
    "@@users",
    "@@groups",
    "@@audit",
    "@@password",
    "@@reset-password",
    "@@login",
)


@pytest.fixture
def demo_paths(site):
    import importlib

    from pyramid.traversal import resource_path

    with site.edit() as root:
        populate_demo(root)
        for name in ("congress_site.congress.demo", "congress_site.ledger.web.demo"):
            importlib.import_module(name).populate(root)
        return [resource_path(obj).rstrip("/") + "/" for obj in walk(root)]


@pytest.mark.parametrize("who", ["admin", "anonymous"])
def test_every_page_answers_without_server_error(app, demo_paths, who):
    if who == "admin":
        browser_login(app, "admin", ADMIN_PASSWORD)
    failures = []
    urls = [p + v for p in demo_paths for v in OBJECT_VIEWS] + ["/" + v for v in SITE_VIEWS]
    for url in urls:
        for headers in ({}, {"Accept": "application/json"}):
            res = app.get(url, headers=headers, status="*", expect_errors=True)
            if res.status_int >= 500:
                failures.append(f"{url} {headers}: {res.status}")
    assert failures == []
    assert len(urls) > 50
