"""Numbered schema migrations. Each step takes the site root and brings it
from version N-1 to N; `congress-site INI evolve` runs the missing ones."""

from __future__ import annotations

import importlib
import pkgutil

STEP_PREFIX = "step_"


def steps() -> list[tuple[int, object]]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith(STEP_PREFIX):
            number = int(info.name[len(STEP_PREFIX) :].split("_")[0])
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((number, module))
    return sorted(found, key=lambda pair: pair[0])


LATEST = max((n for n, _ in steps()), default=0)


def pending(site) -> list[tuple[int, object]]:
    current = getattr(site, "schema_version", 0)
    return [(n, m) for n, m in steps() if n > current]


def evolve(site, log=print) -> int:
    """Run every missing step in order; returns the new schema version."""
    for number, module in pending(site):
        log(f"evolve step {number}: {module.__doc__.strip().splitlines()[0]}")
        module.evolve(site)
        site.schema_version = number
    return site.schema_version
