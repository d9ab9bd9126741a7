"""Planning a new audit. Each problem is shown under its field and nothing typed is lost:
the form stays as it was until every field is right."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from auditor.domain.errors import AuditorError
from auditor.domain.planning import FOLLOW_UP_TYPES, check_plan, follow_up_candidates
from auditor.domain.store import AuditSummary
from auditor.domain.vocab import AuditType, status_label
from auditor.ui.compat import InOrderInput, InOrderTextArea
from auditor.ui.typing_order import after_typed_keys
from auditor.ui.widgets.key_bar import KeyBar

TEXT_FIELDS = (
    ("title", "Title", "e.g. Internal audit 2026: release management"),
    ("auditee", "Auditee", "The organisation audited"),
    ("scope", "Scope", "Processes, products, sites covered"),
    ("site", "Site", "Where"),
)
DATE_FIELDS = (("planned_start", "Start date"), ("planned_end", "End date"))
TEAM_FIELDS = (("lead_auditor", "Lead auditor", "Name"),
               ("team", "Team", "Other auditors, comma-separated"))
# The audit plan's objectives and criteria (ISO 19011 5.5.2), several lines each.
PLAN_FIELDS = (("objectives", "Objectives", "What the audit is to find out, one a line"),
               ("criteria", "Criteria", "The standard and the auditee's documents audited "
                "against (the checklist's standard once chosen)"))
FIELD_ORDER = ("checklist", "title", "auditee", "scope", "site", "objectives", "criteria",
               "type", "planned_start", "planned_end", "lead_auditor", "team",
               "previous_id")


def field_row(name: str, label: str, widget: Widget) -> Horizontal:
    return Horizontal(
        Label(label, classes="field-label"),
        Vertical(widget, Static("", id=f"{name}-error", classes="field-error", markup=False),
                 classes="field-body"),
        classes="field-row",
    )


class NewAuditScreen(Screen[int | None]):
    """Dismisses with the new audit's id, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Create", priority=True, id="new_audit.create"),
        Binding("escape", "cancel", "Cancel", id="new_audit.cancel"),
    ]

    def __init__(self, store, settings=None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.checklists: dict = {}
        self.summaries: list[AuditSummary] = store.audit_summaries()
        self.prefilled: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("New audit", classes="screen-title")
        with VerticalScroll(id="new-audit-form"):
            yield field_row("checklist", "Checklist", Select(
                [], prompt="Loading the installed checklists…", id="checklist",
                disabled=True, compact=True))
            auditees = sorted({s.audit.auditee for s in self.summaries})
            for name, label, hint in TEXT_FIELDS:
                suggester = (SuggestFromList(auditees, case_sensitive=False)
                             if name == "auditee" else None)
                yield field_row(name, label, InOrderInput(placeholder=hint, id=name, compact=True,
                                                     suggester=suggester))
            for name, label, hint in PLAN_FIELDS:
                yield field_row(name, label, InOrderTextArea(
                    id=name, soft_wrap=True, tab_behavior="focus", compact=True,
                    placeholder=hint, classes="field-text"))
            yield field_row("type", "Type", Select(
                [(t.value, t.value) for t in AuditType], value=AuditType.INTERNAL.value,
                allow_blank=False, id="type", compact=True))
            for name, label in DATE_FIELDS:
                yield field_row(name, label, InOrderInput(placeholder="YYYY-MM-DD", id=name,
                                                     compact=True))
            for name, label, hint in TEAM_FIELDS:
                yield field_row(name, label, InOrderInput(placeholder=hint, id=name, compact=True))
            yield field_row("previous_id", "Follows", Select(
                [], prompt="(none: for surveillance or recertification)", id="previous_id",
                disabled=True, compact=True))
        yield Static("", id="form-error", classes="field-error", markup=False)
        with Horizontal(classes="dialog-buttons"):
            yield Button("Create (ctrl+s)", id="create", variant="primary", compact=True)
            yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyBar(id="key-bar")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        self.load_checklists()
        # The name the auditor set (auditor user NAME, AUDITOR_USER) leads by default;
        # a login name such as root is not a person's name and is not offered.
        if self.settings is not None and self.settings.actor_source != "login":
            self.query_one("#lead_auditor", Input).value = self.settings.actor
            self.prefilled["lead_auditor"] = self.settings.actor

    @work(thread=True, exclusive=True, group="checklists")
    def load_checklists(self) -> None:
        """The installed checklists from their index (a folder of converted frameworks
        changed since the last look is read again): not on the UI thread."""
        from auditor.exchange.library import catalogue

        user_dir = self.settings.user_checklists if self.settings else None
        index = self.settings.checklist_index if self.settings else None
        found, problems = catalogue(user_dir, index)
        self.app.call_from_thread(self._checklists_loaded, found, problems)

    def _checklists_loaded(self, found, problems) -> None:
        self.checklists = {summary.id: summary for summary in found}
        select = self.query_one("#checklist", Select)
        select.set_options([
            (Content(f"{s.id}  {s.title} ({s.assessable} items)"), s.id)
            for s in self.checklists.values()
        ])
        select.prompt = "Choose a checklist"
        select.disabled = False
        if problems:
            self.notify(f"{len(problems)} checklist file(s) could not be read; "
                        "`auditor checklists validate` says why.", severity="warning")
        self._suggest_checklist()

    # -- the follow-up audit --------------------------------------------------------------

    def _value(self, name: str):
        widget = self.query_one(f"#{name}")
        if isinstance(widget, TextArea):
            return widget.text
        value = widget.value
        return None if value is Select.NULL else value

    def _update_previous(self) -> None:
        kind = self._value("type")
        select = self.query_one("#previous_id", Select)
        follows = kind in {t.value for t in FOLLOW_UP_TYPES}
        audits = [s.audit for s in self.summaries]
        candidates = follow_up_candidates(audits, self._value("auditee") or "")
        current = self._value("previous_id")
        select.set_options([
            (f"{a.id}: {a.title} ({status_label(a.status)})", a.id) for a in candidates
        ])
        select.disabled = not follows or not candidates
        if not follows:
            return
        ids = [a.id for a in candidates]
        if current in ids:
            select.value = current
        elif ids:
            select.value = ids[0]

    def _suggest_checklist(self) -> None:
        """A follow-up audit uses the checklist of the audit it follows, unless chosen."""
        previous = self._value("previous_id")
        select = self.query_one("#checklist", Select)
        if previous is None or self._value("checklist") is not None:
            return
        for s in self.summaries:
            if s.audit.id == previous and s.checklist_id in self.checklists:
                select.value = s.checklist_id

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "auditee":
            self._update_previous()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "type":
            self._update_previous()
        elif event.select.id == "previous_id":
            self._suggest_checklist()
        elif event.select.id == "checklist":
            self._suggest_criteria()

    def _suggest_criteria(self) -> None:
        """The criteria follow the checklist's standard until the auditor writes their
        own."""
        chosen = self.checklists.get(self._value("checklist"))
        area = self.query_one("#criteria", TextArea)
        if chosen is None or area.text not in ("", self.prefilled.get("criteria")):
            return
        area.load_text(chosen.standard)
        self.prefilled["criteria"] = chosen.standard

    # -- creating -------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.action_create()
        else:
            self.action_cancel()

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.update("")
            error.remove_class("shown")

    def _show_error(self, name: str | None, message: str) -> None:
        target = f"#{name}-error" if name else "#form-error"
        error = self.query_one(target, Static)
        error.update(message)
        error.add_class("shown")

    def action_create(self) -> None:
        after_typed_keys(self.app, self._create)

    def _create(self) -> None:
        self._clear_errors()
        raw = {name: self._value(name) for name in FIELD_ORDER}
        if raw["type"] not in {t.value for t in FOLLOW_UP_TYPES}:
            raw["previous_id"] = None
        check = check_plan(raw)
        if not check.ok:
            for name, message in check.problems.items():
                self._show_error(name, message)
            first = next(n for n in FIELD_ORDER if n in check.problems)
            self.query_one(f"#{first}").focus()
            return
        from auditor.exchange.library import find

        try:
            # The list came from the index; the audit is made from the file itself.
            checklist = find(raw["checklist"],
                             self.settings.user_checklists if self.settings else None,
                             self.settings.checklist_index if self.settings else None)
            audit = self.store.create_audit(checklist, **check.values)
        except AuditorError as exc:
            # The rule names its field; a form input of that name shows the message.
            name = getattr(exc, "field", None)
            self._show_error(name if name in FIELD_ORDER else None, str(exc))
            return
        self.notify(f"Audit {audit.id} created: {audit.title}")
        self.dismiss(audit.id)

    def action_cancel(self) -> None:
        # Typed means changed from what the form opened with (a prefilled lead is not).
        typed = [name for name, *_ in (*TEXT_FIELDS, *PLAN_FIELDS, *DATE_FIELDS,
                                       *TEAM_FIELDS)
                 if (self._value(name) or "").strip()
                 and self._value(name) != self.prefilled.get(name)]
        if not typed:
            self.dismiss(None)
            return
        from auditor.ui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(
            "Throw this new audit away?",
            f"{len(typed)} field(s) are filled in and the audit is not created yet. "
            "Throw them away?", yes="Throw away", no="Keep editing", danger=True), answered)
