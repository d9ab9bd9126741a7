"""An Annex A control's line of the auditee's Statement of Applicability, as the auditor
reads it from the auditee's SoA: applicable or excluded, why, how far it is implemented,
and the auditee's references. Shown in the item's detail for the controls of a checklist
that carries SoA notes (the shipped ISO/IEC 27001).

Saved as it is entered, as the notes are: a choice at once, typing when it pauses
(`SAVE_AFTER`), when the field loses focus, when another item is shown and before the
screen goes. The store refuses a justification or status before the control is stated
applicable or excluded, so those fields wait for that choice. A write the database
refuses keeps what was typed, says so, and is tried again with the next change or when
the item is left. What an auditor must query (an exclusion without justification, ...)
is said under the fields, from the domain's own flags."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from auditor.domain.errors import AuditorError
from auditor.domain.models import SoaEntry
from auditor.domain.soa import FLAG_TEXT, row_flags
from auditor.domain.vocab import IMPLEMENTATION_LABELS
from auditor.ui.compat import InOrderInput
from auditor.ui.plain import controls_shown, editable

SAVE_AFTER = 0.3  # seconds of quiet typing before the text is written
TEXTS = ("justification", "refs")
APPLICABLE = [("Applicable", "yes"), ("Excluded (not applicable)", "no")]


class SoaFields(Vertical):
    def __init__(self, store, audit_id: int, entries: dict[str, SoaEntry], *,
                 read_only: bool = False, id: str | None = None) -> None:
        """`entries` are the audit's entries by ref, kept up to date here as saved."""
        super().__init__(id=id)
        self.store = store
        self.audit_id = audit_id
        self.entries = entries
        self.read_only = read_only
        self.ref: str | None = None
        # Per ref, what was entered and not written yet (the database refused it).
        self._pending: dict[str, dict[str, str]] = {}
        self._timer: Timer | None = None
        self._showing = False  # setting the widgets from an entry is not typing

    @property
    def entry(self) -> SoaEntry | None:
        return self.entries.get(self.ref) if self.ref is not None else None

    def compose(self) -> ComposeResult:
        yield Label("In the auditee's SoA", classes="soa-heading")
        yield Label("Applicable", classes="field-label")
        yield Select(APPLICABLE, prompt="not stated", id="soa-applicable", compact=True,
                     disabled=self.read_only)
        yield Label("Justification", classes="field-label")
        yield InOrderInput(id="soa-justification", compact=True, disabled=self.read_only,
                           placeholder="why it is included or excluded")
        yield Label("Implementation", classes="field-label")
        yield Select([(label, status.value) for status, label in
                      IMPLEMENTATION_LABELS.items()], prompt="not stated",
                     id="soa-status", compact=True, disabled=self.read_only)
        yield Label("Auditee's references", classes="field-label")
        yield InOrderInput(id="soa-refs", compact=True, disabled=self.read_only,
                           placeholder="their documents, e.g. ISP-07 rev 2")
        yield Static("", id="soa-flags", markup=False)

    # -- showing a control ----------------------------------------------------------------

    def show(self, ref: str) -> None:
        """Show a control's entry (with what the database refused so far); what was
        typed for the control before is written first."""
        self.flush()
        self.ref = ref
        entry = self.entry
        pending = self._pending.get(ref, {})
        applicable = pending.get("applicable") or (
            None if entry is None or entry.applicable is None
            else ("yes" if entry.applicable else "no"))
        status = pending.get("status", entry.status if entry else "")
        self._showing = True
        try:
            self.query_one("#soa-applicable", Select).value = applicable or Select.NULL
            self.query_one("#soa-status", Select).value = status or Select.NULL
            for name in TEXTS:
                field = self.query_one(f"#soa-{name}", Input)
                value = pending.get(name, editable(getattr(entry, name)) if entry else "")
                if field.value != value:
                    field.value = value
        finally:
            self.call_after_refresh(self._shown)
        self._enable(applicable is not None)
        self._show_flags("Not saved yet: the database refused it; it is tried again"
                         if pending else "")

    def _shown(self) -> None:
        # The Changed messages of setting the widgets have been handled by now.
        self._showing = False

    def _enable(self, stated: bool) -> None:
        for name in ("soa-justification", "soa-status", "soa-refs"):
            self.query_one(f"#{name}").disabled = self.read_only or not stated

    def _show_flags(self, problem: str) -> None:
        e = self.entry
        flags = row_flags(e.applicable if e else None, e.justification if e else "",
                          e.status if e else "")
        lines = [f"⚠ {FLAG_TEXT[f]}" for f in flags]
        if problem:
            lines.append(problem)
        box = self.query_one("#soa-flags", Static)
        box.update(controls_shown("\n".join(lines)))
        box.set_class(bool(lines), "shown")

    # -- saving ---------------------------------------------------------------------------

    def _enter(self, name: str, value: str) -> None:
        if self.ref is not None:
            self._pending.setdefault(self.ref, {})[name] = value

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._showing or self.ref is None or self.read_only:
            return
        value = event.value
        entry = self.entry
        if event.select.id == "soa-applicable":
            if value is Select.NULL:
                if entry is not None and entry.applicable is not None:
                    # Stated once, it stays stated: the store has no "not stated again".
                    self._showing = True
                    event.select.value = "yes" if entry.applicable else "no"
                    self.call_after_refresh(self._shown)
                return
            self._enter("applicable", str(value))
        elif event.select.id == "soa-status":
            self._enter("status", "" if value is Select.NULL else str(value))
        self.flush()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix("soa-")
        if self._showing or self.ref is None or self.read_only or name not in TEXTS:
            return
        entry = self.entry
        if entry is not None and getattr(entry, name) == event.value:
            self._pending.get(self.ref, {}).pop(name, None)
            return
        self._enter(name, event.value)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_AFTER, self.flush, name="soa-autosave")

    def on_descendant_blur(self) -> None:
        self.flush()

    def on_unmount(self) -> None:
        self.flush()

    def flush(self) -> bool:
        """Write what is pending, for every control; True when nothing is left unsaved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.read_only:
            return True
        for ref in list(self._pending):
            pending = dict(self._pending[ref])
            entry = self.entries.get(ref)
            applicable = pending.pop("applicable", None) or (
                None if entry is None or entry.applicable is None
                else ("yes" if entry.applicable else "no"))
            if applicable is None:  # the other fields wait for the choice
                del self._pending[ref]
                continue
            try:
                saved = self.store.set_soa_entry(self.audit_id, ref, applicable=applicable,
                                                 **pending)
            except AuditorError as exc:
                if ref == self.ref and self.is_attached and self.children:
                    self._show_flags(f"Not saved: {exc}")
                return False
            del self._pending[ref]
            self.entries[ref] = saved
            if ref == self.ref and self.is_attached and self.children:
                self._enable(True)
                self._show_flags("")
        return True
