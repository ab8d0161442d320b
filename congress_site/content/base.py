"""Persistent base classes for content.

Folders keep their children in an OOBTree with a BTrees.Length counter, so
two transactions adding different children to one folder merge instead of
conflicting (ZODB resolves bucket-level inserts of distinct keys).
"""

from __future__ import annotations

import re
import uuid

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

# utcnow is also imported from here by older modules; the clock itself lives in clock.py.
from ..clock import utcnow  # noqa: F401

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Names that would shadow views or API endpoints of the container.
RESERVED_NAMES = frozenset({"login", "logout", "static", "j"})  # j: short join addresses


class NameError_(ValueError):
    """A child name that is invalid, reserved or taken."""


def slugify(text: str) -> str:
    """A URL-safe id from a title: lowercase ASCII words joined by dashes."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "item"


class Content(Persistent):
    """Common state of every content object."""

    type_name = "Content"
    folderish = False
    __name__: str | None = None
    __parent__: Container | None = None

    def __init__(self, title: str = "", description: str = "", **fields):
        self.title = title
        self.description = description
        now = utcnow()
        # Stable across renames and moves; known before the first commit (the oid is not).
        self.uid = uuid.uuid4().hex
        self.created = now
        self.modified = now
        self.creator = None
        self.review_state = None
        # principal id -> set of local role names, Plone's "Sharing".
        self.local_roles = PersistentMapping()
        self.history = PersistentList()
        for key, value in fields.items():
            setattr(self, key, value)

    @property
    def __acl__(self):
        from ..workflow import object_acl

        return object_acl(self)

    def set_local_roles(self, principal: str, roles) -> None:
        roles = frozenset(roles)
        if roles:
            self.local_roles[principal] = roles
        elif principal in self.local_roles:
            del self.local_roles[principal]

    def record(self, action: str, actor: str | None, **details) -> None:
        """Append to this object's history (who did what, when)."""
        entry = {"action": action, "actor": actor, "time": utcnow()}
        entry.update(details)
        self.history.append(PersistentMapping(entry))


def uid_of(obj) -> str | None:
    """The object's UID: its own, or for objects made before UIDs existed, its oid."""
    uid = getattr(obj, "uid", None)
    if uid is None and getattr(obj, "_p_oid", None):
        uid = obj._p_oid.hex()
    return uid


def order_key(obj) -> tuple:
    """Where ``obj`` stands in its folder: by when it was put there (a moved object goes
    last), unless reordered. Kept on the child, not in a list on the folder, so adding two
    children at once does not make the folder a write conflict. Objects placed before
    positions existed stand where their creation time puts them."""
    position = getattr(obj, "_position", None)
    if position is None:
        position = obj.created.timestamp()
    return (position, obj.__name__ or "")


class Item(Content):
    """Leaf content."""


