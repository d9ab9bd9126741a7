"""What the audit screen's result keys do: record a result (kept for ctrl+z), undo the
last one, open the finding form to raise or edit a finding on the item, and attach a
file to it.

Plain functions of the `AuditScreen` they act for: the screen keeps the rows, findings and
progress they read and update, and repaints through `AuditScreen.item_changed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.domain.errors import AuditorError
from auditor.domain.models import Evidence
from auditor.domain.vocab import Result
from auditor.ui.attach_file import attach_file
from auditor.ui.result_undo import change_of

if TYPE_CHECKING:
    from auditor.ui.screens.audit import AuditScreen


def record_result(screen: AuditScreen, result: str) -> None:
    ref = screen.writable_ref()
    if ref is None:
        return
    before = screen.rows[ref].result if ref in screen.rows else Result.NOT_ASSESSED.value
    findings_before = screen.item_findings(ref)
    try:
        row, finding = screen.store.record_result(screen.audit_id, ref, result)
    except AuditorError as exc:
        screen.notify(str(exc), severity="error")
        return
    screen.rows[ref] = row
    if finding is not None:
        screen.findings = [f for f in screen.findings if f.code != finding.code] + [finding]
    # Only clearing a result can cancel findings; the other keys leave them or return
    # the one they raised.
    screen.item_changed(ref, reread_findings=result == Result.NOT_ASSESSED)
    change = change_of(ref, before, findings_before, screen.item_findings(ref))
    screen.undo.push(change)
    if change.revive:
        screen.notify(f"{', '.join(change.revive)} cancelled with the result; "
                      "ctrl+z undoes it", severity="warning")


def undo_result(screen: AuditScreen) -> None:
    change = screen.undo.pop()
    if change is None:
        screen.notify("Nothing to undo: ctrl+z undoes the result keys of this session.")
        return
    try:
        screen.store.undo_result(screen.audit_id, change.ref, change.before,
                                 revive=change.revive, cancel=change.cancel)
    except AuditorError as exc:
        screen.notify(f"Not undone: {exc}", severity="error")
        return
    screen.rows = screen.store.results(screen.audit_id)
    screen.item_changed(change.ref)
    screen.go_to(change.ref)
    screen.notify(f"Undone: {change.describe()}")


def edit_finding(screen: AuditScreen, code: str | None = None) -> None:
    ref = screen.tree.current_ref
    if code is None and ref is not None:
        found = [f for f in screen.item_findings(ref) if f.status != "cancelled"]
        blank = [f for f in found if not f.statement.strip()]
        code = (blank or found)[-1].code if found else None
    if code is None:
        screen.notify("No finding on this item yet: f raises one.", severity="warning")
        return
    finding = next((f for f in screen.findings if f.code == code), None)
    open_finding_form(screen, finding.ref if finding else ref, code=code)


def open_finding_form(screen: AuditScreen, ref: str, grade: str = "minor",
                      code: str | None = None) -> None:
    from auditor.ui.screens.finding_form import FindingFormScreen

    def done(finding) -> None:
        if finding is None:
            return  # cancelled: nothing was recorded
        screen.rows = screen.store.results(screen.audit_id)
        screen.item_changed(finding.ref)
        screen.tree.focus()

    screen.app.push_screen(FindingFormScreen(screen.store, screen.audit_id, ref, grade=grade,
                                             code=code), done)


def attach_to_item(screen: AuditScreen) -> None:
    ref = screen.writable_ref()
    if ref is None:
        return

    def added(item: Evidence) -> None:
        screen.evidence.append(item)
        screen.notify(f"Attached {item.original_name} to {item.ref}", markup=False)
        if item.ref is not None:
            screen.item_changed(item.ref)

    attach_file(screen, screen.store, screen.audit_id, ref, added)


def record_sample(screen: AuditScreen) -> None:
    """The sample form for the item; once recorded, the item's detail lists it."""
    ref = screen.writable_ref()
    if ref is None:
        return
    from auditor.ui.screens.sample_form import SampleFormScreen

    item = screen.checklist.item(ref)

    def recorded(sample) -> None:
        if sample is None:
            return
        screen.samples.setdefault(ref, []).append(sample)
        if screen.detail.ref == ref:
            screen.detail.show_samples(screen.samples[ref], screen.progress.status(ref),
                                       screen.item_findings(ref),
                                       [e for e in screen.evidence if e.ref == ref])
        screen.notify(f"Sample recorded on {ref}: {sample.population}")

    screen.app.push_screen(SampleFormScreen(screen.store, screen.audit_id, ref,
                                            item.title if item else ""), recorded)
