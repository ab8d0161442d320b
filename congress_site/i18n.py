"""Translation: message factory, language negotiation and catalog compilation."""

from __future__ import annotations

from pathlib import Path

from pyramid.i18n import TranslationStringFactory

DOMAIN = "congress_site"
LANGUAGES = ("en", "fr", "es", "pt")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "pt": "Português"}
LOCALE_DIR = Path(__file__).parent / "locale"
COOKIE = "_LOCALE_"

_ = TranslationStringFactory(DOMAIN)


def negotiate_locale(request) -> str:
    """The user's explicit choice (cookie or ?lang=), else Accept-Language, else English."""
    chosen = request.params.get("lang") if request.method == "GET" else None
    chosen = chosen or request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_language.lookup(LANGUAGES, default="en")


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every .po into its .mo when the .mo is missing or older.

    Done at start-up, as Plone does, so a fresh clone needs no build step.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in locale_dir.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written
