"""Every string of the interface is translated into French, Spanish and Portuguese: the
message ids extracted from the code now (make i18n-pot, into a temporary directory) all
have a translation, not fuzzy, in each language's catalog."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "congress_site" / "locale"
DOMAINS = ("congress_site", "konbit_congress", "konbit_ledger")
LANGUAGES = ("fr", "es", "pt")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set[str]]:
    out = tmp_path_factory.mktemp("pot")
    subprocess.run(["make", "-s", "i18n-pot", f"I18N_DIR={out}"], cwd=ROOT, check=True)
    ids = {}
    for domain in DOMAINS:
        with (out / f"{domain}.pot").open("rb") as f:
            ids[domain] = {m.id for m in read_po(f) if m.id}
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_of_the_code_is_translated(extracted, domain, language):
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in extracted[domain] - translated)
    assert not missing, f"{len(missing)} untranslated in {language}/{domain}: {missing[:10]}"
