"""Domain work run in a worker thread, its answer handed back on the UI thread.

Screens call `deliver` from a `@work(thread=True)` method: the domain's refusal (an
`AuditorError`, one line a user can act on) goes to `refused`, the result to `done`;
anything else is a bug and keeps its traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from auditor.domain.errors import AuditorError

T = TypeVar("T")


def deliver(app: Any, compute: Callable[[], T], done: Callable[[T], Any],
            refused: Callable[[str], Any]) -> None:
    try:
        result = compute()
    except AuditorError as exc:
        app.call_from_thread(refused, str(exc))
        return
    app.call_from_thread(done, result)
