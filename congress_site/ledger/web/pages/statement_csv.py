"""A statement as CSV: one row for the opening balance, one per month, one per payment
or reversal, and the totals."""

from __future__ import annotations

import csv
import io

CSV_COLUMNS = (
    "row",
    "month",
    "date",
    "id",
    "reference",
    "note",
    "dues",
    "amount",
    "currency",
    "cad_received",
    "balance",
    "closed",
    "hash",
    "minutes_bought",
    "maintenance_used",
    "development_used",
    "reserve_carried_over",
    "member_minutes",
)


def statement_csv_text(result) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    cur = result.currency
    writer.writerow(
        {"row": "opening", "month": str(result.first), "currency": cur}
        | {"balance": result.opening_balance.format()}
    )
    for m in result.months:
        tc = m.time_credit
        row = {
            "row": "month",
            "month": str(m.month),
            "dues": m.dues.format(),
            "amount": m.paid.format(),
            "currency": cur,
            "cad_received": m.cad_received.format(),
            "balance": m.balance.format(),
            "closed": "yes" if m.closed else "no",
            "hash": m.hash or "",
        }
        if tc is not None:
            row |= {
                "minutes_bought": tc.minutes_bought,
                "maintenance_used": tc.maintenance_used,
                "development_used": tc.development_used,
                "reserve_carried_over": tc.reserve_carried_over,
                "member_minutes": tc.member_minutes,
            }
        writer.writerow(row)
        for line in m.lines:
            writer.writerow(
                {
                    "row": line.kind,
                    "month": str(m.month),
                    "date": line.date.isoformat(),
                    "id": line.id,
                    "reference": line.reference,
                    "note": line.note,
                    "amount": line.amount.format(),
                    "currency": cur,
                    "cad_received": line.cad_received.format(),
                }
            )
    writer.writerow(
        {
            "row": "total",
            "month": str(result.last),
            "dues": result.total_dues.format(),
            "amount": result.total_paid.format(),
            "currency": cur,
            "cad_received": result.total_cad_received.format(),
            "balance": result.closing_balance.format(),
        }
    )
    return out.getvalue()