class Container(Content):
    """Folderish content; children are kept in an OOBTree."""

    folderish = True

    def __init__(self, title: str = "", description: str = "", **fields):
        super().__init__(title, description, **fields)
        self._items = OOBTree()
        self._count = Length()

    # Mapping protocol used by traversal.
    def __getitem__(self, name: str) -> Content:
        return self._items[name]

    def get(self, name: str, default=None):
        return self._items.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def __len__(self) -> int:
        return self._count()

    def __bool__(self) -> bool:
        # A folder is an object, never "false" because it is empty.
        return True

    def keys(self):
        return self._items.keys()

    def values(self):
        return self._items.values()

    def ordered_values(self) -> list[Content]:
        """The children in folder order (what getObjPositionInParent sorts by)."""
        return sorted(self._items.values(), key=order_key)

    def reorder(self, name: str, delta, subset_ids=None) -> None:
        """Move the child ``name`` by ``delta`` places ("top", "bottom" or a number of places,
        negative to go up), counted among ``subset_ids`` when given (the children a client
        sees, which must be in their current relative order). Only the moved child is
        written, unless its new neighbours' positions are too close to fit it between."""
        if name not in self._items:
            raise NameError_(f"there is no '{name}' here")
        order = [obj.__name__ for obj in self.ordered_values()]
        subset = list(subset_ids) if subset_ids is not None else order
        if name not in subset or [n for n in order if n in set(subset)] != subset:
            raise ValueError("subset_ids do not match the folder's current order")
        index = subset.index(name)
        if delta == "top":
            target = 0
        elif delta == "bottom":
            target = len(subset) - 1
        elif isinstance(delta, int) and not isinstance(delta, bool):
            target = min(max(index + delta, 0), len(subset) - 1)
        else:
            raise ValueError('delta must be "top", "bottom" or a whole number')
        if target == index:
            return
        # Place it next to the subset's neighbour at the target, in the full order.
        neighbour = subset[target]
        order.remove(name)
        at = order.index(neighbour) + (1 if target > index else 0)
        order.insert(at, name)
        keys = [order_key(self._items[n])[0] for n in order]
        before = keys[at - 1] if at > 0 else None
        after = keys[at + 1] if at + 1 < len(order) else None
        if before is None:
            position = after - 1.0
        elif after is None:
            position = before + 1.0
        else:
            position = (before + after) / 2
        if (before is not None and position <= before) or (after is not None and position >= after):
            for i, n in enumerate(order):  # no room left between them: renumber all
                self._items[n]._position = float(i)
            return
        self._items[name]._position = position

    def items(self):
        return self._items.items()

    def check_name(self, name: str) -> str:
        if not isinstance(name, str) or not NAME_RE.match(name) or name in RESERVED_NAMES:
            raise NameError_(
                f"'{name}' is not a valid id: use lowercase letters, digits, '.', '_' and '-'"
            )
        if name.startswith("@"):
            raise NameError_(f"'{name}' is reserved")
        if name in self._items:
            raise NameError_(f"'{name}' already exists here")
        return name

    def choose_name(self, title: str) -> str:
        base = slugify(title)
        if base in RESERVED_NAMES:
            base = f"{base}-1"
        name, n = base, 1
        while name in self._items:
            n += 1
            name = f"{base}-{n}"
        return name

    def add(self, name: str, obj: Content, position: float | None = None) -> Content:
        """Put ``obj`` here under ``name``: last in folder order, or at ``position``."""
        self.check_name(name)
        obj.__name__ = name
        obj.__parent__ = self
        obj._position = utcnow().timestamp() if position is None else position
        self._items[name] = obj
        self._count.change(1)
        return obj

    def remove(self, name: str) -> Content:
        obj = self._items.pop(name)
        self._count.change(-1)
        return obj

    def rename(self, old: str, new: str) -> Content:
        if old == new:
            return self._items[old]
        self.check_name(new)
        obj = self.remove(old)
        return self.add(new, obj, order_key(obj)[0])


class SiteRoot(Container):
    """The site: root of the content tree, holder of site-wide utilities."""

    type_name = "Site"

    def __init__(self, title: str = "Konbit", description: str = ""):
        super().__init__(title, description)
        self.schema_version = 0
        self.review_state = "published"

    @property
    def __acl__(self):
        from ..security.roles import ALL_PERMISSIONS, VIEW, Allow, Everyone, role_principal

        return [
            (Allow, role_principal("Manager"), ALL_PERMISSIONS),
            (Allow, Everyone, VIEW),
        ]


def find_root(resource) -> SiteRoot:
    while resource.__parent__ is not None:
        resource = resource.__parent__
    return resource


def in_site(resource) -> bool:
    """Whether ``resource`` is still where its parents say: a deleted or moved object keeps
    its ``__parent__`` and ``__name__``, but its parent no longer holds it under that name."""
    while resource.__parent__ is not None:
        if resource.__parent__.get(resource.__name__) is not resource:
            return False
        resource = resource.__parent__
    return True


def resource_path_tuple(resource) -> tuple[str, ...]:
    names = []
    while resource is not None and resource.__parent__ is not None:
        names.append(resource.__name__)
        resource = resource.__parent__
    return ("",) + tuple(reversed(names))
