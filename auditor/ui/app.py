"""The Textual app. It is given its store; it never opens a database itself.

The home screen is the bottom of the stack; `open_audit` puts an audit's screen on top of
it, so escape from the audit leads home. Quitting first writes whatever was typed and not
yet saved; when the database refuses it (another program holds it), the first ctrl+q (or
escape from the audit) says so and a second one leaves without it.
"""

from __future__ import annotations

from time import monotonic

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from auditor.ui.commands import ScreenActions
from auditor.ui.plain import controls_shown
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.home import HomeScreen
from auditor.ui.storage import guarded
from auditor.ui.typing_order import after_typed_keys

LEAVE_AGAIN = 8.0  # seconds in which a second ctrl+q or escape leaves unsaved typing behind


class AuditorApp(App):
    TITLE = "auditor"
    SUB_TITLE = "ISO 9001 / ISO/IEC 27001 internal audits"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    # Every screen is `-narrow` below 100 columns: the stylesheet gives a dialog there the
    # room its columns need (at 80 columns, 80% of the width cut the list of keys).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        # Moving between fields is taken the moment tab arrives, before the keys typed
        # after it are handed to a field: as Textual binds it (not first), "Internal audit
        # 2026<tab>Acme Soft" typed at full speed landed whole in the title. The keys
        # typed before it are already in the field they were typed in.
        Binding("tab", "focus_next", "Next field", show=False, priority=True,
                id="app.focus_next"),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True,
                id="app.focus_previous"),
    ]

    def __init__(self, store, settings=None, open_audit: int | None = None) -> None:
        super().__init__()
        # Its writes say "not saved" when the database is busy instead of failing.
        self.store = guarded(store)
        self.settings = settings
        self.open_audit = open_audit
        # The key that last tried to leave unsaved typing behind, and when.
        self._unsaved_said: tuple[str, float] = ("", 0.0)

    def on_mount(self) -> None:
        # Opened straight on an audit, the home screen is built only when it is needed.
        if self.open_audit is not None:
            self.open_audit_screen(self.open_audit)
        else:
            self.push_screen(HomeScreen(self.store))

    def go_home(self) -> None:
        """Leave the current screen for the home screen, building it if it never was."""
        if any(isinstance(s, HomeScreen) for s in self.screen_stack):
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen(self.store))

    def open_audit_screen(self, audit_id: int, ref: str | None = None) -> None:
        self.push_screen(AuditScreen(self.store, audit_id, start_ref=ref))

    def help_bindings(self) -> list[Binding]:
        """The keys that work on every screen, for the help lists."""
        return [
            Binding("ctrl+p", "command_palette", "Command palette: go to a clause, any action"),
            Binding("ctrl+q", "quit", "Quit (what was typed is saved first)"),
        ]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification, the app's and every screen's (Widget.notify comes here),
        as plain text: a message quotes titles, refs, file names and the domain's
        refusals, so markup is never read in it and a control character shows as its
        escape. `markup` is accepted and ignored: no notification of ours uses markup."""
        super().notify(controls_shown(message), title=controls_shown(title),
                       severity=severity, timeout=timeout, markup=False)

    def flush_edits(self) -> bool:
        """Write every screen's unsaved typing; False if something could not be saved."""
        saved = True
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if flush is not None:
                saved = flush() and saved
        return saved

    def may_leave_unsaved(self, key: str) -> bool:
        """After a flush that left typing unsaved (the database refused it): False the
        first time, saying so; True when `key` comes again within `LEAVE_AGAIN` seconds."""
        now = monotonic()
        said_for, said_at = self._unsaved_said
        if said_for == key and now - said_at < LEAVE_AGAIN:
            return True
        self._unsaved_said = (key, now)
        self.notify("Some typing is not saved yet: another program holds the database. "
                    f"Wait for the status line to clear, or {key} again to leave without it.",
                    severity="warning", timeout=LEAVE_AGAIN)
        return False

    async def action_quit(self) -> None:
        after_typed_keys(self, self._quit)

    def _quit(self) -> None:
        if not self.flush_edits() and not self.may_leave_unsaved("ctrl+q"):
            return
        self.exit()
