"""What one result key changed, so that ctrl+z can put it back.

A result key is one keystroke, and backspace cancels the item's unanswered findings with
it (a fully written nonconformity included): one key must not be an irreversible step.
Each key's change is kept here for the session; `undo_result` in the store reverses it in
one transaction, with the change log recording the undo like any other change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.domain.models import Finding
from auditor.domain.vocab import FindingStatus

CANCELLED = FindingStatus.CANCELLED.value
KEEP = 50  # an interview's worth of keys


@dataclass(frozen=True)
class ResultChange:
    ref: str
    before: str          # the recorded result before the key
    revive: tuple[str, ...]   # findings the key cancelled
    cancel: tuple[str, ...]   # the finding the key raised

    def describe(self) -> str:
        parts = [f"{self.ref} back to {self.before.replace('_', ' ')}"]
        if self.revive:
            parts.append(f"{', '.join(self.revive)} open again")
        if self.cancel:
            parts.append(f"{', '.join(self.cancel)} cancelled")
        return "; ".join(parts)


def change_of(ref: str, before: str, findings_before: Iterable[Finding],
              findings_after: Iterable[Finding]) -> ResultChange:
    was = {f.code: f.status for f in findings_before if f.ref == ref}
    now = {f.code: f.status for f in findings_after if f.ref == ref}
    revive = tuple(c for c, s in now.items() if s == CANCELLED and was.get(c, CANCELLED)
                   != CANCELLED)
    cancel = tuple(c for c, s in now.items() if c not in was and s != CANCELLED)
    return ResultChange(ref, before, revive, cancel)


class UndoStack:
    def __init__(self) -> None:
        self._changes: list[ResultChange] = []

    def push(self, change: ResultChange) -> None:
        self._changes = [*self._changes[-(KEEP - 1):], change]

    def pop(self) -> ResultChange | None:
        return self._changes.pop() if self._changes else None
