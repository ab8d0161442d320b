"""HTML to PDF with WeasyPrint, from the same templates as the pages.

Static files come from disk and nothing else is fetched: rendering a PDF never
makes a network request, not even to the site itself."""

from __future__ import annotations

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


def render_pdf(html: str, request) -> bytes:
    from weasyprint import HTML

    prefix = request.static_url("congress_site:static/site.css").rsplit("site.css", 1)[0]
    document = HTML(
        string=html, base_url=request.application_url + "/", url_fetcher=_StaticFetcher(prefix)
    )
    return document.write_pdf(font_config=_font_config())
