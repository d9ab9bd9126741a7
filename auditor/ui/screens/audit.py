"""The audit screen: the clause tree on the left, the selected item on the right.

One key records a result (see `ClauseTree`'s bindings); the screen writes it through the
store, updates the item in `AuditProgress` and repaints that item's line and its
ancestors'. The screen keeps the audit's rows, findings and evidence it has read, and
re-reads only what a change can touch.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widgets import Static, Tree

from auditor.domain.models import (
    Evidence,
    Finding,
    ItemResult,
    ItemSample,
    PlanSession,
    SoaEntry,
)
from auditor.domain.progress import AuditProgress, ItemFilter, LiveFinding
from auditor.domain.soa import soa_controls
from auditor.domain.vocab import AuditStatus
from auditor.ui import audit_navigation as navigation
from auditor.ui import audit_recording as recording
from auditor.ui import audit_sessions as sessions
from auditor.ui.commands import ClauseCommands, TextSearch
from auditor.ui.compat import breakpoint_classes
from auditor.ui.edition_maps import stored_maps
from auditor.ui.report_actions import report_binding, write_report_file
from auditor.ui.result_undo import UndoStack
from auditor.ui.widgets.audit_status import FILTER_ORDER, AuditStatusLine
from auditor.ui.widgets.clause_tree import ClauseTree
from auditor.ui.widgets.item_detail import ItemDetail
from auditor.ui.widgets.key_bar import KeyBar
from auditor.ui.widgets.previous_findings import PreviousFindingsPanel
from auditor.ui.workbook_actions import export_report, import_followup, workbook_bindings


class AuditScreen(Screen):
    COMMANDS = Screen.COMMANDS | {ClauseCommands, TextSearch}
    # Below 32 lines the previous findings panel gives its room back to the tree.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("escape", "back", "Back", show=False, id="audit.back"),
        Binding("question_mark", "help", "Keys", key_display="?", id="audit.help"),
        Binding("v", "cycle_filter", "Filter", id="audit.cycle_filter"),
        Binding("e", "edit_finding", "Edit finding", show=False, id="audit.edit_finding"),
        Binding("F", "findings", "Findings", key_display="F", id="audit.findings"),
        Binding("p", "previous_findings", "Previous findings", show=False,
                id="audit.previous_findings"),
        Binding("C", "close_audit", "Close audit", key_display="C", show=False,
                id="audit.close"),
        Binding("h", "history", "Item history", show=False, id="audit.history"),
        Binding("ctrl+z", "undo", "Undo result", key_display="^z", show=False,
                id="audit.undo"),
        Binding("ctrl+e", "edit_audit", "Audit details", key_display="^e", show=False,
                id="audit.edit_audit"),
        Binding("d", "compare_previous", "Compare with previous audit", show=False,
                id="audit.compare_previous"),
        Binding("P", "plan", "Audit plan", key_display="P", show=False, id="audit.plan"),
        Binding("t", "session_now", "Session now: its clauses only / all", show=False,
                id="audit.session_now"),
        Binding("T", "next_session", "Next session's clauses (after the last: all)",
                key_display="T", show=False, id="audit.next_session"),
        *workbook_bindings("audit"),
        report_binding("audit"),
    ]

    def __init__(self, store, audit_id: int, start_ref: str | None = None) -> None:
        super().__init__()
        self.start_ref = start_ref  # where to open (a search hit), else the first to do
        # Born with the height class the terminal calls for: set on the first resize, it
        # would style every widget of the screen once more.
        try:
            height = self.app.size.height
        except NoActiveAppError:
            height = 0
        self.add_class(*breakpoint_classes(height, self.VERTICAL_BREAKPOINTS), update=False)
        self.store = store
        self.audit_id = audit_id
        self.audit = store.audit(audit_id)
        self.read_only = self.audit.status == AuditStatus.CLOSED
        self.checklist = store.checklist(audit_id)
        self.rows: dict[str, ItemResult] = store.results(audit_id)
        self.findings: list[Finding] = store.findings(audit_id)
        self.evidence: list[Evidence] = store.evidence(audit_id)
        self.samples: dict[str, list[ItemSample]] = store.samples(audit_id)
        # The Annex A controls whose SoA line is captured in the item detail: those of a
        # checklist that carries SoA notes (read only for such an audit).
        self.soa_refs = soa_controls(self.checklist)
        self.soa: dict[str, SoaEntry] = store.soa_entries(audit_id) if self.soa_refs else {}
        self.progress = AuditProgress.of(self.checklist, self.rows, self.findings)
        self.undo = UndoStack()
        # The plan's sessions, read when the session filter is first used; the session
        # the tree keeps to (t, T), None for every clause.
        self.plan_sessions: list[PlanSession] | None = None
        self.session_filter: PlanSession | None = None
        # Per ref, what the audit followed showed there ("last time: minor, NC-2025-004").
        # Across editions, through the imported mapping: "last time (as A.9.2.3): ...".
        self.previous = store.previous_results(audit_id, stored_maps(self)) \
            if self.audit.previous_id else {}

    # -- layout ---------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.show_heading()

    def show_heading(self) -> None:
        self.query_one("#audit-heading", Static).update(navigation.audit_heading(
            self.audit, self.checklist, self.size.width, self.session_filter))

    def compose(self) -> ComposeResult:
        a = self.audit
        yield Static(navigation.audit_heading(self.audit, self.checklist), id="audit-heading",
                     markup=True)
        if self.read_only:
            closed = a.closed_at.date().isoformat() if a.closed_at else ""
            yield Static(
                f"CLOSED {closed}: read-only. To change it: "
                f"auditor audits reopen {a.id} --reason ...",
                id="read-only-banner", markup=False,
            )
        yield AuditStatusLine(id="audit-status")
        with Horizontal(id="audit-body"):
            with Vertical(id="audit-left"):
                yield ClauseTree(self.progress, id="clause-tree")
                if self.audit.previous_id is not None:
                    yield PreviousFindingsPanel(self.store, self.audit_id,
                                                id="previous-findings")
            yield ItemDetail(self.store, self.audit_id, read_only=self.read_only,
                             on_saved=self._text_saved, soa=self.soa,
                             soa_refs=self.soa_refs, id="item-detail")
        yield KeyBar(id="key-bar")

    @property
    def tree(self) -> ClauseTree:
        return self.query_one(ClauseTree)

    @property
    def detail(self) -> ItemDetail:
        return self.query_one(ItemDetail)

    def on_mount(self) -> None:
        self._show_counts()
        self._show_filter()
        tree = self.tree
        tree.focus()
        first = self.start_ref if self.start_ref and self.checklist.item(self.start_ref) \
            else self.progress.next_not_assessed() or (
                self.checklist.assessable_items()[0].ref if self.checklist.assessable_items()
                else None)
        if first is not None:
            tree.go_to(first)
            self._show(first)

    # -- what the screen shows ------------------------------------------------------------

    def _show_counts(self) -> None:
        self.query_one(AuditStatusLine).show_progress(self.progress)

    def _show_filter(self) -> None:
        self.query_one(AuditStatusLine).show_filter(self.tree.item_filter)

    def item_findings(self, ref: str) -> list[Finding]:
        return [f for f in self.findings if f.ref == ref]

    def show_item(self, ref: str | None) -> None:
        self._show(ref)

    def _show(self, ref: str | None) -> None:
        if ref is None:
            return
        item = self.checklist.item(ref)
        if item is None:
            return
        status = self.progress.status(ref)
        if not item.assessable:
            self.detail.show_group(item, status)
            return
        row = self.rows.get(ref)
        texts = {name: getattr(row, name) for name in ("notes", "interviewees", "documents")
                 } if row else {}
        previous = self.previous.get(ref)
        self.detail.show_item(item, status, texts, self.item_findings(ref),
                              [e for e in self.evidence if e.ref == ref],
                              previous.label if previous is not None else "",
                              samples=self.samples.get(ref, ()))

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        """Enter on an item: start writing about it (enter on a group folds it)."""
        ref = event.node.data
        if ref is not None and self.progress.is_assessable(ref) and not self.read_only:
            self.detail.notes.query_one("#notes").focus()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data is not None and event.node.data != self.detail.ref:
            self._show(event.node.data)

    def _text_saved(self, row: ItemResult) -> None:
        self.rows[row.ref] = row

    # -- after a change -------------------------------------------------------------------

    def item_changed(self, ref: str, reread_findings: bool = True) -> None:
        """Repaint the item and its groups, after re-reading the findings (one query)
        unless the change could not touch them."""
        if reread_findings:
            self.findings = self.store.findings(self.audit_id)
        row = self.rows.get(ref)
        live = [LiveFinding(f.code, f.grade, f.status) for f in self.item_findings(ref)]
        changed = self.progress.update(ref, row.result if row else None, live)
        self.tree.refresh_refs(changed)
        self._show_counts()
        if self.detail.ref == ref:
            self.detail.show_result(self.progress.status(ref), self.item_findings(ref),
                                    [e for e in self.evidence if e.ref == ref])

    def reload(self) -> None:
        """Read the whole audit again, after another screen changed findings."""
        self.rows = self.store.results(self.audit_id)
        self.findings = self.store.findings(self.audit_id)
        self.evidence = self.store.evidence(self.audit_id)
        self.progress = AuditProgress.of(self.checklist, self.rows, self.findings)
        tree = self.tree
        current = tree.current_ref
        tree.progress = self.progress
        tree.build(tree.item_filter)
        if current is not None:
            tree.go_to(current)
        self._show_counts()
        ref = self.detail.ref
        if ref is not None:
            self.detail.ref = None
            self._show(ref)

    # -- result keys (audit_recording) ----------------------------------------------------

    def writable_ref(self) -> str | None:
        """The item under the cursor if a result may be recorded on it, else says why."""
        if self.read_only:
            self.notify(f"Audit {self.audit_id} is closed and read-only.", severity="warning")
            return None
        ref = self.tree.current_ref
        if ref is None:
            return None
        if not self.progress.is_assessable(ref):
            self.notify(f"{ref} is a group heading: record on its items.",
                        severity="warning")
            return None
        return ref

    def action_record(self, result: str) -> None:
        recording.record_result(self, result)

    def action_undo(self) -> None:
        recording.undo_result(self)

    def action_raise_nonconformity(self, grade: str) -> None:
        ref = self.writable_ref()
        if ref is not None:
            recording.open_finding_form(self, ref, grade=grade)

    def action_new_finding(self) -> None:
        ref = self.writable_ref()
        if ref is not None:
            recording.open_finding_form(self, ref, grade="minor")

    def action_edit_finding(self, code: str | None = None) -> None:
        recording.edit_finding(self, code)

    def on_item_detail_edit_finding(self, event: ItemDetail.EditFinding) -> None:
        self.action_edit_finding(event.code)

    def action_next_not_assessed(self) -> None:
        scope = self.tree.scope
        ref = self.progress.next_not_assessed(self.tree.current_ref, among=scope)
        if ref is None:
            self.notify("Every item is assessed." if scope is None or self.session_filter
                        is None else f"Every item of session {self.session_filter.number} "
                        "is assessed.")
            return
        self.go_to(ref)

    def go_to(self, ref: str) -> bool:
        """Move to an item, showing all items if the filter hides it."""
        if self.checklist.item(ref) is None:
            self.notify(f"{ref}: no such clause in {self.checklist.id}", severity="warning")
            return False
        tree = self.tree
        if not tree.go_to(ref):
            if tree.scope is not None and ref not in tree.scope:
                sessions.show_session(self, None)  # a clause of another session
            tree.build(ItemFilter.ALL)
            self._show_filter()
            tree.go_to(ref)
        tree.focus()
        self._show(ref)
        return True

    # -- attaching files ------------------------------------------------------------------

    def action_attach_file(self) -> None:
        recording.attach_to_item(self)

    def action_record_sample(self) -> None:
        recording.record_sample(self)

    # -- filters, other screens (audit_navigation) ----------------------------------------

    def show_filter(self) -> None:
        self._show_filter()

    def action_set_filter(self, kind: str) -> None:
        navigation.set_filter(self, ItemFilter(kind))

    def action_cycle_filter(self) -> None:
        position = FILTER_ORDER.index(self.tree.item_filter)
        self.action_set_filter(FILTER_ORDER[(position + 1) % len(FILTER_ORDER)].value)

    def action_findings(self) -> None:
        navigation.open_findings(self)

    def action_export(self) -> None:
        self.flush()  # the notes typed a moment ago belong in the report
        export_report(self.app, self.store, self.audit_id)

    def action_write_report(self) -> None:
        self.flush()  # the notes typed a moment ago belong in the report
        write_report_file(self.app, self.store, self.audit_id)

    def action_import_followup(self) -> None:
        self.flush()
        import_followup(self.app, self.store, self.audit_id, self.reload)

    def action_close_audit(self) -> None:
        navigation.close_audit(self)

    def action_history(self) -> None:
        navigation.open_history(self)
    def action_compare_previous(self) -> None:
        navigation.compare_previous(self)

    def action_plan(self) -> None:
        navigation.open_plan(self)

    def action_session_now(self) -> None:
        sessions.toggle_session_now(self)

    def action_next_session(self) -> None:
        sessions.step_session(self)

    def action_edit_audit(self) -> None:
        navigation.edit_audit(self)
    def action_previous_findings(self) -> None:
        panels = self.query("PreviousFindingsPanel")
        if not panels:
            self.notify("This audit follows no previous audit.")
            return
        panel = panels.first()
        if panel.has_focus_within:
            self.tree.focus()
        else:
            panel.table.focus()

    def on_previous_findings_panel_verified(self, event) -> None:
        self.reload()

    def on_descendant_focus(self, event) -> None:
        panels = self.query(PreviousFindingsPanel)
        verifying = bool(panels) and panels.first() in event.widget.ancestors_with_self
        self.query_one("#audit-left").set_class(verifying, "-verifying")

    def action_help(self) -> None:
        navigation.open_help(self)

    def action_back(self) -> None:
        if not self.tree.has_focus:
            self.tree.focus()
            return
        if not self.flush() and not self.app.may_leave_unsaved("escape"):
            return
        self.app.go_home()

    def flush(self) -> bool:
        """Write what was typed and not yet saved (before leaving or quitting)."""
        notes = self.query("#item-notes")
        saved = notes.first().flush() if notes else True
        soa = self.query("#soa-fields")
        return (soa.first().flush() if soa else True) and saved

