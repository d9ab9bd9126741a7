"""What the audit report says (DESIGN section 9, ISO 19011 6.5.1 in substance): the
plain, frozen values of `AuditReport`, built by `report.build_report` and laid out by the
three renderers. Nothing here reads the store or knows a file format."""

from __future__ import annotations

from dataclasses import dataclass

from .document_text import Fact
from .vocab import Grade

SHA_PREFIX = 12  # hex digits of an evidence file's SHA-256 named in the report

# The statement that every audit's conclusions rest on samples (ISO 19011 6.5.1).
SAMPLING_STATEMENT = (
    "The audit was based on samples of the information available; its findings and "
    "conclusions rest on those samples, and conformity of what was not sampled is not "
    "implied.")
OPINIONS_NONE = "No diverging opinions were recorded."
OPINIONS_ALL_RESOLVED = ("None: the auditee and the audit team reached agreement on every "
                         "point they differed on.")
DRAFT_MARK = "DRAFT: the audit is not closed; this report may still change"
GRADES_APART = (Grade.GOOD_PRACTICE, Grade.OFI)


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class ClauseResults:
    """The results of the assessable items under one top-level clause, in RESULT_ORDER."""

    ref: str
    title: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Summary:
    result_labels: tuple[str, ...]          # the columns of `by_clause`
    by_clause: tuple[ClauseResults, ...]
    assessed: int
    assessable: int
    findings_by_grade: tuple[Count, ...]    # cancelled findings left out
    findings_by_status: tuple[Count, ...]   # every finding, cancelled ones too
    nonconformities: int
    conclusion: str


@dataclass(frozen=True)
class EvidenceFile:
    label: str
    kind: str
    sha256_prefix: str   # "" for evidence that is no file (an interview, a reference)


@dataclass(frozen=True)
class ReportFinding:
    code: str
    ref: str
    item_title: str
    grade: str
    grade_label: str
    requirement: str
    statement: str
    objective_evidence: str
    process_area: str
    evidence: tuple[EvidenceFile, ...]
    status: str
    status_label: str
    repeat_of: str


@dataclass(frozen=True)
class NotCovered:
    """Assessable items not assessed, under one top-level clause."""

    ref: str
    title: str
    items: tuple[tuple[str, str], ...]   # (ref, title)


@dataclass(frozen=True)
class PreviousFinding:
    """A finding of the previous audit and what became of it."""

    code: str
    ref: str
    grade_label: str
    statement: str
    status_label: str
    verified_by: str
    verified_on: str
    verification_note: str
    repeated_by: tuple[str, ...]


@dataclass(frozen=True)
class FollowUp:
    """An open finding and the action agreed on it."""

    code: str
    ref: str
    grade_label: str
    status_label: str
    owner: str
    due_date: str
    corrective_action: str


@dataclass(frozen=True)
class SamplingRecord:
    """A sample taken on an item: the population, its size when known, how many and
    which were looked at."""

    ref: str
    item_title: str
    population: str
    population_size: str     # "" when not known
    sample_size: int
    ids: str


@dataclass(frozen=True)
class ReportOpinion:
    """A diverging opinion between the auditee and the audit team (ISO 19011 6.4.10)."""

    number: int
    topic: str              # as recorded, with the finding's grade and clause or the
                            # clause's title when it names one of the audit's
    auditee_position: str
    team_position: str
    resolved: bool
    resolution: str


@dataclass(frozen=True)
class AuditReport:
    audit_id: int
    title: str
    auditee: str
    draft: bool
    seal: str | None
    generated_at: str
    facts: tuple[Fact, ...]
    objectives: str
    criteria: str
    summary: Summary
    findings: tuple[ReportFinding, ...]        # nonconformities and observations
    good_practices: tuple[ReportFinding, ...]
    ofis: tuple[ReportFinding, ...]
    not_covered: tuple[NotCovered, ...]
    previous_audit: str                         # "" when the audit follows none
    previous_findings: tuple[PreviousFinding, ...]
    follow_up: tuple[FollowUp, ...]
    sampling: tuple[SamplingRecord, ...]
    sampling_statement: str
    opinions: tuple[ReportOpinion, ...]        # in the order recorded
    confidentiality: str
    distribution: tuple[str, ...]

    @property
    def draft_mark(self) -> str:
        return DRAFT_MARK if self.draft else ""

    @property
    def seal_line(self) -> str:
        if self.seal is None:
            return ""
        return (f"Seal: {self.seal} (check it with `auditor audits verify "
                f"{self.audit_id} --seal {self.seal}`)")

    @property
    def unresolved_opinions(self) -> tuple[ReportOpinion, ...]:
        return tuple(o for o in self.opinions if not o.resolved)

    @property
    def resolved_opinions(self) -> tuple[ReportOpinion, ...]:
        return tuple(o for o in self.opinions if o.resolved)

    @property
    def no_unresolved_opinions(self) -> str:
        """The line under "Unresolved diverging opinions" when there are none: that none
        was recorded, or that every one recorded was resolved (which the other said of a
        report with none, implying a disagreement)."""
        return OPINIONS_ALL_RESOLVED if self.opinions else OPINIONS_NONE
