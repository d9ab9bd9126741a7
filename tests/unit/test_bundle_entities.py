"""Every record the change log replays travels in a bundle: diverging opinions, plan
sessions, samples and SoA entries on the first import and on a merge (docs/teams.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bundle_support import laptop

from auditor.domain.sampling import Sample
from auditor.exchange.checklist_yaml import load_checklist

ISMS = Path(__file__).parent.parent / "fixtures" / "mini27001.yaml"


def kept(t, audit_id):
    """What a person sees of each kind of record, with no local ids or numbers."""
    return (
        sorted((o.topic, o.auditee_position, o.team_position, o.resolved, o.resolution)
               for o in t.do("opinions", audit_id)),
        sorted((s.place, s.refs) for s in t.do("sessions", audit_id)),
        sorted((ref, s.population, s.sample_size, s.ids)
               for ref, rows in t.do("samples", audit_id).items() for s in rows),
        sorted((r, e.applicable, e.justification, e.status)
               for r, e in t.do("soa_entries", audit_id).items()),
    )


pytestmark = pytest.mark.both_engines


@pytest.fixture
def lead_and_anna(tmp_path, db_url):
    lead, anna = laptop(tmp_path, "lead", db_url), laptop(tmp_path, "anna")
    audit = lead.do("create_audit", load_checklist(ISMS), title="ISMS", auditee="Acme")
    lead.do("add_opinion", audit.id, topic="A.5.1 scope \x1b[2J", auditee="fine",
            team="[b]not fine[/b]")
    lead.do("add_session", audit.id, start="2026-03-03 09:00", minutes=60, refs=["A.5.1"],
            place="Room 1")
    lead.do("record_result", audit.id, "A.5.2", None,
            samples=[Sample("access reviews", 40, 5, "R1,R2,R3,R4,R5")])
    lead.do("set_soa_entry", audit.id, "A.5.1", applicable="yes", status="implemented")
    lead.do("set_soa_entry", audit.id, "A.5.3", applicable=False,
            justification="=cmd|' /C calc'!A0")
    yield lead, anna, audit
    lead.store.close()
    anna.store.close()


def test_the_first_import_has_every_record(lead_and_anna, tmp_path):
    lead, anna, audit = lead_and_anna
    outcome = anna.take(lead.export(audit.id, tmp_path / "a.auditor", recipient="anna"))
    assert outcome.applied and anna.verify(outcome.audit_id) == []
    assert kept(anna, outcome.audit_id) == kept(lead, audit.id)
    assert all(kept(anna, outcome.audit_id))


def test_a_merge_brings_new_and_changed_records_both_ways(lead_and_anna, tmp_path):
    lead, anna, audit = lead_and_anna
    anna.take(lead.export(audit.id, tmp_path / "a.auditor", recipient="anna"))
    a_id = anna.audit_by_uuid(audit.uuid)
    anna.do("resolve_opinion", a_id, 1, resolution="agreed on site")
    anna.do("add_opinion", a_id, topic="A.8.1", auditee="yes", team="no")
    anna.do("add_session", a_id, start="2026-03-04 10:00", minutes=30, refs=["A.8.1"],
            place="Room 2")
    anna.do("record_result", a_id, "A.8.1", None,
            samples=[Sample("laptops", 12, 3, "L1,L2,L3")])
    anna.do("set_soa_entry", a_id, "A.5.2", applicable="yes", status="planned")
    lead.do("add_opinion", audit.id, topic="6.1.3", auditee="a", team="b")
    assert lead.take(anna.export(a_id, tmp_path / "back.auditor")).applied
    assert lead.verify(audit.id) == []
    assert anna.take(lead.export(audit.id, tmp_path / "again.auditor",
                                 recipient="anna")).applied
    assert anna.verify(a_id) == []
    assert kept(anna, a_id) == kept(lead, audit.id)
    opinions, sessions, samples, soa = kept(lead, audit.id)
    assert len(opinions) == 3 and len(sessions) == 2 and len(samples) == 2
    assert ("A.5.2", True, "", "planned") in soa


def test_an_audit_with_records_no_bundle_carries_is_refused_at_export(
        lead_and_anna, tmp_path, monkeypatch):
    from auditor.domain import bundle_rows
    from auditor.domain.errors import AuditorError

    lead, _anna, audit = lead_and_anna
    monkeypatch.setattr(bundle_rows, "TRAVELLING", bundle_rows.TRAVELLING - {"opinion"})
    with pytest.raises(AuditorError, match="holds opinion records") as caught:
        lead.export(audit.id, tmp_path / "x.auditor", recipient="anna")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "x.auditor").exists()
    with lead.keyed():
        from auditor.domain.bundles import finding_ids
        assert finding_ids(lead.store, audit.id) == []  # nothing reserved either


def test_every_entity_the_log_replays_travels():
    from auditor.domain.bundle_rows import TRAVELLING
    from auditor.domain.vocab import Entity

    assert {e.value for e in Entity} <= TRAVELLING
