"""The Textual app. It is given its store; it never opens a database itself.

The home screen is the bottom of the stack; `open_audit` puts an audit's screen on top of
it, so escape from the audit leads home. Quitting first writes whatever was typed and not
yet saved.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from auditor.ui.commands import ScreenActions
from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.home import HomeScreen
from auditor.ui.storage import guarded


class AuditorApp(App):
    TITLE = "auditor"
    SUB_TITLE = "ISO 9001 / ISO/IEC 27001 internal audits"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(self, store, settings=None, open_audit: int | None = None) -> None:
        super().__init__()
        # Its writes say "not saved" when the database is busy instead of failing.
        self.store = guarded(store)
        self.settings = settings
        self.open_audit = open_audit
        self._quit_unsaved = False

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

    def open_audit_screen(self, audit_id: int) -> None:
        self.push_screen(AuditScreen(self.store, audit_id))

    def help_bindings(self) -> list[Binding]:
        """The keys that work on every screen, for the help lists."""
        return [
            Binding("ctrl+p", "command_palette", "Command palette: go to a clause, any action"),
            Binding("ctrl+q", "quit", "Quit (what was typed is saved first)"),
        ]

    def flush_edits(self) -> bool:
        """Write every screen's unsaved typing; False if something could not be saved."""
        saved = True
        for screen in self.screen_stack:
            flush = getattr(screen, "flush", None)
            if flush is not None:
                saved = flush() and saved
        return saved

    async def action_quit(self) -> None:
        # What cannot be written now (another program holds the database) stays on
        # screen, and the first ctrl+q says so; a second one quits all the same.
        if not self.flush_edits() and not self._quit_unsaved:
            self._quit_unsaved = True
            self.notify("Some typing is not saved yet: another program holds the database. "
                        "Wait for the status line to clear, or ctrl+q again to quit "
                        "without it.", severity="warning", timeout=8)
            return
        self.exit()
