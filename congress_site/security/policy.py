"""The Pyramid 2 security policy.

Identity comes from a bearer token (API clients, scribe devices) or from the
signed session cookie (browsers). Principals are the user, its groups, its
global roles, and the local roles it or its groups hold on the context or any
of its parents, expressed as `role:<Name>` so ACLs can grant to roles.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from webob.descriptors import parse_auth

from .roles import group_principal, role_principal, user_principal

SESSION_COOKIE = "konbit_session"
_ANONYMOUS = frozenset({Everyone})
_IDENTITY_KEY = "_konbit_identity"
SESSION_USER = "login"
SESSION_SCRIBE = "scribe"


@dataclass
class Identity:
    login: str | None = None
    user: object | None = None
    # For a scribe device: {"session": <session path>, "group": <group id>}.
    scribe: dict | None = None
    via_token: bool = False
    token: str | None = None
    base_principals: frozenset = field(default_factory=frozenset)
    principal_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def holders(self) -> tuple:
        """Principals that can hold local roles: the user and its groups."""
        return tuple(p for p in self.base_principals if p.startswith(("user:", "group:")))

    @property
    def is_user(self) -> bool:
        return self.user is not None


def bearer_in(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, parsed as webob parses
    ``request.authorization`` (also for the WSGI shortcuts, which have no request)."""
    auth = parse_auth(header) if header is not None else None
    if auth and auth.authtype.lower() == "bearer" and isinstance(auth.params, str):
        return auth.params.strip()
    return None


def bearer_token(request) -> str | None:
    return bearer_in(request.environ.get("HTTP_AUTHORIZATION"))


def _user_identity(users, login, via_token=False, token=None) -> Identity | None:
    user = users.get(login) if login else None
    if user is None:
        return None
    principals = {Everyone, Authenticated, user_principal(login)}
    principals |= {role_principal(r) for r in user.roles}
    for gid in user.groups:
        principals.add(group_principal(gid))
        group = users.groups.get(gid)
        if group is not None:
            principals |= {role_principal(r) for r in group.roles}
    return Identity(login, user, None, via_token, token, frozenset(principals))


def _scribe_identity(claims: dict, via_token=False, token=None) -> Identity:
    principal = f"scribe:{claims['session']}:{claims['group']}"
    return Identity(
        None,
        None,
        {"session": claims["session"], "group": claims["group"]},
        via_token,
        token,
        frozenset({Everyone, principal}),
    )


def identify(request, site) -> Identity | None:
    token = bearer_token(request)
    if token is not None:
        record = site.tokens.lookup(token)
        if record is None:
            return None
        if record["kind"] == "api":
            return _user_identity(site.users, record["login"], True, token)
        if record["kind"] == "scribe":
            return _scribe_identity(record, True, token)
        return None
    if SESSION_COOKIE not in request.cookies:
        return None  # no session: do not create one just to look
    session = request.session
    login = session.get(SESSION_USER)
    if login:
        return _user_identity(site.users, login)
    scribe = session.get(SESSION_SCRIBE)
    if scribe:
        return _scribe_identity(scribe)
    return None


def search_principals(identity: Identity | None) -> frozenset:
    """The principals a catalog search is filtered by: the catalog's allowed-to-view index
    already lists the users and groups holding a local role that grants viewing."""
    return identity.base_principals if identity is not None else _ANONYMOUS


def _local_role_principals(identity: Identity, obj) -> frozenset:
    """Roles the identity holds on `obj` itself (not inherited)."""
    local = getattr(obj, "local_roles", None)
    if not local:
        return frozenset()
    found = set()
    for holder in identity.holders:
        for role in local.get(holder, ()):
            found.add(role_principal(role))
    return frozenset(found)


def effective_principals(identity: Identity | None, context) -> frozenset:
    """The identity's principals plus the local roles it holds on `context`
    or any parent. Memoised per object on the identity, which lives for one
    request, so listing 100 children walks the shared parents once."""
    if identity is None:
        return _ANONYMOUS
    cache = identity.principal_cache
    key = id(context)
    cached = cache.get(key)
    if cached is not None and cached[0] is context:
        return cached[1]
    parent = getattr(context, "__parent__", None)
    inherited = (
        effective_principals(identity, parent) if parent is not None else identity.base_principals
    )
    own = _local_role_principals(identity, context) if identity.holders else frozenset()
    principals = inherited | own if own else inherited
    cache[key] = (context, principals)
    return principals


def effective_roles(identity: Identity | None, context) -> set[str]:
    return {
        p.removeprefix("role:")
        for p in effective_principals(identity, context)
        if p.startswith("role:")
    }


_ACL = ACLHelper()


def anonymous_permits(context, permission) -> bool:
    """Whether a visitor without credentials has ``permission`` on ``context``: what
    ``SecurityPolicy.permits`` answers for a request without an identity."""
    return bool(_ACL.permits(context, _ANONYMOUS, permission))


class SecurityPolicy:
    def __init__(self, get_site):
        self._get_site = get_site
        self._acl = _ACL

    def identity(self, request):
        # Pyramid asks for the identity at every permission check; work it
        # out once per request.
        try:
            return request.__dict__[_IDENTITY_KEY]
        except KeyError:
            identity = identify(request, self._get_site(request))
            request.__dict__[_IDENTITY_KEY] = identity
            return identity

    def authenticated_userid(self, request):
        identity = request.identity
        return identity.login if identity is not None else None

    def permits(self, request, context, permission):
        principals = effective_principals(request.identity, context)
        return self._acl.permits(context, principals, permission)

    def remember(self, request, userid, **kw):
        request.__dict__.pop(_IDENTITY_KEY, None)
        request.session.clear()
        request.session[SESSION_USER] = userid
        return []

    def forget(self, request, **kw):
        request.__dict__.pop(_IDENTITY_KEY, None)
        request.session.invalidate()
        return []
