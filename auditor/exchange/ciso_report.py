"""What a conversion kept, moved and dropped, counted, with the reason for each, so that
nothing a library held goes missing without a word."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from auditor.domain.text import escape_controls

# Node fields a checklist has no place for, and why; any other unknown field is counted
# under its own name.
FIELD_REASONS = {
    "reference_controls": "links to CISO Assistant reference controls",
    "threats": "links to CISO Assistant threats",
    "weight": "CISO Assistant scoring weights",
    "importance": "CISO Assistant importance levels",
}
# Fields the converter reads, or that only CISO Assistant's own display uses.
USED_FIELDS = {"urn", "parent_urn", "ref_id", "name", "description", "annotation",
               "typical_evidence", "assessable", "depth", "implementation_groups",
               "questions", "question", "translations", "locale", "order_id",
               "display_mode"}


@dataclass
class Report:
    refs_made: int = 0              # nodes without ref_id, given a ref by their place
    prompts_from_text: int = 0      # assessable nodes without questions: their text asked
    prompts_made: int = 0           # assessable nodes with no text: one sentence of ours
    questions: int = 0
    questions_with_choices: int = 0
    moved_to_guidance: int = 0      # non-assessable nodes whose text is in their parent's
    left_out: int = 0               # nodes of branches with nothing assessable, text lost
    without_text: int = 0           # assessable nodes with no text in a language we write
    untranslated: int = 0           # nodes without a translation in the language asked
    choice_scores: int = 0          # answer choices' scores (add_score)
    unused: Counter = field(default_factory=Counter)   # node field -> nodes holding it

    def count_unused(self, node: dict) -> None:
        for key, value in node.items():
            if key not in USED_FIELDS and value not in (None, "", [], {}):
                # The name is the library's: a control character in it is written as
                # its escape here, so no output (lines, --json) carries it raw.
                self.unused[escape_controls(key)[:80]] += 1

    def kept(self) -> list[str]:
        parts = []
        if self.refs_made:
            parts.append(f"{self.refs_made} refs made where the library gives none (the "
                         "clause the children share, else the parent's ref and the place)")
        if self.prompts_from_text:
            parts.append(f"{self.prompts_from_text} requirements without questions asked "
                         "in their own words")
        if self.prompts_made:
            parts.append(f"{self.prompts_made} requirements with nothing but a ref given "
                         "one prompt naming the ref")
        if self.questions_with_choices:
            parts.append(f"{self.questions_with_choices} of {self.questions} questions "
                         "with their answer choices")
        if self.moved_to_guidance:
            parts.append(f"{self.moved_to_guidance} non-assessable nodes in their parent's "
                         "guidance")
        return parts

    def dropped(self) -> list[str]:
        parts = []
        if self.left_out:
            parts.append(f"{self.left_out} nodes in branches with nothing assessable "
                         "(text not kept)")
        if self.without_text:
            parts.append(f"{self.without_text} assessable nodes with no text at all "
                         "(no prompt to ask)")
        if self.untranslated:
            parts.append(f"{self.untranslated} nodes without that translation "
                         "(kept in the library's language)")
        if self.choice_scores:
            parts.append(f"{self.choice_scores} scores of answer choices (an audit records "
                         "a result, not a score)")
        for name, count in sorted(self.unused.items()):
            reason = FIELD_REASONS.get(name, "not part of a checklist")
            parts.append(f"{name} of {count} nodes ({reason})")
        return parts

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in (
            "refs_made", "prompts_from_text", "prompts_made", "questions",
            "questions_with_choices", "moved_to_guidance", "left_out", "without_text",
            "untranslated", "choice_scores")}
        data["unused_fields"] = dict(sorted(self.unused.items()))
        return data
