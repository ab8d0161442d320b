"""Rebuild the catalog with spread word ids and wide buckets; widen folders' buckets.

Sites made before version 3 handed out word ids from a counter and kept folder children
in narrow buckets: concurrent uploads into one folder conflicted (see ``catalog`` and
``btrees``). The catalog is rebuilt from the content; each folder's children move into a
``WideOOBTree`` (same keys, same objects)."""

from ..btrees import WideOOBTree
from ..catalog import SiteCatalog, walk


def evolve(site):
    for obj in walk(site):
        items = getattr(obj, "_items", None)
        if items is not None and not isinstance(items, WideOOBTree):
            obj._items = WideOOBTree(items)
    site.catalog = SiteCatalog()
    site.catalog.index_subtree(site)
