"""Chameleon compiles a template on its first use, in whichever waitress thread asks first.

CPython 3.11 before 3.11.8 keeps the AST constructor's recursion depth in state shared by
threads (gh-106905): two threads compiling at once can fail with ``SystemError: AST
constructor recursion depth mismatch``, which a visitor sees as a 500 on the first pages
after a start. Compiling is rare (once per template), so compiling one template at a time
costs nothing afterwards.
"""

from __future__ import annotations

import threading

from chameleon.template import BaseTemplate

_LOCK = threading.RLock()


def compile_one_at_a_time() -> None:
    if getattr(BaseTemplate.cook, "_one_at_a_time", False):
        return
    cook = BaseTemplate.cook

    def locked_cook(self, body):
        with _LOCK:
            return cook(self, body)

    locked_cook._one_at_a_time = True
    BaseTemplate.cook = locked_cook
