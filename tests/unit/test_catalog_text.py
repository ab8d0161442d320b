"""The catalog's text index: spread word ids and per-word BTrees still find what they must."""

from __future__ import annotations

from types import SimpleNamespace

from congress_site.catalog import MAX_WORD_ID, text_index


def doc(text):
    return SimpleNamespace(text=text)


def search(index, term):
    return sorted(index.apply(term).keys())


def test_index_reindex_and_unindex_keep_the_word_maps_right():
    index = text_index("text")
    index.index_doc(1, doc("shared server backups"))
    index.index_doc(2, doc("shared wiki"))
    assert search(index, "shared") == [1, 2]
    assert search(index, "backups") == [1]

    index.reindex_doc(1, doc("shared mail"))
    assert search(index, "backups") == []
    assert search(index, "mail") == [1]
    assert search(index, "shared") == [1, 2]

    index.unindex_doc(2)
    assert search(index, "wiki") == []
    assert search(index, "shared") == [1]
    assert index.index.word_count() == len(index.index._wordinfo) == 2  # shared, mail


def test_word_ids_are_spread_not_counted():
    index = text_index("text")
    index.index_doc(1, doc(" ".join(f"word{n}" for n in range(50))))
    wids = list(index.lexicon.wids())
    assert len(wids) == 50 and all(0 < w < MAX_WORD_ID for w in wids)
    assert max(wids) - min(wids) > 50 * 1000  # not a run of consecutive ids
    assert index.lexicon.word_count() == 50
