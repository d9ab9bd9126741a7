"""What is still incomplete when an audit is about to be closed.

None of it forbids closing (an auditor may close with items left out of scope), but each
is something a lead auditor would want to have seen before the audit is locked: items not
assessed, findings whose statement was never written (a blank observation raised by one
key), and no conclusion. The TUI asks for a confirmation after listing them; the command
line prints them beside its confirmation that the audit was closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import Finding
from .summary import AuditCounts, audit_counts
from .vocab import FindingStatus

if TYPE_CHECKING:
    from .store import Store


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def incomplete(counts: AuditCounts, findings: Iterable[Finding], conclusion: str) -> list[str]:
    """One line for each kind of gap, most serious first; empty when nothing is missing."""
    gaps = []
    blank = [f.code for f in findings
             if f.status != FindingStatus.CANCELLED and not f.statement.strip()]
    if blank:
        gaps.append(f"{plural(len(blank), 'finding', 'findings')} without a statement "
                    f"({', '.join(blank)})")
    missing = counts.items - counts.assessed
    if missing:
        gaps.append(f"{plural(missing, 'item', 'items')} not assessed")
    if not conclusion.strip():
        gaps.append("no conclusion written")
    return gaps


def audit_gaps(store: Store, audit_id: int, conclusion: str | None = None) -> list[str]:
    """`incomplete` for an audit in the store; `conclusion` is the one about to be given
    (None: the audit's own)."""
    audit = store.audit(audit_id)
    text = audit.conclusion if conclusion is None else conclusion
    return incomplete(audit_counts(store, audit_id), store.findings(audit_id), text)
