"""The statement PDF: a header with the member, the period and the issue date on every
page, page numbers, and no page holding a table's lone row."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from congress_site.ledger import display
from congress_site.ledger.months import Month
from congress_site.ledger.web import demo, store
from tests.conftest import ADMIN_PASSWORD, browser_login

ROW = re.compile(
    r"^(Opening balance|Total|(January|February|March|April|May|June|July|August|September"
    r"|October|November|December) \d{4})\b"
)
HASH = re.compile(r"\b[0-9a-f]{32,}\b")


@pytest.fixture
def demo_app(app, site):
    with site.edit() as root:
        demo.populate(root)
    browser_login(app, "admin", ADMIN_PASSWORD)
    return app


def pages_text(pdf: bytes) -> list[str]:
    return [p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(pdf)).pages]


def rows_per_table(page: str) -> dict[str, int]:
    """The table rows on a page, by table: a row starts with its month (or "Opening
    balance", "Total"); the shares table has amounts, the closed months a hash, the time
    credit hours."""
    counts: dict[str, int] = {}
    for line in page.splitlines():
        line = line.strip()
        if not ROW.match(line) or "·" in line:  # "·": the page header, not a row
            continue
        table = "hashes" if HASH.search(line) else "shares" if "CA$" in line else "credit"
        counts[table] = counts.get(table, 0) + 1
    return counts


def test_every_page_has_the_header_with_the_issue_date_and_its_number(demo_app):
    last = Month.of(store.today())
    first = last - 20
    res = demo_app.get("/members/asso-beta/@@statement.pdf", {"from": str(first), "to": str(last)})
    pages = pages_text(res.body)
    assert len(pages) >= 2
    period = f"{display.month(first, 'en')} – {display.month(last, 'en')}"
    issued = display.date(store.today(), "en")
    for number, text in enumerate(pages, start=1):
        header = " ".join(text.strip().splitlines()[0].split())
        assert header == f"Association Beta · {period} · Issued on {issued}"
        assert f"Page {number} / {len(pages)}" in text


def test_the_header_is_in_the_statements_language(demo_app):
    last = Month.of(store.today())
    res = demo_app.get(
        "/members/asso-beta/@@statement.pdf",
        {"from": str(last - 20), "to": str(last)},
        headers={"Accept-Language": "fr"},
    )
    first_page = pages_text(res.body)[0]
    assert f"Émis le {display.date(store.today(), 'fr')}" in first_page
    assert "Page 1 / " in first_page


def test_no_page_holds_a_lone_row(demo_app):
    """Periods of 13 to 24 months lay the tables out differently; on none of them does a
    page start or end a table with one row alone (the demo data once left one)."""
    last = Month.of(store.today())
    for months in range(13, 25):
        first = last - (months - 1)
        res = demo_app.get(
            "/members/asso-beta/@@statement.pdf", {"from": str(first), "to": str(last)}
        )
        pages = [rows_per_table(text) for text in pages_text(res.body)]
        totals: dict[str, int] = {}
        for counts in pages:
            for table, n in counts.items():
                totals[table] = totals.get(table, 0) + n
        for number, counts in enumerate(pages, start=1):
            lone = [t for t, n in counts.items() if n == 1 and totals[t] > 1]
            assert not lone, f"{first}–{last}: page {number} holds a lone row of {lone}"
