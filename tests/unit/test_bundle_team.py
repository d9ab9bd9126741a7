"""The two-laptop scenario: a lead hands a planned audit to two team members, each
assesses their clauses offline, both edit one item's notes and one finding's statement;
the bundles come back and the lead merges them (docs/teams.md). The lead's database is
SQLite, and then PostgreSQL (a team server); the members' laptops are SQLite."""

from __future__ import annotations

import pytest
from bundle_support import laptop

pytestmark = pytest.mark.both_engines


@pytest.fixture
def team(tmp_path, mini_checklist, db_url):
    lead = laptop(tmp_path, "lead", db_url)
    anna, ben = (laptop(tmp_path, n) for n in ("anna", "ben"))
    yield lead, anna, ben, mini_checklist
    for t in (lead, anna, ben):
        t.store.close()


def test_two_members_work_offline_and_the_lead_merges(team, tmp_path):
    lead, anna, ben, checklist = team
    audit = lead.do("create_audit", checklist, title="ISMS audit 2026", auditee="Acme Soft",
                    lead_auditor="lead", team="anna, ben")
    lead.do("add_session", audit.id, start="2026-03-03 09:00", minutes=90,
            refs=["4.1", "4.2"], auditor="anna")
    shared = lead.do("raise_finding", audit.id, "4.1", "minor", statement="Context not reviewed")
    policy = tmp_path / "policy.txt"
    policy.write_bytes(b"the policy, rev 3\n")
    lead.do("add_evidence", audit.id, ref="4.1", kind="file", file=policy)

    for member in (anna, ben):
        lead.export(audit.id, tmp_path / f"for-{member.name}.auditor", recipient=member.name)
        outcome = member.take(tmp_path / f"for-{member.name}.auditor")
        assert outcome.created and outcome.applied
        assert member.verify(outcome.audit_id) == []
    a_id, b_id = (m.audit_by_uuid(audit.uuid) for m in (anna, ben))

    # Anna: clause 4; Ben: clause 8. Both touch item 4.1's notes and the shared finding.
    anna.do("record_result", a_id, "4.2", "conform", note="register seen")
    anna.do("set_item_text", a_id, "4.1", notes="anna: SWOT of 2025 only")
    anna.do("update_finding", shared.code, {"statement": "No context review since 2024"})
    raised_a = anna.do("raise_finding", a_id, "4.2", "observation", statement="Register stale")
    anna.do("add_opinion", a_id, topic="4.2 register", auditee="kept in the wiki is enough",
            team="needs an owner and a review date")
    ben.do("record_result", b_id, "8.6", "minor", statement="Release not approved")
    ben.do("record_result", b_id, "8.3.4", "conform")
    ben.do("set_item_text", b_id, "4.1", notes="ben: context reviewed in QM only")
    ben.do("update_finding", shared.code, {"statement": "Context review missing"})
    shot = tmp_path / "release.png"
    shot.write_bytes(b"\x89PNG release screenshot")
    ben.do("add_evidence", b_id, ref="8.6", kind="file", file=shot)
    codes_b = {f.code for f in ben.do("findings", b_id)}
    # Human ids handed out offline never collide: each copy numbers from its own block.
    assert raised_a.code not in codes_b

    anna.export(a_id, tmp_path / "from-anna.auditor")
    ben.export(b_id, tmp_path / "from-ben.auditor")

    first = lead.take(tmp_path / "from-anna.auditor")
    assert first.applied and first.plan is not None and first.plan.conflicts == []
    second = lead.take(tmp_path / "from-ben.auditor")
    assert not second.applied
    conflicts = {(c.entity, c.record, c.field): (c.mine, c.mine_by, c.theirs, c.theirs_by)
                 for c in second.plan.conflicts}
    assert conflicts == {
        ("item", "4.1", "notes"): ("anna: SWOT of 2025 only", "anna",
                                   "ben: context reviewed in QM only", "ben"),
        ("finding", shared.code, "statement"): ("No context review since 2024", "anna",
                                               "Context review missing", "ben"),
    }
    # Nothing was written while conflicts were open.
    assert lead.do("results", audit.id).get("8.6") is None
    resolved = lead.take(tmp_path / "from-ben.auditor", choices={
        ("item", "4.1", "notes"): "theirs", ("finding", shared.code, "statement"): "mine"})
    assert resolved.applied

    results = lead.do("results", audit.id)
    assert results["4.2"].result == "conform" and results["4.2"].notes == "register seen"
    assert results["8.6"].result == "minor" and results["8.3.4"].result == "conform"
    assert results["4.1"].notes == "ben: context reviewed in QM only"
    findings = {f.code: f for f in lead.do("findings", audit.id)}
    assert findings[shared.code].statement == "No context review since 2024"
    assert raised_a.code in findings
    assert set(codes_b) <= set(findings)
    files = {e.original_name for e in lead.do("evidence", audit.id)}
    assert files == {"policy.txt", "release.png"}
    assert [o.topic for o in lead.do("opinions", audit.id)] == ["4.2 register"]
    assert lead.verify(audit.id) == []
    # Entries from the members keep who made them and when.
    actors = {e.actor for e in lead.do("history", audit_id=audit.id)}
    assert {"lead", "anna", "ben"} <= actors

    # Back the other way: the merged audit goes to both members; all verify.
    lead.export(audit.id, tmp_path / "merged.auditor")
    for member, mid in ((anna, a_id), (ben, b_id)):
        outcome = member.take(tmp_path / "merged.auditor")
        assert outcome.applied, outcome.plan.conflicts
        assert member.verify(mid) == []
        assert member.do("results", mid)["4.1"].notes == "ben: context reviewed in QM only"
        assert {f.code for f in member.do("findings", mid)} == set(findings)
    assert lead.verify(audit.id) == []


