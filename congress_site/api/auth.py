"""Logging in and out of the JSON API: ``@login``, ``@login-renew``, ``@logout``.

The token is a signed JWT (``sub``, ``fullname``, ``exp``) recorded in the site's token
store, so ``@logout`` and ``@login-renew`` revoke it at once."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNoContent
from pyramid.view import view_config

from ..content.base import SiteRoot
from ..security.directory import from_registry
from ..security.login import attempt_login, client_address
from ..security.tokens import API_TOKEN_LIFETIME, token_key
from .content import json_body
from .errors import ApiError

SECRET_SETTING = "api.token_secret"


def issue_token(request, user) -> str:
    key = token_key(request.registry.settings[SECRET_SETTING])
    return request.site.tokens.issue_jwt(key, API_TOKEN_LIFETIME, user.login, user.fullname)


def _api_identity(request):
    identity = request.identity
    if identity is None or not identity.via_token or identity.user is None:
        return None
    return identity


@view_config(context=SiteRoot, name="@login", request_method="POST", renderer="json")
def api_login(context, request):
    data = json_body(request)
    login, password = data.get("login"), data.get("password")
    if not isinstance(login, str) or not isinstance(password, str):
        raise ApiError(400, "bad_request", 'send {"login": "...", "password": "..."}')
    result = attempt_login(
        request.site, login, password, client_address(request), from_registry(request.registry)
    )
    if result.retry_after:
        raise ApiError(
            429, "throttled", "too many failed attempts", retry_after=int(result.retry_after) + 1
        )
    if result.unavailable:
        raise ApiError(503, "directory_unavailable", "the directory does not answer; try again")
    if not result.ok:
        raise ApiError(401, "login_failed", "wrong login or password")
    return {"token": issue_token(request, result.user)}


@view_config(context=SiteRoot, name="@login-renew", request_method="POST", renderer="json")
def api_login_renew(context, request):
    """A fresh token for the bearer of a valid one, which is revoked."""
    identity = _api_identity(request)
    if identity is None:
        raise ApiError(401, "unauthorized", "renewing needs a valid API token (Bearer)")
    token = issue_token(request, identity.user)
    request.site.tokens.revoke(identity.token)
    return {"token": token}


@view_config(context=SiteRoot, name="@logout", request_method="POST", renderer="json")
def api_logout(context, request):
    identity = request.identity
    if identity is None or not identity.via_token:
        raise ApiError(400, "no_token", "log out needs the bearer token to revoke")
    request.site.tokens.revoke(identity.token)
    return HTTPNoContent()
