"""`write_plan(store, audit_id, path)`: the audit plan in the format its name asks for
(`.md`, `.docx` or `.pdf`), from one content model (`auditor.domain.plan_document`);
checked, written and never overwritten as every document is (`document_file`). The
renderers are imported only for the format asked for."""

from __future__ import annotations

from pathlib import Path

from auditor.domain.plan_document import PlanDocument, build_plan

from .document_file import check_document_target, write_document

FORMATS = {".md": "Markdown", ".docx": "Word", ".pdf": "PDF"}


def check_plan_target(target: Path) -> None:
    check_document_target(target, "plan", FORMATS)


def render_plan(plan: PlanDocument, suffix: str) -> bytes:
    kind = suffix.lower()
    if kind == ".docx":
        from .plan_docx import render_plan_docx

        return render_plan_docx(plan)
    if kind == ".pdf":
        from .plan_pdf import render_plan_pdf

        return render_plan_pdf(plan)
    from .plan_md import render_plan_markdown

    return render_plan_markdown(plan).encode("utf-8")


def write_plan(store, audit_id: int, target: Path) -> PlanDocument:
    """Write the audit's plan to `target`; returns the content written."""
    target = Path(target)
    check_plan_target(target)
    plan = build_plan(store, audit_id)
    write_document(target, render_plan(plan, target.suffix), "plan")
    return plan
