"""A member's payments (coordinators): record one, or correct one with a reversing
entry."""

from __future__ import annotations

from pyramid.view import view_config

from ...entries import Payment
from ...errors import LedgerError
from ...models import MANAGE_LEDGER, Member
from .. import store
from ..i18n import _
from .base import LedgerView
from .forms import error_status, form_page


class PaymentsView(LedgerView):
    """Record a member's payment, or correct one with a reversing entry."""

    errors: dict | None = None
    values: dict | None = None

    def entries(self):
        return sorted(self.context.entries.values(), key=lambda e: e.id, reverse=True)[:50]

    def reversible(self, entry) -> bool:
        return isinstance(entry, Payment) and entry.id not in self.context.reversed_ids

    def field(self, name, default=""):
        return (self.values or {}).get(name, default)

    def refuse(self, exc: LedgerError) -> int:
        # This page shows the store's message beside the field it concerns.
        self.errors = {exc.field: exc.message}
        self.values = dict(self.request.POST)
        return error_status(exc)


@view_config(context=Member, name="payments", permission=MANAGE_LEDGER, api=False)
def payments_page(context, request):
    view = PaymentsView(context, request)
    folder = context.__parent__

    def apply(params):
        if params.get("reverses"):
            store.reverse_payment(
                folder,
                context,
                reverses=params["reverses"],
                date=params.get("date") or str(store.today()),
                reason=params.get("reason", ""),
            )
            return _("The payment was reversed.")
        store.record_payment(
            folder,
            context,
            date=params.get("date") or str(store.today()),
            amount=params.get("amount", ""),
            currency=params.get("currency") or None,
            cad_received=params.get("cad_received") or None,
            reference=params.get("reference", ""),
            note=params.get("note", ""),
        )
        return _("Payment recorded.")

    return form_page(view, "payments.pt", apply)