def test_a_seal_handed_out_by_the_lead_checks_on_every_copy(team, tmp_path):
    lead, anna, _ben, checklist = team
    audit = lead.do("create_audit", checklist, title="Audit", auditee="Acme")
    anna.take(lead.export(audit.id, tmp_path / "out.auditor"))
    a_id = anna.audit_by_uuid(audit.uuid)
    anna.do("record_result", a_id, "4.2", "conform")
    assert lead.take(anna.export(a_id, tmp_path / "back.auditor")).applied
    seal = lead.do("close_audit", audit.id, conclusion="effective").seal
    outcome = anna.take(lead.export(audit.id, tmp_path / "closed.auditor"))
    assert outcome.applied
    assert anna.do("audit", a_id).status == "closed"
    for laptop_, number in ((lead, audit.id), (anna, a_id)):
        with laptop_.keyed():
            checked = laptop_.store.verify_audit(number, seal=seal)
        assert checked["problems"] == [] and checked["seal"]["latest"]


def test_a_member_given_some_clauses_gets_those_and_merges_back(team, tmp_path):
    lead, anna, _ben, checklist = team
    audit = lead.do("create_audit", checklist, title="Audit", auditee="Acme")
    lead.do("record_result", audit.id, "8.6", "minor", statement="Release not approved")
    lead.do("raise_finding", audit.id, "4.1", "observation", statement="Context thin")
    lead.do("add_session", audit.id, start="2026-03-03 09:00", minutes=60, refs=["4.1"])
    anna.take(lead.export(audit.id, tmp_path / "anna.auditor", refs=["4.1", "4.2"]))
    a_id = anna.audit_by_uuid(audit.uuid)
    assert set(anna.do("results", a_id)) <= {"4.1", "4.2"}
    assert [f.ref for f in anna.do("findings", a_id)] == ["4.1"]
    assert len(anna.do("sessions", a_id)) == 1
    assert anna.verify(a_id) == []
    anna.do("record_result", a_id, "4.2", "conform", note="register seen")
    outcome = lead.take(anna.export(a_id, tmp_path / "back.auditor"))
    assert outcome.applied and outcome.plan.conflicts == []
    results = lead.do("results", audit.id)
    assert results["4.2"].notes == "register seen" and results["8.6"].result == "minor"
    assert lead.verify(audit.id) == []
