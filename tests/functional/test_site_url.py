"""The configured site address: links that leave the site use it, other hosts are refused."""

from __future__ import annotations

import logging
import re

import pytest
from webtest import TestApp

from congress_site import main
from congress_site.urls import external_url
from tests.conftest import MEMBER_PASSWORD, Site, make_settings

SITE_URL = "https://konbit.example.org"


@pytest.fixture
def configured(tmp_path):
    """The site with ``site.url`` set, and a user who may ask for a reset link."""
    wsgi = main({}, **make_settings(tmp_path, **{"site.url": SITE_URL + "/"}))
    site = Site(wsgi)
    with site.edit():
        pass
    site.add_user("member", MEMBER_PASSWORD, ["Member"], "member@example.org")
    yield wsgi
    wsgi.registry._zodb_databases[""].close()


def client(wsgi, host):
    return TestApp(wsgi, extra_environ={"HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1"})


@pytest.mark.parametrize("host", ["evil.example", "konbit.example.org.evil.example", "localhost"])
def test_a_host_that_is_not_the_sites_is_refused(configured, host):
    page = client(configured, host).get("/", status=400)
    assert page.content_type == "text/html" and "<h1>" in page.text
    answer = client(configured, host).get("/", headers={"Accept": "application/json"}, status=400)
    assert answer.json["error"] == "unknown_host"
    # In front of the congress shortcuts and the caches too.
    client(configured, host).get("/tc/s/@proposals", status=400)


@pytest.mark.parametrize("host", ["konbit.example.org", "KONBIT.example.org:443"])
def test_the_sites_own_host_is_served(configured, host):
    assert client(configured, host).get("/").status_int == 200


def test_the_logged_reset_link_uses_the_site_address_not_the_request(configured, caplog):
    # Behind a proxy that forwards plain http with the right Host: the link stays https.
    app = client(configured, "konbit.example.org:8080")
    form = app.get("/@@reset-password").forms["content-form"]
    form["email"] = "member@example.org"
    with caplog.at_level(logging.WARNING, logger="congress_site"):
        form.submit("submit")
    links = re.findall(r"(\S+@@reset-password\?token=\S+)", caplog.text)
    assert len(links) == 1 and links[0].startswith(SITE_URL + "/@@reset-password?token=")


def test_a_malformed_site_url_stops_the_start(tmp_path):
    for value in ("konbit.example.org", "ftp://konbit.example.org", "https://x.org/?a=1"):
        with pytest.raises(ValueError, match="site.url"):
            main({}, **make_settings(tmp_path, **{"site.url": value}))


def test_external_url_without_the_setting_follows_the_request(app):
    from pyramid.request import Request

    request = Request.blank("/x", base_url="http://localhost:6543")
    request.registry = app.app.registry
    assert external_url(request, "/members", "@@report") == "http://localhost:6543/members/@@report"
    assert external_url(request, "/", "@@reset-password", query={"token": "a b"}) == (
        "http://localhost:6543/@@reset-password?token=a+b"
    )
    assert external_url(None, "/members", settings={}) is None
    settings = {"site.url": "https://k.example.org/site/"}
    assert external_url(None, "/members/", "a b", settings=settings) == (
        "https://k.example.org/site/members/a%20b"
    )
