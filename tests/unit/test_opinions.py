"""Diverging opinions (ISO 19011 6.4.10): recorded and resolved through the unit of work
and the change log, held against the records by `audits verify`, removed with their audit;
bad input refused with one line; the command line; `audits show --json`; and the report's
"Unresolved diverging opinions" section in every format, hostile text literal."""

from __future__ import annotations

import html
import re
import sqlite3

import pytest
from test_report import HOSTILE, _html, docx_text, pdf_text, squeeze

from auditor.domain.errors import NotFound, RuleViolation
from auditor.domain.report import build_report
from auditor.domain.report_model import OPINIONS_NONE
from auditor.domain.views import audit_document
from auditor.exchange.report_docx import render_docx
from auditor.exchange.report_md import render_markdown
from auditor.exchange.report_pdf import render_pdf

SECTION = "Unresolved diverging opinions"


@pytest.fixture
def disputed(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="Internal audit 2026", auditee="Acme")
    _, nc = store.record_result(audit.id, "8.3.4", "minor", statement="No design review")
    first = store.add_opinion(audit.id, topic=nc.code, auditee="Reviews are done by voice",
                              team="A review must leave a record")
    second = store.add_opinion(audit.id, topic="8.6", auditee="Release is approved by CI",
                               team="No person approved release 4.2")
    third = store.add_opinion(audit.id, topic="Scope of the audit",
                              auditee="Support was out of scope", team="It was in the plan")
    return audit.id, nc.code, (first, second, third)


def test_opinions_are_numbered_logged_resolved_and_verify(store, disputed):
    audit, _, (first, second, third) = disputed
    assert [o.number for o in (first, second, third)] == [1, 2, 3]
    resolved = store.resolve_opinion(audit, 3, resolution="Support is out of scope")
    assert resolved.resolved and resolved.resolution == "Support is out of scope"
    rows = store.opinions(audit)
    assert [(o.number, o.resolved) for o in rows] == [(1, False), (2, False), (3, True)]
    history = [(e.entity, e.entity_id, e.field) for e in store.history(audit_id=audit)]
    assert ("opinion", "1", "added") in history and ("opinion", "3", "resolution") in history
    assert store.verify_audit(audit)["problems"] == []
    doc = audit_document(store, audit)
    assert doc["opinions"][2] == {"number": 3, "topic": "Scope of the audit",
                                  "auditee": "Support was out of scope",
                                  "team": "It was in the plan", "resolved": True,
                                  "resolution": "Support is out of scope"}
    assert doc["opinions"][0]["resolution"] is None


def test_an_opinion_changed_behind_the_stores_back_is_found(store, disputed, tmp_path):
    audit = disputed[0]
    conn = sqlite3.connect(tmp_path / "audit.db")
    conn.execute("UPDATE diverging_opinion SET team_position = 'forged' WHERE number = 2")
    conn.execute("DELETE FROM diverging_opinion WHERE number = 3")
    conn.commit()
    conn.close()
    problems = store.verify_audit(audit)["problems"]
    assert any("diverging opinion 2: team_position" in p for p in problems), problems
    assert any("diverging opinion 3: in the change log but missing" in p for p in problems)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"topic": " ", "auditee": "a", "team": "b"}, "topic"),
    ({"topic": "x", "auditee": "", "team": "b"}, "auditee"),
    ({"topic": "x", "auditee": "a", "team": "\n"}, "team"),
])
def test_empty_positions_are_refused_and_change_nothing(store, disputed, kwargs, message):
    audit = disputed[0]
    with pytest.raises(RuleViolation) as refused:
        store.add_opinion(audit, **kwargs)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert len(store.opinions(audit)) == 3
    with pytest.raises(NotFound):
        store.resolve_opinion(audit, 9, resolution="x")
    with pytest.raises(RuleViolation):
        store.resolve_opinion(audit, 1, resolution="  ")
    assert not store.opinions(audit)[0].resolved


