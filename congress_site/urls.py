"""The site's public address: links that leave the site, and the hosts it answers for.

A page's own links may follow the request's ``Host``: the browser that sent it reads them.
A link that leaves the site (in a mail, in the log for an administrator to hand over) must
not: anyone can send a request with ``Host: evil.example`` and have a password-reset link
to their own server mailed to someone else. The ``site.url`` setting
(``https://konbit.example.org``) is the public address such links are built on; when it is
set, requests naming another host are refused (``guard.host_guard``).

``external_url`` is the one way to build such a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from pyramid.traversal import quote_path_segment, resource_path

SETTING = "site.url"


def site_url(settings: Mapping) -> str | None:
    """The ``site.url`` setting without a trailing slash, or None; raises ``ValueError``
    for a value that is not an http(s) address."""
    value = (settings.get(SETTING) or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ValueError(f"{SETTING} must be an address like https://konbit.example.org: {value!r}")
    return value.rstrip("/")


def host_name(host: str) -> str | None:
    """The name in a ``Host`` value (``Konbit.example.org:443`` -> ``konbit.example.org``)."""
    try:
        return urlsplit("//" + host).hostname
    except ValueError:
        return None


def allowed_hosts(settings: Mapping) -> frozenset[str]:
    """The host names the site answers for: empty (any) without ``site.url``."""
    url = site_url(settings)
    return frozenset({host_name(urlsplit(url).netloc)}) if url else frozenset()


def request_host(environ) -> str | None:
    """The host name a request names (its ``Host`` header, else the server's name)."""
    return host_name(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))


def external_url(request, target, *elements, query=None, settings=None) -> str | None:
    """The absolute URL of ``target`` for a link that leaves the site (a mail, the log).

    ``target`` is a resource or a site path (``"/members"``); ``elements`` are appended
    as path segments and ``query`` (a mapping) as the query string, as in
    ``request.resource_url``. The address comes from the ``site.url`` setting, else from
    ``request`` (development sites without the setting). ``settings`` defaults to the
    request's; without a request, pass them (a command). Returns None when neither gives
    an address: leave the link out then.
    """
    if settings is None:
        settings = request.registry.settings if request is not None else {}
    base = site_url(settings)
    if base is None:
        if request is None:
            return None
        base = request.application_url
    path = target if isinstance(target, str) else resource_path(target)
    path = "/" + "/".join(
        [part for part in path.split("/") if part] + [quote_path_segment(e) for e in elements]
    )
    if query:
        path += "?" + urlencode(query, doseq=True)
    return base + path
