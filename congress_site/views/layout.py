"""What every page shows around its content: navigation, breadcrumbs, the
user menu, the language switcher, the object's actions and flash messages."""

from __future__ import annotations

from functools import cached_property

from pyramid.csrf import get_csrf_token
from pyramid.location import lineage

from .. import chrome
from ..content.registry import addable_types, get_type
from ..i18n import LANGUAGE_NAMES, LANGUAGES
from ..security.policy import SESSION_COOKIE
from ..security.roles import MANAGE
from ..workflow import transitions_for, workflow_for


class Layout:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    # --- who and where --------------------------------------------------
    @property
    def site(self):
        return self.request.site

    @property
    def identity(self):
        return self.request.identity

    @property
    def user(self):
        identity = self.identity
        return identity.user if identity is not None else None

    @property
    def language(self) -> str:
        return self.request.locale_name

    @property
    def languages(self):
        return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]

    def csrf_token(self) -> str:
        return get_csrf_token(self.request)

    def t(self, term, **mapping) -> str:
        return self.request.localizer.translate(term, mapping=mapping or None)

    def can(self, permission, obj=None) -> bool:
        return bool(self.request.has_permission(permission, obj or self.context))

    def url(self, obj, *elements, **query) -> str:
        return self.request.resource_url(obj, *elements, query=query or None)

    # --- navigation -----------------------------------------------------
    @cached_property
    def navigation(self):
        return [obj for obj, _children in chrome.navigation(self.site, self.request)]

    @cached_property
    def breadcrumbs(self):
        return chrome.breadcrumbs(self.context)

    def is_current(self, obj) -> bool:
        return any(node is obj for node in lineage(self.context))

    # --- actions on the context -------------------------------------------
    @cached_property
    def type_info(self):
        return get_type(getattr(self.context, "type_name", ""))

    @cached_property
    def actions(self):
        return [(a.view, a.title) for a in chrome.object_actions(self.context, self.request)]

    @cached_property
    def addable(self):
        return addable_types(self.context, lambda ct: self.can(ct.add_permission))

    @cached_property
    def transitions(self):
        return transitions_for(self.context, self.request)

    @property
    def state_title(self):
        wf = workflow_for(self.context)
        if wf is None or self.context.review_state not in wf.states:
            return None
        return wf.state(self.context.review_state).title

    @property
    def is_manager(self) -> bool:
        return self.can(MANAGE, self.site)

    def messages(self):
        # Touching the session of a visitor who has none would create one and
        # send a cookie with every anonymous page, defeating caches.
        if SESSION_COOKIE not in self.request.cookies:
            return []
        return self.request.session.pop_flash()

    def format_date(self, value, with_time=True) -> str:
        if value is None:
            return ""
        from babel.dates import format_date, format_datetime

        locale = self.language
        if with_time and hasattr(value, "hour"):
            return format_datetime(value, "medium", locale=locale)
        return format_date(value, "medium", locale=locale)


def layout(context, request) -> Layout:
    return Layout(context, request)
