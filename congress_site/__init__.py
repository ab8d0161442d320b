"""congress_site: a Plone-style content site on Pyramid + ZODB."""

from __future__ import annotations

import importlib.util
import random
import time

from pyramid.config import Configurator
from pyramid.session import JSONSerializer, SignedCookieSessionFactory
from pyramid.settings import asbool
from pyramid_retry import IBeforeRetry

from . import guard
from .content.types import configure_default_timezone
from .i18n import compile_catalogs, negotiate_locale
from .security.passwords import configure_hasher
from .security.policy import SESSION_COOKIE, SecurityPolicy, bearer_token
from .site import get_site, root_factory
from .templating import compile_one_at_a_time
from .urls import site_url

UNSAFE_JSON_TYPES = ("application/json",)


def _needs_csrf(request) -> bool:
    """Browser forms need a CSRF token. Bearer-token calls carry no ambient
    credentials, and a cross-site page cannot send application/json without a
    CORS preflight we never grant, so neither needs one."""
    if bearer_token(request) is not None:
        return False
    return request.content_type not in UNSAFE_JSON_TYPES


def _backoff_before_retry(event):
    """Writers that conflicted on a hot object (a text index word, a counter)
    would collide again if they retried in lockstep; a short random pause
    spreads them out."""
    attempt = event.environ.get("retry.attempt", 0)
    time.sleep(random.uniform(0, 0.005 * (2**attempt)))


def main(global_config, **settings):
    settings.setdefault("retry.attempts", "5")
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    # Any 4xx or 5xx answer aborts the transaction: bad input stores nothing.
    settings.setdefault("tm.commit_veto", "pyramid_tm.default_commit_veto")
    secret = settings.get("session.secret")
    if not secret or secret == "change-me":
        if asbool(settings.get("session.allow_insecure_secret", False)):
            secret = secret or "insecure-development-secret"
        else:
            raise ValueError("set session.secret in the INI file to a long random string")
    # API tokens (JWTs) are signed with a key derived from this secret unless given their own.
    settings.setdefault("api.token_secret", secret)
    site_url(settings)  # a malformed site.url stops the start, not the first mail
    compile_catalogs()
    compile_one_at_a_time()
    configure_default_timezone(settings.get("site.default_timezone"))
    configure_hasher(
        int(settings.get("security.argon2_time_cost", 0)) or None,
        int(settings.get("security.argon2_memory_kib", 0)) or None,
    )
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include("pyramid_tm")
        config.include("pyramid_retry")
        config.add_subscriber(_backoff_before_retry, IBeforeRetry)
        config.include("pyramid_zodbconn")
        config.include(".cache")
        config.include(".conflicts")
        config.include("pyramid_chameleon")
        # Mail (transactional, pyramid_mailer's mail.* settings) only when a server is set.
        if settings.get("mail.host"):
            if not settings.get("mail.default_sender"):
                raise ValueError("mail.host is set: set mail.default_sender too")
            config.include("pyramid_mailer")
        config.add_translation_dirs("congress_site:locale/", "deform:locale/", "colander:locale/")
        config.set_locale_negotiator(negotiate_locale)
        config.set_session_factory(
            SignedCookieSessionFactory(
                secret,
                cookie_name=SESSION_COOKIE,
                secure=asbool(settings.get("session.secure", True)),
                httponly=True,
                samesite="Lax",
                timeout=8 * 3600,
                reissue_time=600,
                serializer=JSONSerializer(),
            )
        )
        config.set_default_csrf_options(require_csrf=True, callback=_needs_csrf)
        config.set_security_policy(SecurityPolicy(get_site))
        config.add_request_method(get_site, "site", reify=True)
        config.include(".views")
        config.include(".api")
        config.include(".congress.web")
        # The ledger's web layer plugs in when present.
        if importlib.util.find_spec(f"{__name__}.ledger.web") is not None:
            config.include(".ledger.web")
        config.scan(".views")
        config.scan(".api")
    return wsgi_app(config)


def wsgi_app(config):
    """Pyramid's application behind the congress shortcuts, which answer a display's
    unchanged poll and a scribe's bearer-token action without building a request; in
    front of everything, the guard refuses bad URLs and foreign hosts before any layer
    reads them."""
    from .congress.web import wrap_wsgi

    app = wrap_wsgi(config.make_wsgi_app(), config.registry)
    app = guard.wrap(app, config.registry)
    app.registry = config.registry  # as Pyramid's own application has it
    return app
