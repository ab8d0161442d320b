"""Persistent base classes for content.

Folders keep their children in an OOBTree with a BTrees.Length counter, so
two transactions adding different children to one folder merge instead of
conflicting (ZODB resolves bucket-level inserts of distinct keys).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
# Names that would shadow views or API endpoints of the container.
RESERVED_NAMES = frozenset({"login", "logout", "static", "j"})  # j: short join addresses


class NameError_(ValueError):
    """A child name that is invalid, reserved or taken."""


def utcnow() -> datetime:
    return datetime.now(UTC)


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

    def add(self, name: str, obj: Content) -> Content:
        self.check_name(name)
        obj.__name__ = name
        obj.__parent__ = self
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
        return self.add(new, obj)


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
