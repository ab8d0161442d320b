"""The `pt` catalogs are Brazilian Portuguese, as Babel's `pt` locale (dates, numbers) and
the editor's pt-BR language pack are: no European Portuguese wording creeps back in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "congress_site" / "locale" / "pt" / "LC_MESSAGES"
# European Portuguese words, each with its Brazilian counterpart.
EUROPEAN = {
    r"\bquotas?\b": "cota",
    r"\bregist(ar|ad[oa]s?|e|o)\b": "registrar, registrado, registro",
    r"\bguard(ar|ad[oa])\b": "salvar, salvo",
    r"\bdescarregar\b": "baixar",
    r"\bfecho\b": "fechamento",
    r"\becrã\b": "tela",
    r"\butilizador(es)?\b": "usuário",
    r"\bficheiros?\b": "arquivo",
    r"\bnum(a)?\b": "em um, em uma",
    r"\b(está|estão) a \w+r\b": "está fazendo",
}


@pytest.mark.parametrize("catalog", sorted(p.name for p in LOCALE.glob("*.po")))
def test_portuguese_catalogs_are_brazilian(catalog):
    with (LOCALE / catalog).open("rb") as f:
        messages = [m for m in read_po(f) if m.id and isinstance(m.string, str)]
    assert messages
    found = [
        (m.string, brazilian)
        for m in messages
        for pattern, brazilian in EUROPEAN.items()
        if re.search(pattern, m.string, re.IGNORECASE)
    ]
    assert not found