def test_a_deleted_audit_takes_its_opinions_along(store, disputed, tmp_path):
    store.delete_audit(disputed[0])
    conn = sqlite3.connect(tmp_path / "audit.db")
    assert conn.execute("SELECT count(*) FROM diverging_opinion").fetchone() == (0,)
    conn.close()


def test_the_report_lists_the_unresolved_and_the_resolved(store, disputed):
    audit, code, _ = disputed
    store.resolve_opinion(audit, 3, resolution="Support is out of scope")
    report = build_report(store, audit)
    assert [o.number for o in report.unresolved_opinions] == [1, 2]
    assert report.unresolved_opinions[0].topic == f"{code} (Minor nonconformity, 8.3.4)"
    assert report.unresolved_opinions[1].topic == "8.6 Release of products and services"
    assert [o.topic for o in report.resolved_opinions] == ["Scope of the audit"]

    md = render_markdown(report)
    assert f"\n## {SECTION}\n" in md and "\n### Resolved during the audit\n" in md
    body, _, _ = docx_text(render_docx(report))
    every = squeeze("".join(pdf_text(render_pdf(report))))
    for text in (SECTION, "Reviews are done by voice", "A review must leave a record",
                 "No person approved release 4.2", "Support is out of scope",
                 f"{code} (Minor nonconformity, 8.3.4)"):
        assert text in html.unescape(_html(md)), text
        assert text in body, text
        assert squeeze(text) in every, text


def test_no_opinion_says_so_in_every_format(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    report = build_report(store, audit.id)
    assert report.opinions == ()
    assert OPINIONS_NONE in render_markdown(report)
    assert OPINIONS_NONE in docx_text(render_docx(report))[0]
    assert squeeze(OPINIONS_NONE) in squeeze("".join(pdf_text(render_pdf(report))))


def test_hostile_opinions_stay_text_in_every_format(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    store.add_opinion(audit.id, topic=HOSTILE["markdown"], auditee=HOSTILE["html"],
                      team=HOSTILE["controls"])
    report = build_report(store, audit.id)
    rendered = _html(render_markdown(report))
    assert "<script" not in rendered and "href" not in rendered and "<code>" not in rendered
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    body, _, _ = docx_text(render_docx(report))
    every = squeeze("".join(pdf_text(render_pdf(report))))
    for text in ("# Not a heading * not a list [click](javascript:alert(1))",
                 "<script>alert('x')</script> <img src=x onerror=alert(1)>",
                 "bell nul escape[31m vt ff c1 del end"):
        assert text in plain, text
        assert text in body or text.replace(" * ", "\n\n* ") in body, text
        assert squeeze(text) in every, text


def test_the_command_line(cli):
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A").code == 0
    r = cli("opinions", "add", "1", "--topic", "8.3", "--auditee", "fine", "--team", "no",
            "--json")
    assert r.code == 0 and r.json()["number"] == 1, r.err
    assert cli("opinions", "1").out.count("unresolved") == 2
    assert cli("opinions", "resolve", "1", "1", "--resolution", "agreed").code == 0
    shown = cli("opinions", "1", "--json").json()
    assert shown["opinions"][0]["resolved"] is True
    assert cli("opinions", "show", "1").code == 0
    for args, message in ((("resolve", "1", "x", "--resolution", "y"), "number"),
                          (("resolve", "1", "7", "--resolution", "y"), "no diverging "
                           "opinion 7"),
                          (("add", "1", "--topic", "", "--auditee", "a", "--team", "b"),
                           "topic"),
                          (("add", "9", "--topic", "t", "--auditee", "a", "--team", "b"),
                           "9")):
        r = cli("opinions", *args)
        assert r.code == 1 and message in r.err and r.err.count("\n") == 1, (args, r.err)
    assert cli("opinions", "add", "1", "--topic", "t").code == 2
    assert cli("audits", "close", "1", "--conclusion", "done").code == 0
    r = cli("opinions", "add", "1", "--topic", "t", "--auditee", "a", "--team", "b")
    assert r.code == 1 and "closed" in r.err
    assert cli("audits", "verify", "1").code == 0
