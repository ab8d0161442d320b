"""plone.restapi's components: what a client needs to draw a page around an object
(``@breadcrumbs``, ``@navigation``, ``@actions``, ``@navroot``, ``@workflow``, ``@types``).

Each component is one function of (context, request); its endpoint answers that function,
every object's JSON links to it under ``@components``, and ``?expand=a,b`` fills the
links in with the answers in the same request. The page layout asks ``chrome`` for the
same things, so pages and clients offer the same navigation and actions."""

from __future__ import annotations

from collections.abc import Callable

from pyramid.view import view_config

from .. import chrome
from ..content.base import Content, SiteRoot
from ..i18n import LANGUAGES, _
from ..security.roles import MANAGE, VIEW
from .errors import ApiError
from .serialize import own_keys, summary, url_of

# name -> (function(context, request) -> dict, permission needed to expand it)
COMPONENTS: dict[str, tuple[Callable, str]] = {}
MAX_NAVIGATION_DEPTH = 4


def component(name: str, permission: str = VIEW):
    def register(func):
        COMPONENTS[name] = (func, permission)
        return func

    return register


def component_links(obj, request) -> dict:
    """``@components`` of an object's JSON, with the components ``?expand=`` names filled in."""
    base = url_of(obj, request)
    links = {name: {"@id": f"{base}/@{name}"} for name in COMPONENTS}
    if obj is not request.context:
        return links  # an item of a listing: links only
    for name in _expanded_names(request):
        func, permission = COMPONENTS[name]
        if request.has_permission(permission, obj):
            links[name] = func(obj, request)
    return links


def _expanded_names(request) -> list[str]:
    names = []
    for value in request.GET.getall("expand"):
        names += [n.strip() for n in value.split(",")]
    return [n for n in dict.fromkeys(names) if n in COMPONENTS]


def _t(request, term) -> str:
    return request.localizer.translate(term)


# -- breadcrumbs, navigation, navroot, site -------------------------------------------------
@component("breadcrumbs")
def breadcrumbs(context, request) -> dict:
    crumbs = chrome.breadcrumbs(context)
    return {
        "@id": f"{url_of(context, request)}/@breadcrumbs",
        "items": [{"@id": url_of(obj, request), "title": obj.title} for obj in crumbs[1:]],
        "root": url_of(crumbs[0], request),
    }


def navigation_depth(request) -> int:
    value = request.GET.get("expand.navigation.depth", "1")
    try:
        depth = int(value)
    except ValueError as exc:
        raise ApiError(400, "bad_request", "expand.navigation.depth must be a number") from exc
    if not 1 <= depth <= MAX_NAVIGATION_DEPTH:
        raise ApiError(
            400,
            "bad_request",
            f"expand.navigation.depth must be between 1 and {MAX_NAVIGATION_DEPTH}",
        )
    return depth


def _navigation_items(tree, request, depth) -> list[dict]:
    out = []
    for obj, children in tree:
        item = summary(obj, request)
        if depth > 1:
            item["items"] = _navigation_items(children, request, depth - 1)
        out.append(item)
    return out


@component("navigation")
def navigation(context, request) -> dict:
    depth = navigation_depth(request)
    tree = chrome.navigation(request.site, request, depth)
    return {
        "@id": f"{url_of(context, request)}/@navigation",
        "items": _navigation_items(tree, request, depth),
    }


@component("navroot")
def navroot(context, request) -> dict:
    return {
        "@id": f"{url_of(context, request)}/@navroot",
        "navroot": own_keys(request.site, request),
    }


def site_info(context, request) -> dict:
    site = request.site
    return {
        "@id": f"{url_of(site, request)}/@site",
        "plone.site_title": site.title,
        "plone.site_logo": None,
        "plone.default_language": LANGUAGES[0],
        "plone.available_languages": list(LANGUAGES),
        "language": request.locale_name,
    }


# -- actions --------------------------------------------------------------------------------
def _action(request, id_, title, url) -> dict:
    return {"id": id_, "title": _t(request, title), "icon": "", "@id": url}


@component("actions")
def actions(context, request) -> dict:
    base = request.resource_url(context)
    site_url = request.resource_url(request.site)
    out = {"@id": f"{url_of(context, request)}/@actions", "object": [], "object_buttons": []}
    for action in chrome.object_actions(context, request):
        url = base + action.view if action.view else base
        out[action.category].append(_action(request, action.id, action.title, url))
    from ..workflow import transitions_for

    out["workflow"] = [
        _action(request, t.name, t.title, f"{url_of(context, request)}/@workflow/{t.name}")
        for t in transitions_for(context, request)
    ]
    out["site_actions"] = [
        _action(request, "sitemap", _("Site map"), site_url + "@@sitemap"),
        _action(request, "search", _("Search"), site_url + "@@search"),
    ]
    if request.has_permission(MANAGE, request.site):
        out["site_actions"] += [
            _action(request, "users", _("Users"), site_url + "@@users"),
            _action(request, "groups", _("Groups"), site_url + "@@groups"),
            _action(request, "audit", _("Audit log"), site_url + "@@audit"),
        ]
    identity = request.identity
    if identity is not None and identity.user is not None:
        out["user"] = [
            _action(request, "preferences", _("Change your password"), site_url + "@@password"),
            _action(request, "logout", _("Log out"), site_url + "@@logout"),
        ]
    else:
        out["user"] = [_action(request, "login", _("Log in"), site_url + "@@login")]
    out["document_actions"] = []
    return out


# -- the endpoints ----------------------------------------------------------------------------
def _get(name: str):
    return view_config(
        context=Content, name=name, request_method="GET", permission=VIEW, renderer="json"
    )


@_get("@breadcrumbs")
def breadcrumbs_endpoint(context, request):
    return breadcrumbs(context, request)


@_get("@navigation")
def navigation_endpoint(context, request):
    return navigation(context, request)


@_get("@navroot")
def navroot_endpoint(context, request):
    return navroot(context, request)


@_get("@actions")
def actions_endpoint(context, request):
    return actions(context, request)


@view_config(context=SiteRoot, name="@site", request_method="GET", permission=VIEW, renderer="json")
def site_endpoint(context, request):
    return site_info(context, request)
