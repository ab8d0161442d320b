"""The site root in ZODB: created on first use, found for each request."""

from __future__ import annotations

from pyramid_zodbconn import get_connection

from .catalog import SiteCatalog
from .content.base import SiteRoot
from .security.audit import AuditLog
from .security.tokens import TokenStore
from .security.users import UserFolder

ROOT_KEY = "app_root"


def new_site(title: str = "Konbit") -> SiteRoot:
    from .evolve import LATEST

    site = SiteRoot(title)
    site.users = UserFolder()
    site.tokens = TokenStore()
    site.audit = AuditLog()
    site.catalog = SiteCatalog()
    site.schema_version = LATEST
    return site


def site_from_zodb_root(zodb_root, create: bool = True) -> SiteRoot | None:
    site = zodb_root.get(ROOT_KEY)
    if site is None and create:
        site = zodb_root[ROOT_KEY] = new_site()
        site.catalog.index(site)
    return site


def database(registry, name: str = ""):
    """The ZODB database pyramid_zodbconn opened for the application, or ``None`` before it
    has. pyramid_zodbconn keeps its databases in a private registry attribute and offers no
    accessor: this is the one place that reads it (the WSGI shortcuts, the page cache, the
    tests and the benches all come here)."""
    databases = getattr(registry, "_zodb_databases", None)
    return databases.get(name) if databases else None


def get_site(request) -> SiteRoot:
    site = getattr(request, "_konbit_site", None)
    if site is None:
        site = site_from_zodb_root(get_connection(request).root())
        request._konbit_site = site
    return site


def root_factory(request) -> SiteRoot:
    return get_site(request)
