"""Schema migrations run in order on an old database."""

from __future__ import annotations

import transaction
from hypatia.text import TextIndex
from ZODB import DB
from ZODB.FileStorage import FileStorage

from congress_site.catalog import SiteCatalog, SpreadLexicon, _searchable_text
from congress_site.content.operations import create
from congress_site.evolve import LATEST, evolve, pending
from congress_site.site import ROOT_KEY, new_site


def test_old_site_is_brought_to_the_latest_version(tmp_path):
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    conn = db.open()
    site = new_site()
    conn.root()[ROOT_KEY] = site
    page = create(site, "Page", {"title": "Old"}, "alice")
    # Make it look like a version-0 site: no audit log, list-valued roles, no Owner,
    # and a catalog whose text index counts its word ids.
    site.schema_version = 0
    del site.audit
    page.local_roles.clear()
    page.local_roles["user:bob"] = ["Reader"]
    site.catalog = SiteCatalog()
    site.catalog.catalog["text"] = TextIndex(_searchable_text)
    site.catalog.index_subtree(site)
    transaction.commit()
    assert [n for n, _ in pending(site)] == list(range(1, LATEST + 1))

    assert evolve(site, log=lambda msg: None) == LATEST
    transaction.commit()
    conn.close()

    conn = db.open()
    site = conn.root()[ROOT_KEY]
    page = site["old"]
    assert site.schema_version == LATEST and pending(site) == []
    assert site.audit.latest() == []
    assert page.local_roles["user:bob"] == frozenset({"Reader"})
    assert page.local_roles["user:alice"] == frozenset({"Owner"})
    assert isinstance(site.catalog["text"].lexicon, SpreadLexicon)
    assert site.catalog.search(site, ["role:Manager"], text="old")[0] == 1
    conn.close()
    db.close()
