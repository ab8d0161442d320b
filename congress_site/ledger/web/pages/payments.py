"""A member's payments (coordinators): record one, or correct one with a reversing
entry."""

from __future__ import annotations

from pyramid.view import view_config

from ... import display
from ...entries import Payment
from ...models import MANAGE_LEDGER, Member
from .. import store
from ..i18n import _
from .base import LedgerView
from .forms import decimal_text, form_page


class PaymentsView(LedgerView):
    """Record a member's payment, or correct one with a reversing entry."""

    def entries(self):
        return sorted(self.context.entries.values(), key=lambda e: e.id, reverse=True)[:50]

    def reversible(self, entry) -> bool:
        return isinstance(entry, Payment) and entry.id not in self.context.reversed_ids

    def example_amount(self) -> str:
        return display.number_input("30.00", self.locale)


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
            return view.t(_("The payment was reversed."))
        store.record_payment(
            folder,
            context,
            date=params.get("date") or str(store.today()),
            amount=decimal_text(params.get("amount"), view.locale),
            currency=params.get("currency") or None,
            cad_received=decimal_text(params.get("cad_received"), view.locale) or None,
            reference=params.get("reference", ""),
            note=params.get("note", ""),
        )
        return view.t(_("Payment recorded."))

    return form_page(view, "payments.pt", apply)
