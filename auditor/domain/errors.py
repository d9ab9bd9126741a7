"""Errors the domain raises. Each carries one line a user can act on."""

from .text import escape_controls as shown  # a value quoted in a message

__all__ = ["AuditLocked", "AuditorError", "DatabaseProblem", "NotFound", "RuleViolation",
           "StoreBusy", "shown"]


class AuditorError(Exception):
    """A problem with the input or the data: the command line prints it and exits 1."""


class NotFound(AuditorError):
    pass


class RuleViolation(AuditorError):
    """The store refused a change that breaks an audit rule.

    `field` names the model field the rule concerns (`planned_end`, `previous_id`,
    `statement`, ...), so a form can put the message at the right input without reading
    the message's words; None when the rule concerns no single field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuditLocked(RuleViolation):
    pass


class StoreBusy(AuditorError):
    """Another program held the write lock for longer than this store waits; nothing was
    written. The caller keeps what it had and tries again later."""


class DatabaseProblem(AuditorError):
    """The database cannot be used: not a database, newer schema, unreadable.

    `elsewhere`: the way out is to use another database (the command line names its
    flag; the domain names none)."""

    def __init__(self, message: str, *, elsewhere: bool = False) -> None:
        super().__init__(message)
        self.elsewhere = elsewhere
