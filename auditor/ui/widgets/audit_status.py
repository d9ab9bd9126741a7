"""The audit screen's status line: a progress bar with counts, and the tree's filters.

Both parts are one line of fixed size, updated without a re-layout: they change on every
result key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from auditor.domain.progress import FILTER_LABELS, AuditProgress, ItemFilter

FILTER_ORDER = (ItemFilter.ALL, ItemFilter.NOT_ASSESSED, ItemFilter.FINDINGS)
BAR_WIDTH = 16


def progress_bar(done: int, total: int) -> str:
    """A bar in the theme's colours, drawn as text: one widget instead of four."""
    share = done / total if total else 0.0
    filled = round(share * BAR_WIDTH)
    return (f"[$success]{'━' * filled}[/][$panel-lighten-2]{'━' * (BAR_WIDTH - filled)}[/]"
            f" {share:4.0%}")


class AuditStatusLine(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static("", id="audit-counts")
        yield Static("", id="audit-filter")

    def show_progress(self, progress: AuditProgress) -> None:
        p = progress
        self.query_one("#audit-counts", Static).update(
            f"{progress_bar(p.assessed, p.total)} {p.assessed}/{p.total} · "
            f"{p.open_findings} open", layout=False)

    def show_filter(self, current: ItemFilter) -> None:
        """The filters, the current one highlighted and the others clickable."""
        parts = []
        for kind in FILTER_ORDER:
            label = FILTER_LABELS[kind]
            if kind == current:
                parts.append(f"[reverse] {label} [/]")
            else:
                parts.append(f"[@click=screen.set_filter('{kind.value}')] {label} [/]")
        self.query_one("#audit-filter", Static).update(" ".join(parts) + "  (v)",
                                                       layout=False)
