"""The previous audit's findings that are not closed, put in front of the auditor of the
audit that follows it, each with its on-site verification one key away.

`v` verifies the highlighted finding effective (the store closes it); `n` verifies it not
effective (the store marks it and raises a repeat in this audit): the keys of the same
steps on the findings screen, and each asks who, when and how before it is taken. After
each verification the list reloads and `PreviousFindingsPanel.Verified` is posted so the
audit screen can refresh its tree.

Verifying is not done blind: under the table, the highlighted finding is shown whole
(its statement, the auditee's root cause and corrective action, the due date and how
late it is), wrapped, so nothing of it is cut at 80 columns. The table shows only the
columns that fit the panel, most needed first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from auditor.domain.closing import plural
from auditor.domain.followup import days_overdue
from auditor.domain.models import Finding
from auditor.domain.text import filled
from auditor.domain.vocab import grade_label, status_label
from auditor.ui.edition_maps import links_between, stored_maps
from auditor.ui.plain import controls_shown
from auditor.ui.widgets.row_table import TextTable

# (heading, width): what a verifier needs first comes first; a column that does not fit
# the panel whole is left out rather than cut (the detail below shows every field).
COLUMNS = (("Finding", 12), ("Due", 10), ("Status", 13), ("Item", 8), ("Grade", 11))
CELL_PADDING = 2
DETAIL_FIELDS = (
    ("Statement: {}", "statement"),
    ("Requirement: {}", "requirement"),
    ("Root cause: {}", "root_cause"),
    ("Correction: {}", "correction"),
    ("Corrective action: {}", "corrective_action"),
    ("Owner: {}", "owner"),
    ("Auditee's comment: {}", "auditee_comment"),
)


def _cells(f: Finding) -> dict[str, str]:
    return {"Finding": f.code, "Due": f.due_date.isoformat() if f.due_date else "",
            "Status": status_label(f.status), "Item": f.ref, "Grade": grade_label(f.grade)}


def finding_detail(f: Finding, today, maps_to: tuple[str, ...] | None = None) -> str:
    """The previous finding as a verifier reads it before deciding, every line whole;
    across editions (`maps_to` given) with the items of this edition it maps to."""
    due = f"due {f.due_date.isoformat()}" if f.due_date else "no due date"
    late = days_overdue(f, today)
    if late:
        due += f", {late} days overdue"
    where = f.ref if maps_to is None else \
        f"{f.ref} (now {', '.join(maps_to)})" if maps_to else f"{f.ref} (not in the mapping)"
    head = f"{f.code} on {where} · {grade_label(f.grade)} · {status_label(f.status)} · {due}"
    return "\n".join([head, *filled(f, DETAIL_FIELDS)])


class PreviousFindingsPanel(Vertical):
    """A compact table of the previous audit's unclosed findings, with verify actions."""

    BINDINGS = [
        Binding("v", "verify(True)", "Effective", id="previous_findings.effective"),
        Binding("n", "verify(False)", "Not effective", id="previous_findings.not_effective"),
    ]

    class Verified(Message):
        """A previous finding was verified; `repeat` is the code of the repeat finding
        raised in this audit when it was not effective."""

        def __init__(self, panel: PreviousFindingsPanel, code: str, effective: bool,
                     repeat: str | None) -> None:
            super().__init__()
            self.panel = panel
            self.code = code
            self.effective = effective
            self.repeat = repeat

        @property
        def control(self) -> PreviousFindingsPanel:
            return self.panel

    def __init__(self, store, audit_id: int, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.audit_id = audit_id
        self.codes: list[str] = []
        self.findings: list[Finding] = []
        self._columns: tuple[str, ...] = ()
        # Across editions: the current items each earlier item maps to (None: one checklist).
        self.maps_to: dict[str, tuple[str, ...]] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="previous-findings-title")
        yield TextTable(cursor_type="row", zebra_stripes=True,
                        classes="previous-findings-table")
        yield Static("", classes="previous-finding-detail", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        if self._fitting() != self._columns:
            self.reload()

    def _fitting(self) -> tuple[str, ...]:
        room = max(self.content_size.width, 1) - 1
        shown: list[str] = []
        for heading, width in COLUMNS:
            room -= width + CELL_PADDING
            if room < 0 and shown:
                break
            shown.append(heading)
        return tuple(shown)

    @property
    def table(self) -> DataTable:
        return self.query_one(".previous-findings-table", DataTable)

    def reload(self) -> None:
        """Read the unclosed previous findings again, keeping the cursor near its row."""
        findings = self.store.previous_open_findings(self.audit_id)
        previous = self.store.audit(self.audit_id).previous_id
        links = links_between(self.store, previous, self.audit_id, stored_maps(self)) \
            if previous is not None else None
        self.maps_to = links.maps_to if links is not None else None
        table = self.table
        row = table.cursor_row
        self._columns = self._fitting()
        table.clear(columns=True)
        for heading, width in COLUMNS:
            if heading in self._columns:
                table.add_column(heading, width=width)
        self.findings = findings
        self.codes = [f.code for f in findings]
        for f in findings:
            cells = _cells(f)
            table.add_row(*(cells[heading] for heading in self._columns), key=f.code)
        if findings:
            table.move_cursor(row=min(max(row, 0), len(findings) - 1))
        self._show_detail()
        previous_id = self.store.audit(self.audit_id).previous_id
        title = self.query_one(".previous-findings-title", Static)
        if previous_id is None:
            title.update("This audit follows no previous audit")
        elif findings:
            # The facts first: on a short screen the line is cut at the panel's width.
            title.update(f"Audit {previous_id}: "
                         f"{plural(len(findings), 'finding', 'findings')} to verify  ·  "
                         "v effective  ·  n not effective")
        else:
            title.update(f"Previous findings (audit {previous_id}): all verified or closed")
        self.set_class(not findings, "-empty")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        code = self.highlighted
        chosen = next((f for f in self.findings if f.code == code), None)
        detail = self.query_one(".previous-finding-detail", Static)
        maps_to = None if chosen is None or self.maps_to is None \
            else self.maps_to.get(chosen.ref, ())
        detail.update(controls_shown(finding_detail(chosen, self.store.now().date(), maps_to))
                      if chosen else "")
        detail.set_class(chosen is None, "-empty")

    @property
    def highlighted(self) -> str | None:
        table = self.table
        if not self.codes or table.cursor_row < 0 or table.cursor_row >= len(self.codes):
            return None
        return self.codes[table.cursor_row]

    def action_verify(self, effective: bool) -> None:
        """Asks who verified, when and how (prefilled), then verifies on site."""
        from auditor.ui.screens.review_finding import Review, ReviewFindingScreen

        code = self.highlighted
        chosen = next((f for f in self.findings if f.code == code), None)
        if chosen is None:
            self.app.bell()
            return

        def record(review: Review):
            return self.store.verify_previous_finding(
                self.audit_id, chosen.code, effective, review.note,
                verified_by=review.verified_by, verified_on=review.verified_on,
                mappings=stored_maps(self)) or chosen

        def done(result) -> None:
            if result is None:
                return  # cancelled: nothing recorded
            if effective:
                self.app.notify(f"{chosen.code} verified effective and closed")
            else:
                self.app.notify(f"{chosen.code} not effective; repeat finding {result.code} "
                                "raised", severity="warning")
            self.reload()
            self.post_message(self.Verified(self, chosen.code, effective,
                                            None if effective else result.code))

        what = "verified effective (closes it)" if effective else \
            "verified not effective (raises a repeat finding here)"
        self.app.push_screen(ReviewFindingScreen(
            chosen, f"{chosen.code}: {what}", step="verify", actor=self.store.actor,
            today=self.store.now().date(), record=record), done)
