"""What changed between two versions of a proposal, word by word.

Pure: used by the proposal history so a scribe sees what another group's edit did.
"""

import re
from difflib import SequenceMatcher

#: One diff piece: ``(op, text)`` with op ``"equal"``, ``"delete"`` or ``"insert"``.
Change = tuple[str, str]

# Words and the whitespace between them are separate tokens, so joining the tokens gives
# the text back exactly and a changed line break shows up as a change.
_TOKEN = re.compile(r"\s+|\S+")


def word_diff(before: str, after: str) -> list[Change]:
    """Return the changes that turn ``before`` into ``after``.

    Joining the ``equal`` and ``delete`` pieces gives ``before``; joining the ``equal`` and
    ``insert`` pieces gives ``after``. A replaced stretch is a ``delete`` followed by an
    ``insert``; neighbouring pieces with the same op are merged.
    """
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    changes: list[Change] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace"):
            _append(changes, "equal" if tag == "equal" else "delete", "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _append(changes, "insert", "".join(new[j1:j2]))
    return changes


def _append(changes: list[Change], op: str, text: str) -> None:
    if not text:
        return
    if changes and changes[-1][0] == op:
        changes[-1] = (op, changes[-1][1] + text)
    else:
        changes.append((op, text))
