"""The TUI for `auditor bundle import FILE --review`: the app's look and keys, opened on
the merge review alone; it ends with the choices made, or None."""

from __future__ import annotations

from textual import events

from auditor.domain.merge import MergePlan
from auditor.ui.app import AuditorApp
from auditor.ui.screens.merge_review import MergeReviewScreen


class MergeReviewApp(AuditorApp):
    def __init__(self, store, plan: MergePlan, audit_id: int | None, source: str,
                 settings=None) -> None:
        super().__init__(store, settings=settings)
        self.plan = plan
        self.review_of = (audit_id, source)

    def on_mount(self, event: events.Mount | None = None) -> None:
        if event is not None:
            event.prevent_default()  # not the home screen: the review alone
        audit_id, source = self.review_of
        self.push_screen(MergeReviewScreen(self.plan, audit_id, source), callback=self.exit)
