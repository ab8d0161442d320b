"""The PDF renderer's lean user-agent sheet depends on WeasyPrint's internals; when an
upgrade changes them it falls back to the stock sheet and PDFs get slower without any
error. This test makes that fallback visible."""

from __future__ import annotations

from weasyprint import HTML

from congress_site.pdf import _html_class


def test_the_installed_weasyprint_gets_the_lean_user_agent_sheet():
    cls = _html_class()
    assert cls is not HTML and issubclass(cls, HTML), (
        "WeasyPrint's user-agent sheet or its _ua_stylesheets hook changed: "
        "review congress_site/pdf.py (statement PDFs lose ~1/3 of their styling speed-up)"
    )


def test_a_document_still_renders_with_it():
    pdf = _html_class()(string="<p>Dues 30.00 EUR</p>").write_pdf()
    assert pdf.startswith(b"%PDF")
