"""Store local roles as frozensets (older sites kept lists) and index creators as Owners."""

from persistent.mapping import PersistentMapping

from ..catalog import walk


def evolve(site):
    for obj in walk(site):
        local = getattr(obj, "local_roles", None)
        if local is None:
            obj.local_roles = local = PersistentMapping()
        for principal, roles in list(local.items()):
            if not isinstance(roles, frozenset):
                local[principal] = frozenset(roles)
        creator = getattr(obj, "creator", None)
        if creator and f"user:{creator}" not in local:
            local[f"user:{creator}"] = frozenset({"Owner"})
    site.catalog.index_subtree(site)
