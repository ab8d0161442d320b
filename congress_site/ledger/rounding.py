"""Largest-remainder rounding: split an integer whole into integer parts that add up exactly.

Used for every share of a whole (money allocations, members' parts of used minutes),
so parts never drift from the total by a cent or a minute.
"""

from __future__ import annotations

from collections.abc import Sequence


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` into ``len(weights)`` integer parts proportional to ``weights``.

    Guarantees:

    * ``sum(result) == total`` exactly;
    * each part is the exact share ``total * w / sum(weights)`` rounded down or up
      (so it is within 1 of the exact share), and a zero weight always gets 0;
    * for ``total >= 0`` every part is ``>= 0``.

    Rules the issue leaves open, decided here:

    * Tie-breaking: leftover units go to the largest remainders; equal remainders are
      broken by position, **earlier index first**. Callers that want a stable,
      meaningful order sort their parties first (members by id).
    * A negative ``total`` is split symmetrically: ``-largest_remainder(-total, w)``,
      so a negative whole (an overrun, a reversal) is shared the same way.
    * All weights zero (or no weights): a zero total gives all-zero parts; a non-zero
      total raises ``ValueError`` because nobody can receive it. Callers decide what
      "nobody to share with" means in their domain.
    * Negative weights, and non-int values (floats, bools), raise ``ValueError``/``TypeError``.
    """
    _check_int("total", total)
    for w in weights:
        _check_int("weight", w)
        if w < 0:
            raise ValueError(f"weights must be >= 0, got {w}")
    if total < 0:
        return [-part for part in largest_remainder(-total, weights)]
    weight_sum = sum(weights)
    if weight_sum == 0:
        if total == 0:
            return [0] * len(weights)
        raise ValueError(f"cannot split {total} when all weights are zero")

    floors: list[int] = []
    remainders: list[int] = []
    for w in weights:
        quotient, remainder = divmod(total * w, weight_sum)
        floors.append(quotient)
        remainders.append(remainder)
    leftover = total - sum(floors)
    # leftover < number of non-zero remainders, so zero weights never receive a unit.
    winners = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:leftover]
    for i in winners:
        floors[i] += 1
    return floors


def _check_int(name: str, value: object) -> None:
    # bool is an int subclass; True as a weight is almost certainly a bug.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
