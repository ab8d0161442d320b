"""``LedgerView``: what every ledger template uses (locale formatting, permissions,
the form error being shown)."""

from __future__ import annotations

from functools import cached_property

from ....views.content import BaseView
from ... import display
from ...errors import LedgerError
from ...models import LOG_TIME, MANAGE_LEDGER, LedgerFolder
from ...months import Month
from .. import store
from ..i18n import _
from .forms import FormError, error_status, form_field
from .terms import CATEGORY_TERMS, ERROR_TERMS, FIELD_TERMS, STATUS_TERMS


class LedgerView(BaseView):
    """Formatting helpers shared by the ledger templates."""

    quick_minutes = (5, 10, 15, 30, 45, 60, 90, 120)

    @cached_property
    def this_month(self) -> Month:
        return Month.of(store.today())

    def category_term(self, category):
        return CATEGORY_TERMS.get(category, category)

    def status_term(self, status):
        return STATUS_TERMS.get(status, status)

    @cached_property
    def locale(self) -> str:
        return self.request.locale_name

    def t(self, term, **mapping) -> str:
        return self.request.localizer.translate(term, mapping=mapping or None)

    def money(self, value) -> str:
        return display.money(value, self.locale)

    def hours(self, minutes) -> str:
        return display.hours(minutes, self.locale)

    def month(self, value) -> str:
        return display.month(value, self.locale)

    def short_month(self, value) -> str:
        return display.short_month(value, self.locale)

    def date(self, value) -> str:
        return display.date(value, self.locale)

    def balance_word(self, money) -> str:
        if money.cents < 0:
            return self.t(_("arrears"))
        if money.cents > 0:
            return self.t(_("credit"))
        return self.t(_("settled"))

    def item_title(self, item_id) -> str:
        folder = self.folder
        item = folder.items.get(item_id) if folder is not None else None
        return item.title if item is not None else item_id

    @cached_property
    def folder(self):
        node = self.context
        while node is not None and not isinstance(node, LedgerFolder):
            node = node.__parent__
        return node

    @property
    def is_coordinator(self) -> bool:
        return bool(self.request.has_permission(MANAGE_LEDGER, self.folder))

    @property
    def can_log(self) -> bool:
        return bool(self.request.has_permission(LOG_TIME, self.folder))

    # -- forms: the posted values come back with the error that refused them
    error: FormError | None = None
    posted: dict | None = None

    def refuse(self, exc: LedgerError) -> int:
        """Keep the posted values and a translated error for the form; the status."""
        field = form_field(exc.field)
        term = ERROR_TERMS.get(f"{exc.code} {field}") or ERROR_TERMS.get(exc.code)
        self.error = FormError(
            field,
            self.t(FIELD_TERMS[field]) if field else "",
            self.t(term, **self.examples()) if term is not None else "",
            exc.message,
        )
        self.posted = dict(self.request.POST)
        return error_status(exc)

    def examples(self) -> dict:
        """Example values for error messages, written as this user types numbers."""
        return {
            "amount": display.number_input("15.00", self.locale),
            "hours": display.number_input("12.5", self.locale),
        }

    def field(self, name, default=""):
        return (self.posted or {}).get(name, default)

    def invalid(self, *names) -> str | None:
        """``aria-invalid`` of a field the error concerns."""
        return "true" if self.error is not None and self.error.field in names else None
