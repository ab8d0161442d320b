"""Rebuild the catalog with random word ids and per-word document maps.

Sites made before version 3 handed out the text index's word ids from a counter, so
concurrent uploads bringing new words always conflicted (see ``catalog``). The catalog is
rebuilt from the content."""

from ..catalog import SiteCatalog


def evolve(site):
    site.catalog = SiteCatalog()
    site.catalog.index_subtree(site)
