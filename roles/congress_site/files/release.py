"""Release of the site, on the control machine: its id, and its wheelhouse.

    release.py id SOURCE            print {"id": ..., "version": ...}
    release.py build SOURCE OUTDIR  build OUTDIR/ID.tar (once) and print {"id", "archive"}

A release is the site's wheel plus a wheel of every dependency, at the versions installed
in this Python environment (the one the site was tested in: `make venv`), so the server
installs with `pip --no-index` and needs no compiler: python-ldap and psycopg2 have no
binary wheels on PyPI and are built here, once, against this machine's Debian libraries.
The control machine must therefore be Debian 12 on the server's architecture (checked on
the server by pip, which refuses a wheel for another platform).

The id is a hash of the source files that go into the wheel and of those versions: the
same checkout gives the same id, so a run that changes nothing builds and copies nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

# What the wheel is built from (pyproject.toml names README.md as the long description).
TOP_FILES = ("pyproject.toml", "README.md")
PACKAGE = "congress_site"
SKIPPED_DIRS = {"__pycache__"}
SKIPPED_SUFFIXES = (".pyc", ".mo")  # catalogs are compiled on the server


def source_files(source: Path) -> list[Path]:
    files = [source / name for name in TOP_FILES]
    for root, dirs, names in os.walk(source / PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        files += [Path(root, n) for n in sorted(names) if not n.endswith(SKIPPED_SUFFIXES)]
    return files


def pinned_dependencies(source: Path) -> list[str]:
    """``name==version`` of every runtime dependency, as installed here."""
    project = tomllib.loads((source / "pyproject.toml").read_text())["project"]
    pins: dict[str, str] = {}
    todo = [(Requirement(r), "") for r in project["dependencies"]]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise SystemExit(
                f"{requirement.name} is not installed in {sys.prefix}: install the site's "
                "dependencies in the Python that runs Ansible (make venv)"
            ) from None
        name = dist.metadata["Name"].lower().replace("_", "-")
        extras = sorted(requirement.extras)
        key = f"{name}[{','.join(extras)}]"
        if key in pins:
            continue
        pins[key] = f"{name}=={dist.version}"
        for sub in dist.requires or []:
            sub_req = Requirement(sub)
            if sub_req.marker is None:
                todo.append((sub_req, ""))
            else:
                todo += [(sub_req, e) for e in extras or [""]]
    return sorted(set(pins.values()))


def release_id(source: Path) -> tuple[str, list[str]]:
    pins = pinned_dependencies(source)
    digest = hashlib.sha256()
    for path in source_files(source):
        digest.update(str(path.relative_to(source)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update("\n".join(pins).encode())
    version = tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]
    return f"{version}-{digest.hexdigest()[:12]}", pins


def build(source: Path, outdir: Path) -> dict:
    rid, pins = release_id(source)
    archive = outdir / f"{rid}.tar"
    if archive.exists():
        return {"id": rid, "archive": str(archive), "built": False}
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="congress-site-release-") as tmp:
        src = Path(tmp, "src")
        for path in source_files(source):
            target = src / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        release = Path(tmp, rid)
        (release / "wheels").mkdir(parents=True)
        (release / "constraints.txt").write_text("\n".join(pins) + "\n")
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
             "--wheel-dir", str(release / "wheels"),
             "--constraint", str(release / "constraints.txt"), str(src)],
            check=True, stdout=sys.stderr,
        )  # fmt: skip
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(release, arcname=rid)
        partial.rename(archive)
    return {"id": rid, "archive": str(archive), "built": True}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "id":
        rid, _ = release_id(Path(argv[1]).resolve())
        print(json.dumps({"id": rid}))
    elif len(argv) == 3 and argv[0] == "build":
        print(json.dumps(build(Path(argv[1]).resolve(), Path(argv[2]).resolve())))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
