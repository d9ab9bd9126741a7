"""The TUI's "attach a file" action: ask for the path, copy and hash the file in a
worker (a large file must not freeze the screen), and hand the evidence record back.
Bind it from any screen that knows its audit and item:

    def action_attach_file(self) -> None:
        attach_file(self, self.store, self.audit_id, ref, self._evidence_added)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.domain.models import Evidence
from auditor.ui.background import deliver
from auditor.ui.screens.ask_path import AskPathScreen


def attach_file(screen: Any, store: Any, audit_id: int, ref: str,
                added: Callable[[Evidence], None], finding_code: str | None = None) -> None:
    """Attach to the item `ref`, and to the finding `finding_code` when given (the
    Evidence sheet's Finding column then names it)."""
    def refused(message: str) -> None:
        screen.notify(message, title="Not attached", severity="error", markup=False)

    def copy(path: Path) -> None:
        deliver(screen.app,
                lambda: store.add_evidence(audit_id, ref=ref, finding_code=finding_code,
                                           kind="file", file=path),
                added, refused)

    def chosen(path: Path | None) -> None:
        if path is not None:
            screen.run_worker(lambda: copy(path), thread=True, group="attach",
                              description=f"attach {path.name}")

    screen.app.push_screen(AskPathScreen(
        f"Attach a file to {finding_code or ref}", what="the file to attach",
        ok_label="Attach",
        placeholder="~/Screenshots/release-approval.png",
        hint="The file is copied into the evidence folder and identified by its "
             "SHA-256."), chosen)
