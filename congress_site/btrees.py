"""BTrees with wide buckets, for keys that arrive in clusters.

A BTree bucket merges concurrent inserts of distinct keys, but a bucket that
splits conflicts with every transaction that inserted into it meanwhile. Keys
that arrive together land in one bucket: the names of pages uploaded into one
folder, the paths under it, the creation times of everything added now. With
BTrees' default of 30 to 60 keys a bucket, such a bucket splits every 15 to 30
inserts, and each split sends every writer in flight back to retry. Buckets of
500 keys split fifteen times less often; each insert rewrites a bigger bucket
(some kilobytes), which is cheap next to a retried request.
"""

from __future__ import annotations

from BTrees.OLBTree import OLBTree
from BTrees.OOBTree import OOBTree

WIDE_LEAF = 500


class WideOOBTree(OOBTree):
    max_leaf_size = WIDE_LEAF


class WideOLBTree(OLBTree):
    max_leaf_size = WIDE_LEAF
