"""Finding words in what was recorded: notes, interviewees, documents seen, findings
(the auditor's and the auditee's texts) and evidence, in one audit or in all of them.

Every word typed must appear (case ignored) in the one text a hit is for, so that
"backup restore" finds the note that says both, not two notes that say one each. Hits
come newest audit first, then in checklist order, then by where the words were found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import col, select

from .models import Evidence, Finding, ItemResult
from .vocab import field_label

if TYPE_CHECKING:
    from .store import Store

ITEM_TEXTS = ("notes", "interviewees", "documents")
FINDING_TEXTS = ("statement", "requirement", "objective_evidence", "process_area",
                 "root_cause", "correction", "corrective_action", "auditee_comment",
                 "verification_note")
EVIDENCE_TEXTS = ("original_name", "description", "reference")
MAX_HITS = 200
SNIPPET = 60


@dataclass(frozen=True)
class Hit:
    audit_id: int
    ref: str
    where: str      # "notes", "NC-2026-001 root cause", "evidence release.pdf"
    snippet: str    # the matching text on one line, around the first word


def _snippet(text: str, first: str) -> str:
    flat = " ".join(text.split())
    at = flat.casefold().find(first)
    start = max(0, at - SNIPPET // 3)
    piece = flat[start:start + SNIPPET]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET < len(flat) else "")


def _matching(words: list[str], texts: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    for where, text in texts:
        folded = text.casefold()
        if text and all(w in folded for w in words):
            yield where, _snippet(text, words[0])


def search(store: Store, query: str, audit_id: int | None = None) -> list[Hit]:
    """Hits for every word of `query` in one audit (`audit_id`) or in every audit."""
    words = query.casefold().split()
    if not words:
        return []
    hits: list[Hit] = []
    items, findings, evidence = select(ItemResult), select(Finding), select(Evidence)
    if audit_id is not None:
        items = items.where(col(ItemResult.audit_id) == audit_id)
        findings = findings.where(col(Finding.audit_id) == audit_id)
        evidence = evidence.where(col(Evidence.audit_id) == audit_id)
    with store.reading() as uow:
        session = uow.session
        if audit_id is not None:
            uow.audit(audit_id)
        for row in session.execute(items).scalars():
            texts = ((field_label(n), getattr(row, n)) for n in ITEM_TEXTS)
            hits += [Hit(row.audit_id, row.ref, w, s) for w, s in _matching(words, texts)]
        for f in session.execute(findings).scalars():
            texts = ((f"{f.code} {field_label(n)}", getattr(f, n)) for n in FINDING_TEXTS)
            hits += [Hit(f.audit_id, f.ref, w, s) for w, s in _matching(words, texts)]
        for e in session.execute(evidence).scalars():
            texts = ((f"evidence {field_label(n)}", getattr(e, n)) for n in EVIDENCE_TEXTS)
            hits += [Hit(e.audit_id, e.ref or "", w, s) for w, s in _matching(words, texts)]
    order = {a: _ref_order(store, a) for a in {h.audit_id for h in hits}}
    hits.sort(key=lambda h: (-h.audit_id, order[h.audit_id].get(h.ref, len(order[h.audit_id])),
                             h.where))
    return hits[:MAX_HITS]


def _ref_order(store: Store, audit_id: int) -> dict[str, int]:
    """Each ref's place in the audit's checklist, so hits read in checklist order."""
    return {item.ref: n for n, item in enumerate(store.checklist(audit_id).all_items())}
