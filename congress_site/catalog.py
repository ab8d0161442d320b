"""The hypatia catalog: full text, title, type, state, path, dates and the
principals allowed to view, updated in the same transaction as the content.

Concurrent writers (a room uploading into one folder at once) must not collide
in the catalog more than they have to:

- Ids are drawn at random, never counted: with a counter, every two adds
  insert the same key (the next id) into the id-keyed BTrees, which no
  conflict resolution can merge; random ids are distinct keys, and a BTree
  bucket merges concurrent inserts of distinct keys. This holds for document
  ids and for the text index's word ids (hypatia counts those: two uploads
  bringing new words conflicted every time).
- The text index keeps each word's documents in a BTree of its own from the
  first document on (hypatia keeps a plain dict inline until ten documents, so
  two pages sharing a rarer word both rewrote the same entry).

What is left (a bucket that splits under another writer, two uploads bringing
the same new word) is retried, alone (``conflicts``). Wider buckets would
split less often, but were measured to cost three times the CPU and four times
the storage per document (``bench/concurrent_writers.py``).
"""

from __future__ import annotations

import random
import re
from datetime import datetime

from BTrees.LOBTree import LOBTree
from BTrees.OLBTree import OLBTree
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.text import TextIndex
from hypatia.text.lexicon import CaseNormalizer, Lexicon, Splitter, StopWordRemover
from hypatia.text.okapiindex import OkapiIndex
from hypatia.util import ResultSet
from persistent import Persistent
from pyramid.location import lineage
from pyramid.traversal import find_resource, resource_path

from .content.base import order_key
from .security.roles import VIEW, role_principal

_TAG_RE = re.compile(r"<[^>]+>")
_EPOCH = datetime(1970, 1, 1).astimezone()


def _html_to_text(html: str) -> str:
    return _TAG_RE.sub(" ", html or "")


def _searchable_text(obj, default):
    parts = [obj.title or "", obj.description or "", _html_to_text(getattr(obj, "text", ""))]
    extra = getattr(obj, "searchable_text", None)
    if callable(extra):
        parts.append(extra())
    return " ".join(p for p in parts if p) or default


def _path_prefixes(obj, default):
    path = resource_path(obj)
    if path == "/":
        return ["/"]
    names = path.strip("/").split("/")
    return ["/"] + ["/" + "/".join(names[: i + 1]) for i in range(len(names))]


def allowed_principals(obj) -> list[str]:
    """Principals that may view `obj`, read off the nearest ACL above it and
    expanded through the local roles held in its lineage."""
    acl_owner = None
    for node in lineage(obj):
        try:
            acl = node.__acl__
        except AttributeError:
            continue
        acl_owner = node
        break
    if acl_owner is None:
        return []
    viewers = set()
    for action, principal, permissions in acl:
        if action != "Allow":
            continue
        if permissions == VIEW or (not isinstance(permissions, str) and VIEW in permissions):
            viewers.add(principal)
        elif not isinstance(permissions, str | tuple | list | set | frozenset):
            viewers.add(principal)  # ALL_PERMISSIONS
    holders = set()
    for node in lineage(obj):
        for principal, roles in (getattr(node, "local_roles", None) or {}).items():
            if any(role_principal(r) in viewers for r in roles):
                holders.add(principal)
    return sorted(viewers | holders)


def _allowed(obj, default):
    return allowed_principals(obj) or default


def new_id(upper: int, taken) -> int:
    """An id drawn at random from [1, upper), not in ``taken``."""
    while True:
        candidate = random.randrange(1, upper)
        if candidate not in taken:
            return candidate


# hypatia's widcode stores word ids in at most 28 bits.
MAX_WORD_ID = 2**28
MAX_DOC_ID = 2**62


class SpreadLexicon(Lexicon):
    """A lexicon whose new words get spread ids instead of ``count + 1``."""

    def _new_wid(self):
        self.word_count.change(1)  # a BTrees.Length: concurrent changes merge
        return new_id(MAX_WORD_ID, self._words)


class SpreadOkapiIndex(OkapiIndex):
    """Okapi ranking whose per-word document maps are BTrees from the start."""

    def _add_wordinfo(self, wid, f, docid):
        self._mass_add_wordinfo({wid: f}, docid)

    def _mass_add_wordinfo(self, wid2weight, docid):
        new_words = 0
        for wid, weight in wid2weight.items():
            doc2score = self._wordinfo.get(wid)
            if doc2score is None:
                doc2score = self._wordinfo[wid] = self.family.IF.BTree()
                new_words += 1
            elif isinstance(doc2score, dict):  # written by plain hypatia
                doc2score = self._wordinfo[wid] = self.family.IF.BTree(doc2score)
            # The map is persistent: changing it leaves the word's entry alone.
            doc2score[docid] = weight
        if new_words:
            self.word_count.change(new_words)

    def _del_wordinfo(self, wid, docid):
        doc2score = self._wordinfo[wid]
        del doc2score[docid]
        if isinstance(doc2score, dict):
            self._wordinfo[wid] = doc2score
        if not doc2score:
            del self._wordinfo[wid]
            self.word_count.change(-1)


