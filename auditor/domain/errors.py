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
