"""The ledger's translation domain ``konbit_ledger`` (catalogs in congress_site/locale)."""

from pyramid.i18n import TranslationStringFactory

DOMAIN = "konbit_ledger"
_ = TranslationStringFactory(DOMAIN)
