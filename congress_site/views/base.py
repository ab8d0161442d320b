"""The base of every server-rendered page: the context, the request, the layout
around the page, and the few helpers all pages share."""

from __future__ import annotations

from ..content.registry import get_type
from ..workflow import workflow_for
from .layout import Layout


class BaseView:
    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.layout = Layout(context, request)

    @property
    def actor(self):
        return self.request.authenticated_userid

    def page(self, **values):
        values.setdefault("layout", self.layout)
        values.setdefault("view", self)
        return values

    def flash(self, message):
        self.request.session.flash(message)

    def state_title(self, obj) -> str:
        wf = workflow_for(obj)
        if wf is None or obj.review_state not in wf.states:
            return obj.review_state or ""
        return self.request.localizer.translate(wf.state(obj.review_state).title)

    def type_title(self, obj):
        ct = get_type(obj.type_name)
        return ct.title if ct else obj.type_name
