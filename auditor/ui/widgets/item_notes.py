"""An item's notes, interviewees and documents seen, saved while they are typed.

A laptop that dies mid-interview must lose nothing: the text is written when typing
pauses (`SAVE_AFTER`), at the latest `SAVE_WITHIN` after the first key not yet written even
while typing goes on, when the field loses focus, when another item is shown, and before
the screen or the app goes away.

A write the database refuses (another program holds its lock; the TUI waits only a
quarter of a second for it) keeps the text on screen and pending, per item, and a status
line says so; the text is tried again every `RETRY_EVERY`, and moving between items or
typing on does not try it again in between (each try may wait that quarter second). Once
it is written, the status line goes.
"""

from __future__ import annotations

from time import monotonic

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from auditor.domain.errors import AuditorError
from auditor.ui.compat import InOrderInput, InOrderTextArea
from auditor.ui.plain import editable
from auditor.ui.storage import NotWritten

SAVE_AFTER = 0.3  # seconds of quiet typing before the text is written
# Seconds after the first unwritten key, however fast typing goes on. The promise is half
# a second; the rest is room for the write itself and a busy machine (at 0.5 a loaded
# laptop lost keys 0.6 to 1 s old to a kill: tests/e2e/test_tmux_autosave_kill.py).
SAVE_WITHIN = 0.3
RETRY_EVERY = 1.0  # seconds between tries while the database refuses the write

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
        self._last_key = 0.0  # when the last change was typed (monotonic seconds)
        self._due: float | None = None  # when the pending text must be written at last
        self._refused: NotWritten | None = None  # the database's refusal of the last write
        self._closing = False

    def compose(self) -> ComposeResult:
        yield Static("", id="save-status", markup=False)
        yield Label("Notes", classes="field-label")
        yield InOrderTextArea(id="notes", soft_wrap=True, tab_behavior="focus",
                              read_only=self.read_only, compact=True,
                              placeholder="What you heard and saw")
        yield Label("Interviewed", classes="field-label")
        yield InOrderInput(id="interviewees", placeholder="Names and roles", compact=True,
                           disabled=self.read_only)
        yield Label("Documents seen", classes="field-label")
        yield InOrderInput(id="documents", placeholder="Id and revision, e.g. QM-PROC-004 rev 3",
                           compact=True, disabled=self.read_only)

    # -- showing an item ------------------------------------------------------------------

    def show(self, ref: str, values: dict[str, str]) -> None:
        """Show an item's texts; what was typed for the previous item is written first.
        Texts of this item that the database refused so far are shown, not the saved."""
        self.flush(retry_now=False)
        self.ref = ref
        # What the fields can show (plain.editable); it counts as saved, so that looking
        # at an item never writes it.
        self._saved = {name: editable(values.get(name, "") or "") for name in FIELDS}
        shown = {**self._saved, **self._pending.get(ref, {})}
        area = self.query_one("#notes", TextArea)
        if area.text != shown["notes"]:
            area.load_text(shown["notes"])
        for name in ("interviewees", "documents"):
            field = self.query_one(f"#{name}", Input)
            if field.value != shown[name]:
                field.value = shown[name]

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
        first = name not in pending
        pending[name] = value
        if first and self._refused is not None:
            self._say_refused()  # one more item may be waiting
        # A key costs a clock read: the one timer running looks at the times when it fires.
        self._last_key = monotonic()
        if self._due is None:
            self._due = self._last_key + SAVE_WITHIN
        if self._timer is None:
            self._timer = self.set_timer(SAVE_AFTER, self._autosave, name="autosave")

    def _autosave(self) -> None:
        self._timer = None
        if self._refused is not None:
            return  # the retry timer has it
        now = monotonic()
        when = min(self._last_key + SAVE_AFTER, self._due or now)
        if when - now > 0.01:  # typing went on and the latest moment is not there yet
            self._timer = self.set_timer(when - now, self._autosave, name="autosave")
            return
        self.flush()

    def _retry(self) -> None:
        self._timer = None
        self.flush()

    def on_descendant_blur(self) -> None:
        self.flush(retry_now=False)

    def on_unmount(self) -> None:
        self._closing = True  # a last try: no status line, no retry timer any more
        self.flush()

    def _catch_up(self) -> None:
        """What the fields hold now, also typing whose Changed message is still on its
        way (a flush may run before it: quitting right after the last key)."""
        if self.ref is None or self.read_only:
            return
        try:
            texts = {"notes": self.query_one("#notes", TextArea).text,
                     **{n: self.query_one(f"#{n}", Input).value
                        for n in ("interviewees", "documents")}}
        except NoMatches:  # the fields are gone already (unmounting): Changed told all
            return
        for name, value in texts.items():
            self._changed(name, value)

    def flush(self, *, retry_now: bool = True) -> bool:
        """Write what is pending now; True when nothing is left unsaved. With `retry_now`
        False, a write the database refused a moment ago is left to the retry timer."""
        self._catch_up()
        if self._refused is not None and not retry_now:
            return not self._pending
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        for ref in list(self._pending):
            changes = self._pending[ref]
            if ref == self.ref:
                changes = {k: v for k, v in changes.items() if v != self._saved.get(k)}
            if changes:
                try:
                    row = self.store.set_item_text(self.audit_id, ref, **changes)
                except NotWritten as exc:
                    self._refuse(exc)
                    return False
                except AuditorError as exc:
                    self.app.notify(f"Not saved yet: {exc}", severity="error", timeout=6)
                    return False
                if ref == self.ref:
                    self._saved.update(changes)
                if self.on_saved is not None:
                    self.on_saved(row)
            del self._pending[ref]
        self._due = None
        if self._refused is not None:
            self._refused = None
            self._status("")
        return True

    def _refuse(self, exc: NotWritten) -> None:
        """Keep everything pending, say so once, and try again in a moment."""
        self._refused = exc
        if self._closing:
            return
        self._say_refused()
        self._timer = self.set_timer(RETRY_EVERY, self._retry, name="autosave-retry")

    def _say_refused(self) -> None:
        waiting = len(self._pending)
        items = f" ({waiting} items waiting)" if waiting > 1 else ""
        self._status(f"saving… {self._refused.reason}{items}")

    def _status(self, text: str) -> None:
        for status in self.query("#save-status"):  # none left while the app shuts down
            status.update(text)
            status.set_class(bool(text), "shown")
