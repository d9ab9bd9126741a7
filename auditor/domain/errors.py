"""Errors the domain raises. Each carries one line a user can act on."""


class AuditorError(Exception):
    """A problem with the input or the data: the command line prints it and exits 1."""


class NotFound(AuditorError):
    pass


class RuleViolation(AuditorError):
    """The store refused a change that breaks an audit rule."""


class AuditLocked(RuleViolation):
    pass


class DatabaseProblem(AuditorError):
    """The database cannot be used: not a database, newer schema, unreadable."""


def shown(text: object) -> str:
    """Something the user typed or named (a path, an id) as it goes into a message: a
    control character, a line break included, is written as its escape, so the message
    stays one line and cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
