"""`congress-site INI COMMAND ...`: administer a site from the command line."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from .db import open_db

# Modules with `register(subparsers)`; optional ones join when present.
COMMAND_MODULES = [
    "congress_site.scripts.site_commands",
    "congress_site.congress.commands",
    "congress_site.ledger.web.commands",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="congress-site", description=__doc__)
    parser.add_argument("ini", help="the site's INI file, e.g. development.ini")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    db = open_db(args.ini)
    try:
        return args.run(db, args) or 0
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()


class CommandError(Exception):
    pass


if __name__ == "__main__":
    # Run the imported module's main, so `python -m` raises and catches the
    # same CommandError class as the commands do.
    from congress_site.scripts.main import main as _main

    sys.exit(_main())
