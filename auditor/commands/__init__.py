"""Command handlers, one module per group of `auditor` sub-commands.

Each module has `register(subparsers)`; each handler takes `(ctx, args)` and returns the
exit code. Handlers ask the store and print; they hold no audit rules.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from auditor import config
from auditor.domain.errors import AuditLocked, AuditorError, DatabaseProblem, shown


def actions(commands, name: str, help: str):
    """The actions of a command group (`auditor audits ACTION`)."""
    group = commands.add_parser(name, help=help)
    return group.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def command(parent, name: str, help: str, handler, *, audit: bool = False,
            json: bool = False):
    """One command: its handler, and the AUDIT it acts on and `--json` where it has them."""
    p = parent.add_parser(name, help=help)
    p.set_defaults(handler=handler)
    if audit:
        p.add_argument("audit", metavar="AUDIT")
    if json:
        p.add_argument("--json", action="store_true")
    return p


@dataclass
class Context:
    settings: config.Settings
    _store: Any = field(default=None, repr=False)
    _console: Any = field(default=None, repr=False)

    @classmethod
    def from_args(cls, args) -> Context:
        return cls(settings=config.resolve(getattr(args, "db", None)))

    @property
    def store(self):
        if self._store is None:
            s = self.settings
            limit = config.evidence_max_bytes(s)  # a bad setting refused before opening
            config.require_shared_evidence(s)
            self._store = config.open_store(s)
            if limit is not None:
                self._store.evidence_max_bytes = limit
        return self._store

    @property
    def console(self):
        if self._console is None:
            self._console = _safe_console()
        return self._console

    def print(self, *objects: Any) -> None:
        self.console.print(*objects)

    def json(self, data: Any) -> None:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def err(self, line: str) -> None:
        # Messages quote what the user typed or a file held: a control character in it
        # (an escape sequence, a line separator) is shown as its escape, one line each.
        sys.stderr.write(f"auditor: {shown(line)}\n")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _safe_console():
    """A rich console for output that quotes audit data, which is shown as it is: no
    markup is read in any text (a title `Design review [note: PR 812]` or an auditee
    `Acme [b]` prints as typed; a command that wants bold says so with `bold()`), and a
    control character (an escape sequence that would retitle or clear the terminal) is
    shown as its escape."""
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text, **kwargs):
            text = "\n".join(shown(line) for line in text.split("\n"))
            return super().render_str(text, **{**kwargs, "markup": False})

    return SafeConsole(highlight=False, markup=False)


def bold(text: str, rest: str = "", style: str = "bold"):
    """`text` in bold (or `style`) followed by `rest`, both shown as they are."""
    from rich.text import Text

    return Text.assemble((shown(text), style), shown(rest))


def show_by_default(argv: list[str], group: str, actions: tuple[str, ...]) -> list[str]:
    """`auditor [--db X] GROUP AUDIT ...` as `... GROUP show AUDIT ...`: a group whose
    first word is not one of its actions shows (`auditor soa 1`, `auditor opinions 1`)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--db":
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        if word != group or i + 1 >= len(argv):
            return argv
        following = argv[i + 1]
        if following in actions or following in ("-h", "--help"):
            return argv
        return [*argv[:i + 1], "show", *argv[i + 1:]]
    return argv


def audit_id(value: str) -> int:
    """An audit given on the command line: its number."""
    try:
        number = int(value)
    except ValueError:
        raise AuditorError(
            f"audit {value!r}: give the audit's number (see `auditor audits list`)") from None
    if number < 1:
        raise AuditorError(f"audit {value!r}: audit numbers start at 1")
    return number


def with_hint(exc: AuditorError, args) -> str:
    """The error's text with the command line's way out, where the domain (which names no
    flags) leaves it to the command: a closed audit is changed after `audits reopen`."""
    text = str(exc)
    if isinstance(exc, DatabaseProblem) and exc.elsewhere:
        text += "; give another database with --db PATH (or AUDITOR_DB)"
    if isinstance(exc, AuditLocked) and "audits reopen" not in text:
        audit = getattr(args, "audit", None)
        number = audit if isinstance(audit, str) and audit.isdigit() else "AUDIT"
        text += f"; `auditor audits reopen {number} --reason TEXT` reopens it"
    return text
