"""The deployed site's release id (roles/congress_site/files/release.py): the same checkout
gives the same id, so an Ansible run that changes nothing builds and copies nothing."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "roles" / "congress_site" / "files" / "release.py"


@pytest.fixture(scope="module")
def release():
    spec = importlib.util.spec_from_file_location("release", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def checkout(tmp_path):
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    package = tmp_path / "congress_site"
    (package / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "locale" / "fr" / "LC_MESSAGES" / "x.po").write_text('msgid "a"\n')
    return tmp_path


def test_same_sources_same_release(release, checkout):
    first, pins = release.release_id(checkout)
    # Compiled catalogs and byte code are made on the server: they do not change the release.
    (checkout / "congress_site" / "locale" / "fr" / "LC_MESSAGES" / "x.mo").write_bytes(b"\0")
    (checkout / "congress_site" / "__pycache__").mkdir()
    (checkout / "congress_site" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert release.release_id(checkout)[0] == first
    assert first.startswith("0.1.0-")
    assert "python-ldap==" in " ".join(pins) and "waitress==" in " ".join(pins)


def test_a_changed_file_is_a_new_release(release, checkout):
    first, _ = release.release_id(checkout)
    (checkout / "congress_site" / "__init__.py").write_text("VALUE = 2\n")
    assert release.release_id(checkout)[0] != first
