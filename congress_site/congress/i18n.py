"""The congress layer's own translation domain, and localizers for a venue's language.

The projector of a venue speaks the venue's language whatever the browser says, so its
labels are translated with a localizer made for that language rather than the request's.
"""

from __future__ import annotations

from functools import lru_cache

from pyramid.i18n import TranslationStringFactory, make_localizer
from pyramid.interfaces import ITranslationDirectories

from ..i18n import LANGUAGE_NAMES, LANGUAGES

DOMAIN = "konbit_congress"
_ = TranslationStringFactory(DOMAIN)

__all__ = ["DOMAIN", "LANGUAGES", "LANGUAGE_NAMES", "_", "localizer_for"]


def localizer_for(request, language: str):
    """A localizer for ``language`` (the request's own when it already matches)."""
    if language not in LANGUAGES:
        language = "en"
    if language == request.locale_name:
        return request.localizer
    dirs = tuple(request.registry.queryUtility(ITranslationDirectories, default=[]))
    return _cached_localizer(language, dirs)


@lru_cache(maxsize=16)
def _cached_localizer(language: str, dirs: tuple[str, ...]):
    return make_localizer(language, list(dirs))
