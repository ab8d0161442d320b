"""Open the site's ZODB from an INI file, outside of a web request."""

from __future__ import annotations

import contextlib

import transaction
import zodburi
from pyramid.paster import get_appsettings, setup_logging
from ZODB import DB

from ..site import site_from_zodb_root


def open_db(ini: str) -> DB:
    setup_logging(ini)
    settings = get_appsettings(ini)
    storage_factory, dbkw = zodburi.resolve_uri(settings["zodbconn.uri"])
    return DB(storage_factory(), **dbkw)


@contextlib.contextmanager
def site_transaction(db: DB, note: str = ""):
    """A connection, the site root and a transaction committed on success."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            if note:
                tm.get().note(note)
            yield site_from_zodb_root(conn.root())
    finally:
        conn.close()
