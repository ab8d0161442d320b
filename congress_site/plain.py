"""Answers made without the site's layout, for the moments it cannot be used: the URL
cannot be decoded, the Host is not ours, the database refused a write. Browsers get a
small translated page, API clients the usual ``{"error": code, "message": ...}``."""

from __future__ import annotations

import html
import json

from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from webob import Request

from .i18n import COOKIE, LANGUAGES


def json_wanted(accept: str, method: str, content_type: str, endpoint: bool) -> bool:
    """plone.restapi's rule: the client asked for ``Accept: application/json`` (and not for
    HTML); ``@``-named endpoints and JSON bodies are API calls too."""
    if "application/json" in accept and "text/html" not in accept:
        return True
    if endpoint:
        return True
    return method not in ("GET", "HEAD") and content_type == "application/json"


def environ_wants_json(environ) -> bool:
    """``json_wanted`` for a request Pyramid has not parsed: an endpoint is any path segment
    named ``@...`` (``@@...`` names a page)."""
    segments = environ.get("PATH_INFO", "").split("/")
    endpoint = any(s.startswith("@") and not s.startswith("@@") for s in segments)
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    return json_wanted(
        environ.get("HTTP_ACCEPT", ""), environ.get("REQUEST_METHOD", "GET"), content_type, endpoint
    )


def environ_language(environ) -> str:
    """The visitor's language from the cookie or Accept-Language only: the query string
    may be what could not be decoded."""
    request = Request(environ)
    try:
        chosen = request.cookies.get(COOKIE)
    except UnicodeDecodeError:
        chosen = None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_language.lookup(LANGUAGES, default="en")


def page(lang: str, heading: str, message: str) -> bytes:
    """A complete, self-contained HTML page (already translated strings)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(heading)}</title></head>"
        f"<body><main><h1>{html.escape(heading)}</h1><p>{html.escape(message)}</p></main>"
        "</body></html>\n"
    ).encode()


def json_body(code: str, message: str) -> bytes:
    return json.dumps({"error": code, "message": message}).encode()


def wsgi_refusal(registry, environ, start_response, status: str, code: str, heading, message):
    """Answer ``status`` from a WSGI layer in front of Pyramid, translated with the site's
    catalogs; ``heading`` and ``message`` are translation strings."""
    lang = environ_language(environ)
    dirs = registry.queryUtility(ITranslationDirectories, default=[])
    localizer = make_localizer(lang, dirs)
    text = localizer.translate(message)
    if environ_wants_json(environ):
        body, content_type = json_body(code, text), "application/json"
    else:
        body = page(lang, localizer.translate(heading), text)
        content_type = "text/html; charset=UTF-8"
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]
