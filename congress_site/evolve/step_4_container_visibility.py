"""Reindex who may view each object: content is now never more visible than its containers."""


def evolve(site):
    site.catalog.index_subtree(site)
