"""HTML to PDF with WeasyPrint, from the same templates as the pages.

Static files come from disk and nothing else is fetched: rendering a PDF never
makes a network request, not even to the site itself."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"


class _StaticFetcher:
    """WeasyPrint URL fetcher that serves our static files from disk and nothing else:
    rendering a PDF never makes a network request."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def fetch(self, url, headers=None):
        from weasyprint.urls import URLFetcherResponse

        if not url.startswith(self.prefix):
            raise ValueError(f"not fetched while rendering a PDF: {url}")
        relative = url[len(self.prefix) :].split("?")[0]
        path = (STATIC_DIR / relative).resolve()
        if STATIC_DIR not in path.parents or not path.is_file():
            raise ValueError(f"no static file {relative}")
        mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    # WeasyPrint calls the fetcher object itself in some versions.
    def __call__(self, url, *args, **kwargs):
        return self.fetch(url)


_FONTS = threading.local()


def _font_config():
    """One FontConfiguration per thread: building it (fontconfig) costs about a
    seventh of a statement's PDF; sharing it across threads is not documented safe."""
    config = getattr(_FONTS, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONTS.config = FontConfiguration()
    return config


def _stylesheet(name: str):
    """A static print stylesheet parsed once per thread (next to its FontConfiguration),
    not on every PDF: a <link> is fetched and parsed again for each document. Re-read
    when the file changes, so editing it needs no restart."""
    from weasyprint import CSS

    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR not in path.parents:
        raise ValueError(f"not a static file: {name}")
    sheets = getattr(_FONTS, "sheets", None)
    if sheets is None:
        sheets = _FONTS.sheets = {}
    mtime = path.stat().st_mtime_ns
    cached = sheets.get(name)
    if cached is None or cached[0] != mtime:
        cached = sheets[name] = (mtime, CSS(filename=str(path), font_config=_font_config()))
    return cached[1]


# WeasyPrint's HTML user-agent sheet styles ::footnote-call, ::footnote-marker, ::note-call,
# ::note-marker and ::note-callback of every element: five pseudo-elements whose styles it
# computes for each element of the document (about a third of the cascade's work). Our
# documents have no footnotes, so they are parsed without these rules.
_FOOTNOTE_RULES = re.compile(r"(?m)^::(?:footnote|note)-[a-z]+ \{[^{}]*\}\n")


@functools.cache
def _html_class():
    """weasyprint.HTML with the user-agent sheet less its footnote rules; plain
    weasyprint.HTML if this WeasyPrint's sheet or hook is not the one we know."""
    from weasyprint import CSS, HTML

    try:
        from weasyprint.html import UA, UA_COUNTER_STYLE, UA_STYLESHEET
    except ImportError:
        return HTML
    text, removed = _FOOTNOTE_RULES.subn("", UA)
    if removed != 5 or not hasattr(HTML, "_ua_stylesheets"):
        return HTML
    lean = CSS(string=text, counter_style=UA_COUNTER_STYLE)

    class PrintHTML(HTML):
        def _ua_stylesheets(self, *args, **kwargs):
            sheets = super()._ua_stylesheets(*args, **kwargs)
            return [lean if sheet is UA_STYLESHEET else sheet for sheet in sheets]

    return PrintHTML


# Whitespace between two tags that spans a line break is template indentation.
_INDENT = re.compile(r">\s*\n\s*<")


def render_pdf(html: str, request, stylesheets=(), compact=False) -> bytes:
    """``stylesheets``: paths under static/ applied to the document on top of the ones
    it links (for a print-only sheet, so the document links none). ``compact``: drop the
    templates' indentation between tags (less for WeasyPrint to parse and box); only for
    documents whose tags on separate lines are never inline text side by side."""
    prefix = request.static_url("congress_site:static/site.css").rsplit("site.css", 1)[0]
    if compact:
        html = _INDENT.sub("><", html)
    document = _html_class()(
        string=html, base_url=request.application_url + "/", url_fetcher=_StaticFetcher(prefix)
    )
    return document.write_pdf(
        font_config=_font_config(), stylesheets=[_stylesheet(name) for name in stylesheets]
    )
