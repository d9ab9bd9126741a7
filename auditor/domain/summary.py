"""The counts an audit is summed up by: results per item, findings per grade and status.

Shared by the close-audit screen and the workbook's Summary sheet, so both count alike.
Results are counted over the assessable items as shown (the most severe of the recorded
result and the grades of the item's findings, see `Store.effective_results`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .checklist import Checklist
from .vocab import OPEN_STATUSES, FindingStatus, Grade, Result

if TYPE_CHECKING:
    from .store import Store

# Results in the order a report lists them: most severe first, then the unranked ones.
RESULT_ORDER: tuple[Result, ...] = (
    Result.MAJOR,
    Result.MINOR,
    Result.OBSERVATION,
    Result.OFI,
    Result.CONFORM,
    Result.NA,
    Result.NOT_ASSESSED,
)
GRADE_ORDER: tuple[Grade, ...] = tuple(Grade)
STATUS_ORDER: tuple[FindingStatus, ...] = tuple(FindingStatus)


class FindingLike(Protocol):
    grade: str
    status: str


@dataclass(frozen=True)
class AuditCounts:
    """Every count has every key (zero included), so a report's rows never move."""

    results: dict[Result, int]
    by_grade: dict[Grade, int]
    by_status: dict[FindingStatus, int]
    grade_status: dict[tuple[Grade, FindingStatus], int] = field(repr=False)

    @property
    def items(self) -> int:
        return sum(self.results.values())

    @property
    def assessed(self) -> int:
        return self.items - self.results[Result.NOT_ASSESSED]

    @property
    def nonconformities(self) -> int:
        return self.by_grade[Grade.MAJOR] + self.by_grade[Grade.MINOR]

    @property
    def findings(self) -> int:
        """Findings that stand: cancelled ones are not findings of the audit any more."""
        return sum(self.by_grade.values())

    @property
    def open_findings(self) -> int:
        return sum(n for status, n in self.by_status.items() if status in OPEN_STATUSES)


def count_audit(
    checklist: Checklist,
    results: Mapping[str, str],
    findings: Iterable[FindingLike],
) -> AuditCounts:
    """Count results over the checklist's assessable items (an item without a recorded
    result is not assessed) and findings by grade and status.

    `by_grade` leaves cancelled findings out; `by_status` and `grade_status` keep them,
    so the cancellations still show.
    """
    tally: Counter[Result] = Counter()
    for item in checklist.assessable_items():
        tally[Result(results.get(item.ref, Result.NOT_ASSESSED))] += 1

    grades: Counter[Grade] = Counter()
    statuses: Counter[FindingStatus] = Counter()
    pairs: Counter[tuple[Grade, FindingStatus]] = Counter()
    for finding in findings:
        grade, status = Grade(finding.grade), FindingStatus(finding.status)
        statuses[status] += 1
        pairs[(grade, status)] += 1
        if status != FindingStatus.CANCELLED:
            grades[grade] += 1

    return AuditCounts(
        results={r: tally[r] for r in RESULT_ORDER},
        by_grade={g: grades[g] for g in GRADE_ORDER},
        by_status={s: statuses[s] for s in STATUS_ORDER},
        grade_status={(g, s): pairs[(g, s)] for g in GRADE_ORDER for s in STATUS_ORDER},
    )


def audit_counts(store: Store, audit_id: int) -> AuditCounts:
    """The counts of one audit as the store holds it now."""
    return count_audit(
        store.checklist(audit_id),
        store.effective_results(audit_id),
        store.findings(audit_id),
    )