def text_index(discriminator) -> TextIndex:
    lexicon = SpreadLexicon(Splitter(), CaseNormalizer(), StopWordRemover())
    return TextIndex(discriminator, lexicon=lexicon, index=SpreadOkapiIndex(lexicon))


class SiteCatalog(Persistent):
    def __init__(self):
        self.catalog = Catalog()
        self.catalog["text"] = text_index(_searchable_text)
        self.catalog["title"] = FieldIndex("title")
        self.catalog["type"] = FieldIndex("type_name")
        self.catalog["review_state"] = FieldIndex("review_state")
        self.catalog["path"] = KeywordIndex(_path_prefixes)
        self.catalog["created"] = FieldIndex("created")
        self.catalog["modified"] = FieldIndex("modified")
        self.catalog["allowed"] = KeywordIndex(_allowed)
        self.docids = OLBTree()  # path -> docid
        self.paths = LOBTree()  # docid -> path

    def __getitem__(self, name):
        return self.catalog[name]

    def _new_docid(self) -> int:
        return new_id(MAX_DOC_ID, self.paths)

    def index(self, obj) -> None:
        path = resource_path(obj)
        docid = self.docids.get(path)
        if docid is None:
            docid = self._new_docid()
            self.docids[path] = docid
            self.paths[docid] = path
            self.catalog.index_doc(docid, obj)
        else:
            self.catalog.reindex_doc(docid, obj)

    def unindex_path(self, path: str) -> None:
        docid = self.docids.pop(path, None)
        if docid is not None:
            del self.paths[docid]
            self.catalog.unindex_doc(docid)

    def index_subtree(self, obj) -> None:
        for node in walk(obj):
            self.index(node)

    def unindex_subtree(self, obj) -> None:
        base = resource_path(obj)
        for path in list(self.docids.keys(min=base)):
            if path != base and not path.startswith(base.rstrip("/") + "/"):
                break
            self.unindex_path(path)

    def resolve(self, root, docid):
        path = self.paths.get(docid)
        if path is None:
            return None
        try:
            return find_resource(root, path)
        except KeyError:
            return None

    def search(
        self,
        root,
        principals,
        text=None,
        types=None,
        path=None,
        states=None,
        sort="modified",
        reverse=True,
        limit=None,
        depth=None,
    ):
        """Objects the principals may view, matching every given criterion.

        ``depth`` keeps objects at most that many levels below ``path`` (0: the object at
        ``path`` itself, 1: its children). ``sort`` names an index, or ``position``
        for folder order (objects of one folder in their order, folders by path).
        Returns (total, objects).
        """
        cat = self.catalog
        query = cat["allowed"].any(list(principals))
        if text:
            query = query & cat["text"].contains(text)
        if types:
            query = query & cat["type"].any(list(types))
        if states:
            query = query & cat["review_state"].any(list(states))
        if path and path != "/":
            query = query & cat["path"].any([path.rstrip("/")])
        results = query.execute()
        if depth is not None:
            results = self._within(results, path or "/", depth)
        total = len(results)
        if sort == "position":
            return total, self._in_folder_order(root, results, reverse, limit)
        if text and not sort:
            results = results.sort(cat["text"], limit=limit)
        else:
            results = results.sort(cat[sort or "modified"], reverse=reverse, limit=limit)
        objects = []
        for docid in results.ids:
            obj = self.resolve(root, docid)
            if obj is not None:
                objects.append(obj)
        return total, objects

    def _within(self, results, path: str, depth: int):
        """The results at most ``depth`` levels below ``path`` (read off their paths)."""
        base = 0 if path == "/" else path.rstrip("/").count("/")
        ids = []
        for docid in results.ids:
            found = self.paths.get(docid)
            if found is None:
                continue
            level = 0 if found == "/" else found.count("/")
            # Plone's rule: depth 0 is the object itself, depth n its descendants to n levels.
            if level == base if depth == 0 else 1 <= level - base <= depth:
                ids.append(docid)
        return ResultSet(self.catalog.family.IF.Set(ids), len(ids), results.resolver)

    def _in_folder_order(self, root, results, reverse, limit):
        objects = [obj for obj in (self.resolve(root, d) for d in results.ids) if obj is not None]
        objects.sort(
            key=lambda o: (resource_path(o.__parent__) if o.__parent__ else "", order_key(o)),
            reverse=reverse,
        )
        return objects[:limit] if limit is not None else objects


def walk(obj):
    """The object and everything below it, parents first."""
    yield obj
    if getattr(obj, "folderish", False):
        for child in obj.values():
            yield from walk(child)
