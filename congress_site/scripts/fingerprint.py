"""`congress-site-fingerprint DATA.FS [--compare FILE]`: what a copy of the site holds.

The backups write the fingerprint of each copy of the site's FileStorage beside it, and
the restore drill compares the restored copy with it (docs/backups.md): the same objects
(every current record's oid, serial and data) and the same ledger hash chain, verified
link by link. The file is opened read-only, so it may be a copy or a stopped site's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.utils import tid_repr

from ..ledger.closing import verify_chain
from ..ledger.errors import LedgerError
from ..ledger.web.store import get_folder
from ..site import site_from_zodb_root


def storage_digest(storage: FileStorage) -> tuple[int, str]:
    """The number of current objects and a digest of their oids, serials and data."""
    digest = hashlib.sha256()
    count = 0
    next_oid = None
    while True:
        oid, tid, data, next_oid = storage.record_iternext(next_oid)
        digest.update(oid + tid + hashlib.sha256(data or b"").digest())
        count += 1
        if next_oid is None:
            return count, digest.hexdigest()


def ledger_chain(site) -> dict:
    folder = get_folder(site) if site is not None else None
    records = list(folder.closed.values()) if folder is not None else []
    links = [r.closed for r in records]
    try:
        verify_chain(links)
        state = "ok"
    except LedgerError as exc:
        state = exc.message
    return {"chain": state, "months": [[str(link.month), link.hash] for link in links]}


def fingerprint(path: str) -> dict:
    storage = FileStorage(path, read_only=True)
    db = DB(storage)
    try:
        objects, digest = storage_digest(storage)
        conn = db.open()
        try:
            site = site_from_zodb_root(conn.root(), create=False)
            ledger = ledger_chain(site)
        finally:
            conn.close()
        return {
            "last_transaction": tid_repr(storage.lastTransaction()),
            "objects": objects,
            "objects_sha256": digest,
            "ledger": ledger,
        }
    finally:
        db.close()


def differences(expected: dict, found: dict) -> list[str]:
    problems = [
        f"{key}: {found.get(key)!r} instead of {expected.get(key)!r}"
        for key in ("last_transaction", "objects", "objects_sha256")
        if found.get(key) != expected.get(key)
    ]
    if found["ledger"]["chain"] != "ok":
        problems.append(f"ledger hash chain broken: {found['ledger']['chain']}")
    if found["ledger"]["months"] != expected["ledger"]["months"]:
        problems.append(
            f"ledger closed months {found['ledger']['months']} instead of "
            f"{expected['ledger']['months']}"
        )
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="congress-site-fingerprint", description=__doc__)
    parser.add_argument("path", help="a FileStorage file (Data.fs or a repozo full copy)")
    parser.add_argument("--compare", metavar="FILE", help="a fingerprint written before")
    args = parser.parse_args(argv)
    try:
        found = fingerprint(args.path)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the answer
        print(f"{args.path} does not open as the site's database: {exc}", file=sys.stderr)
        return 1
    if not args.compare:
        print(json.dumps(found, indent=1, sort_keys=True))
        return 0 if found["ledger"]["chain"] == "ok" else 1
    with open(args.compare, encoding="utf-8") as f:
        expected = json.load(f)
    problems = differences(expected, found)
    if problems:
        print(f"{args.path} differs from {args.compare}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    months = len(found["ledger"]["months"])
    print(
        f"the site's database opens: {found['objects']} objects as they were "
        f"(last transaction {found['last_transaction']}), "
        f"ledger hash chain of {months} closed months intact"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
