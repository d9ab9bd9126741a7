"""An item's notes, interviewees and documents seen, saved while they are typed.

A laptop that dies mid-interview must lose nothing: the text is written when typing
pauses, and never later than half a second after the first key not yet written even while
typing goes on; also when the field loses focus, when another item is shown, and before
the screen or the app goes away. When another program holds the database's write lock,
the text stays here, a status line says so, and the write is tried again on a timer (key
presses meanwhile only add to what is pending, so typing never waits for the lock).
"""

from __future__ import annotations

from time import monotonic

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, TextArea

from auditor.domain.errors import AuditorError, StoreBusy

SAVE_AFTER = 0.3   # seconds of quiet typing before the text is written
SAVE_WITHIN = 0.5  # ...and at the latest this long after the first key not yet written
RETRY_AFTER = 1.0  # another program holds the lock: try again this often
BUSY_STATUS = "Saving… another program is writing to the database; what you typed is kept"

FIELDS = ("notes", "interviewees", "documents")


class ItemNotes(Vertical):
    def __init__(self, store, audit_id: int, *, read_only: bool = False,
                 on_saved=None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.on_saved = on_saved  # called with the saved ItemResult row
        self.audit_id = audit_id
        self.read_only = read_only
        self.ref: str | None = None
        self._saved: dict[str, str] = dict.fromkeys(FIELDS, "")
        # Per ref, the texts typed and not yet written.
        self._pending: dict[str, dict[str, str]] = {}
        self._timer: Timer | None = None
        self._due: float | None = None  # when the oldest unwritten key must be written
        self.waiting_for_lock = False

    def compose(self) -> ComposeResult:
        yield Label("Notes", classes="field-label")
        yield TextArea(id="notes", soft_wrap=True, tab_behavior="focus",
                       read_only=self.read_only, compact=True,
                       placeholder="What you heard and saw")
        yield Label("Interviewed", classes="field-label")
        yield Input(id="interviewees", placeholder="Names and roles", compact=True,
                    disabled=self.read_only)
        yield Label("Documents seen", classes="field-label")
        yield Input(id="documents", placeholder="Id and revision, e.g. QM-PROC-004 rev 3",
                    compact=True, disabled=self.read_only)
        yield Label("", id="save-status", markup=False)

    # -- showing an item ------------------------------------------------------------------

    def show(self, ref: str, values: dict[str, str]) -> None:
        """Show an item's texts; what was typed for the previous item is written first."""
        self.flush()
        self.ref = ref
        self._saved = {name: values.get(name, "") or "" for name in FIELDS}
        area = self.query_one("#notes", TextArea)
        if area.text != self._saved["notes"]:
            area.load_text(self._saved["notes"])
        for name in ("interviewees", "documents"):
            field = self.query_one(f"#{name}", Input)
            if field.value != self._saved[name]:
                field.value = self._saved[name]

    # -- saving ---------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._changed("notes", event.text_area.text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in FIELDS:
            self._changed(event.input.id, event.value)

    def _changed(self, name: str, value: str) -> None:
        if self.ref is None or self.read_only:
            return
        pending = self._pending.setdefault(self.ref, {})
        if value == self._saved.get(name) and name not in pending:
            if not pending:
                del self._pending[self.ref]
            return  # the echo of showing an item, not typing
        pending[name] = value
        if self.waiting_for_lock:
            return  # the retry timer writes it; a key press must not wait for the lock
        now = monotonic()
        if self._due is None:
            self._due = now + SAVE_WITHIN
        if self._timer is not None:
            self._timer.stop()
        delay = max(0.0, min(SAVE_AFTER, self._due - now))
        self._timer = self.set_timer(delay, self.flush, name="autosave")

    def on_descendant_blur(self) -> None:
        self.flush()

    def on_unmount(self) -> None:
        self.flush()

    def flush(self) -> bool:
        """Write what is pending now; True when nothing is left unsaved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._due = None
        for ref in list(self._pending):
            changes = self._pending[ref]
            if ref == self.ref:
                changes = {k: v for k, v in changes.items() if v != self._saved.get(k)}
            if changes:
                try:
                    row = self.store.set_item_text(self.audit_id, ref, **changes)
                except StoreBusy:
                    self._wait_for_lock()
                    return False
                except AuditorError as exc:
                    self.app.notify(f"Not saved yet: {exc}", severity="error", timeout=6)
                    return False
                if ref == self.ref:
                    self._saved.update(changes)
                if self.on_saved is not None:
                    self.on_saved(row)
            del self._pending[ref]
        if self.waiting_for_lock:
            self.waiting_for_lock = False
            status = self.query_one("#save-status", Label)
            status.update("")
            status.remove_class("shown")
        return True

    def _wait_for_lock(self) -> None:
        if not self.waiting_for_lock:
            self.waiting_for_lock = True
            status = self.query_one("#save-status", Label)
            status.update(BUSY_STATUS)
            status.add_class("shown")
        self._timer = self.set_timer(RETRY_AFTER, self.flush, name="autosave-retry")
