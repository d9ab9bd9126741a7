"""Two lines of the report a lead auditor read wrongly: with no diverging opinion at all
it said the parties "reached agreement on every point they differed on" (a disagreement
that never was), and an open audit was "Held: 2026-12-06", a one-day audit. The same
wording in every format and in the plan."""

from __future__ import annotations

from datetime import date

import pytest
from test_report import docx_text, pdf_text, squeeze

from auditor.domain.plan_document import build_plan
from auditor.domain.report import build_report
from auditor.domain.report_model import OPINIONS_ALL_RESOLVED, OPINIONS_NONE
from auditor.exchange.plan_docx import render_plan_docx
from auditor.exchange.plan_md import render_plan_markdown
from auditor.exchange.plan_pdf import render_plan_pdf
from auditor.exchange.report_docx import render_docx
from auditor.exchange.report_md import render_markdown
from auditor.exchange.report_pdf import render_pdf


def every_format(report) -> list[str]:
    return [render_markdown(report), docx_text(render_docx(report))[0],
            squeeze("".join(pdf_text(render_pdf(report, font=None))))]


def said_everywhere(texts: list[str], line: str) -> bool:
    return line in texts[0] and line in texts[1] and squeeze(line) in texts[2]


def test_no_opinion_recorded_is_said_so_and_all_resolved_otherwise(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    texts = every_format(build_report(store, audit.id))
    assert said_everywhere(texts, OPINIONS_NONE)
    assert not any(squeeze(OPINIONS_ALL_RESOLVED) in squeeze(t) for t in texts)
    store.add_opinion(audit.id, topic="8.6 <b>x</b>", auditee="*fine*", team="=1+1")
    store.resolve_opinion(audit.id, 1, resolution="Agreed [link](javascript:x)")
    texts = every_format(build_report(store, audit.id))
    assert said_everywhere(texts, OPINIONS_ALL_RESOLVED)
    assert not any(squeeze(OPINIONS_NONE) in squeeze(t) for t in texts)


@pytest.mark.parametrize(("end", "held"), [
    (None, "2026-12-06 to (in progress, planned to end 2026-12-08)"),
    (date(2026, 12, 7), "2026-12-06 to 2026-12-07"),
])
def test_an_open_audit_is_held_from_its_start_in_progress(store, mini_checklist, end, held):
    audit = store.create_audit(mini_checklist, title="T", auditee="A",
                               planned_start=date(2026, 12, 6),
                               planned_end=date(2026, 12, 8))
    store.update_audit(audit.id, {"actual_start": date(2026, 12, 6), "actual_end": end})
    report = build_report(store, audit.id)
    assert {f.label: f.value for f in report.facts}["Held"] == held
    assert said_everywhere(every_format(report), held)


def test_a_plan_without_an_end_says_so_in_every_format(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A",
                               planned_start=date(2026, 12, 6))
    plan = build_plan(store, audit.id)
    dates = "2026-12-06 to (end not planned)"
    assert {f.label: f.value for f in plan.facts}["Dates"] == dates
    assert dates in render_plan_markdown(plan)
    assert dates in docx_text(render_plan_docx(plan))[0]
    assert squeeze(dates) in squeeze("".join(pdf_text(render_plan_pdf(plan, font=None))))
    report = build_report(store, audit.id)
    assert {f.label: f.value for f in report.facts}["Planned"] == dates
