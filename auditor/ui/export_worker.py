"""The TUI's "export" action: the NC report written in a worker, with progress, and the
file's path notified. Bind it from any screen that knows its audit:

    def action_export(self) -> None:
        start_export(self.app, self.store, self.audit_id)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .screens.export_progress import ExportProgressScreen


def start_export(app, store, audit_id: int, folder: Path | None = None,
                 on_done: Callable[[Path | None], None] | None = None, *,
                 path: Path | None = None) -> None:
    """Export audit `audit_id` to `path`, else into `folder` (the current folder by
    default) under a free default name; notify where it went; then call `on_done` with the
    path (None: failed)."""

    def done(path: Path | None) -> None:
        if path is not None:
            app.notify(f"NC report written to {path}", title="Exported", markup=False,
                       timeout=10)
        if on_done is not None:
            on_done(path)

    app.push_screen(ExportProgressScreen(store, audit_id, folder or Path.cwd(), path=path),
                    done)
