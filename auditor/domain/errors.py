"""Errors the domain raises. Each carries one line a user can act on."""


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


class DatabaseProblem(AuditorError):
    """The database cannot be used: not a database, newer schema, unreadable."""


def shown(text: object) -> str:
    """Something the user typed or named (a path, an id) as it goes into a message: a
    control character, a line break included, is written as its escape, so the message
    stays one line and cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
