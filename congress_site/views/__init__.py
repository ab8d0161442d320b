"""Server-rendered pages. Views are thin: they validate input with colander
and call content.operations, workflow and security functions."""

from __future__ import annotations

import deform
from pyramid.static import QueryStringConstantCacheBuster
from pyramid.threadlocal import get_current_request

from ..plain import json_wanted


def wants_json(request) -> bool:
    """Whether the request is an API call (``plain.json_wanted``)."""
    return json_wanted(
        request.headers.get("Accept", ""),
        request.method,
        request.content_type,
        (getattr(request, "view_name", None) or "").startswith("@"),
    )


class ApiPredicate:
    def __init__(self, val, config):
        self.val = bool(val)

    def text(self):
        return f"api = {self.val}"

    phash = text

    def __call__(self, context, request):
        return wants_json(request) == self.val


def _deform_translator(term):
    request = get_current_request()
    return term if request is None else request.localizer.translate(term)


def includeme(config):
    config.add_view_predicate("api", ApiPredicate)
    config.include(".account")
    config.add_static_view("static", "congress_site:static", cache_max_age=3600)
    config.add_static_view("deform_static", "deform:static", cache_max_age=3600)
    # A deployment names its release: static URLs then change with it, so a front proxy
    # may keep static files for a long time.
    version = config.registry.settings.get("static.version")
    if version:
        for spec in ("congress_site:static/", "deform:static/"):
            config.add_cache_buster(spec, QueryStringConstantCacheBuster(version))
    deform.Form.set_zpt_renderer(
        deform.Form.default_renderer.loader.search_path, translator=_deform_translator
    )
