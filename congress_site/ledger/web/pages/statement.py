"""A member's statement: the page, its PDF (the same template in a print frame) and its
CSV export."""

from __future__ import annotations

from functools import cached_property

from pyramid.renderers import render, render_to_response
from pyramid.response import Response
from pyramid.view import view_config

from ....pdf import render_pdf
from ....security.roles import VIEW
from ...errors import LedgerError
from ...models import Member
from .. import store
from ..i18n import _
from . import TEMPLATES
from .base import LedgerView
from .statement_csv import statement_csv_text


class StatementView(LedgerView):
    pdf = False

    @property
    def frame(self):
        """The page frame: the site layout, or the bare print frame for the PDF (the
        statement's own content is the same template either way)."""
        from pyramid.renderers import get_renderer

        name = TEMPLATES + "print.pt" if self.pdf else "congress_site:templates/layout.pt"
        return get_renderer(name).implementation()

    @cached_property
    def period(self):
        try:
            return store.parse_period(self.request.params, self.context)
        except LedgerError:
            self.error = self.t(_("That period is not valid; showing the last twelve months."))
            return store.default_period(self.context)

    error = None

    @cached_property
    def statement(self):
        first, last = self.period
        return store.member_statement(self.folder, self.context, first, last)

    @cached_property
    def issued(self):
        """The statement's issue date: the day it is shown or printed."""
        return store.today()

    def issued_on(self):
        return _("Issued on ${date}", mapping={"date": self.date(self.issued)})

    def query(self) -> dict:
        first, last = self.period
        return {"from": str(first), "to": str(last)}

    def link(self, name) -> str:
        return self.request.resource_url(self.context, name, query=self.query())

    def has_time_credit(self) -> bool:
        return any(m.time_credit is not None for m in self.statement.months)

    def closed_months(self):
        return [m for m in self.statement.months if m.closed]

    def render_html(self) -> str:
        return render(TEMPLATES + "statement.pt", self.page(), request=self.request)


@view_config(context=Member, permission=VIEW, api=False)
@view_config(context=Member, name="statement", permission=VIEW, api=False)
def statement_page(context, request):
    view = StatementView(context, request)
    return render_to_response(TEMPLATES + "statement.pt", view.page(), request=request)


@view_config(context=Member, name="statement.pdf", permission=VIEW)
def statement_pdf(context, request):
    view = StatementView(context, request)
    view.pdf = True
    pdf = render_pdf(
        view.render_html(), request, stylesheets=["ledger/statement-print.css"], compact=True
    )
    first, last = view.period
    response = Response(body=pdf, content_type="application/pdf")
    response.content_disposition = (
        f'attachment; filename="statement-{context.member_id}-{first}-{last}.pdf"'
    )
    return response


@view_config(context=Member, name="statement.csv", permission=VIEW)
def statement_csv(context, request):
    view = StatementView(context, request)
    first, last = view.period
    response = Response(
        body=statement_csv_text(view.statement).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
    )
    response.content_disposition = (
        f'attachment; filename="statement-{context.member_id}-{first}-{last}.csv"'
    )
    return response
