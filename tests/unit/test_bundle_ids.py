"""Finding ids are handed only to a named copy of an open audit, the same block again on
a re-export for it, and every gap in the numbering names the copy that holds it
(docs/teams.md, "Human finding ids never collide")."""

from __future__ import annotations

import pytest
from bundle_support import laptop

from auditor.domain.bundles import finding_ids
from auditor.domain.errors import RuleViolation


@pytest.fixture
def pair(tmp_path, mini_checklist):
    lead, anna = laptop(tmp_path, "lead"), laptop(tmp_path, "anna")
    audit = lead.do("create_audit", mini_checklist, title="Audit", auditee="Acme")
    yield lead, anna, audit
    lead.store.close()
    anna.store.close()


def next_nc(t, audit_id):
    return t.do("raise_finding", audit_id, "4.1", "minor", statement="s").code


def test_exports_not_for_a_team_member_reserve_nothing(pair, tmp_path, mini_checklist):
    lead, _anna, audit = pair
    assert next_nc(lead, audit.id) == "NC-2026-001"
    for n in range(3):
        lead.export(audit.id, tmp_path / f"copy{n}.auditor")
    closed = lead.do("create_audit", mini_checklist, title="Old", auditee="Acme")
    lead.do("close_audit", closed.id, conclusion="done")
    lead.export(closed.id, tmp_path / "closed.auditor", recipient="anna")
    assert next_nc(lead, audit.id) == "NC-2026-002"
    with lead.keyed():
        assert finding_ids(lead.store, closed.id) == []


def test_a_re_export_for_the_same_copy_sends_the_same_block(pair, tmp_path):
    lead, anna, audit = pair
    lead.export(audit.id, tmp_path / "a1.auditor", recipient="anna")
    anna.take(tmp_path / "a1.auditor")
    a_id = anna.audit_by_uuid(audit.uuid)
    assert next_nc(anna, a_id) == "NC-2026-001"
    lead.export(audit.id, tmp_path / "a2.auditor", recipient="anna")
    lead.export(audit.id, tmp_path / "a3.auditor", recipient="anna")
    assert anna.take(tmp_path / "a2.auditor").applied
    assert next_nc(anna, a_id) == "NC-2026-002"  # the block goes on, not restarted
    assert next_nc(lead, audit.id) == "NC-2026-021"  # one block of 20 only
    with lead.keyed():
        grants = [r for r in finding_ids(lead.store, audit.id) if r.prefix == "NC"]
    assert [(r.holder, r.first, r.last) for r in grants] == [("anna", 1, 20)]
    assert "handed to the copy for anna" in grants[0].note


def test_more_hands_a_fresh_block_that_the_copy_takes(pair, tmp_path):
    lead, anna, audit = pair
    anna.take(lead.export(audit.id, tmp_path / "a1.auditor", recipient="anna"))
    a_id = anna.audit_by_uuid(audit.uuid)
    lead.export(audit.id, tmp_path / "a2.auditor", recipient="anna", more=True)
    anna.take(tmp_path / "a2.auditor")
    assert next_nc(anna, a_id) == "NC-2026-021"
    with anna.keyed():
        mine = [r for r in finding_ids(anna.store, a_id) if r.prefix == "NC"]
    assert [(r.holder, r.first, r.last, r.used) for r in mine] == [("this copy", 21, 40, 1)]


def test_a_copy_given_no_ids_raises_no_finding_until_it_gets_some(pair, tmp_path):
    lead, anna, audit = pair
    anna.take(lead.export(audit.id, tmp_path / "plain.auditor"))
    a_id = anna.audit_by_uuid(audit.uuid)
    with pytest.raises(RuleViolation, match="no NC finding ids were handed to this copy"):
        next_nc(anna, a_id)
    anna.take(lead.export(audit.id, tmp_path / "for.auditor", recipient="anna"))
    assert next_nc(anna, a_id) == "NC-2026-001"
    assert lead.take(anna.export(a_id, tmp_path / "back.auditor")).applied
    assert lead.verify(audit.id) == []


def test_a_copy_hands_out_no_ids_and_a_name_is_kept_plain(pair, tmp_path):
    lead, anna, audit = pair
    anna.take(lead.export(audit.id, tmp_path / "a.auditor", recipient="anna\x1b[2J\x07 "))
    a_id = anna.audit_by_uuid(audit.uuid)
    with pytest.raises(RuleViolation, match="copy received from its lead"):
        anna.export(a_id, tmp_path / "b.auditor", recipient="ben")
    assert not (tmp_path / "b.auditor").exists()
    with lead.keyed():
        assert {r.holder for r in finding_ids(lead.store, audit.id)} == {"anna[2J"}
    with pytest.raises(RuleViolation, match="--for: give the name"):
        lead.export(audit.id, tmp_path / "c.auditor", recipient=" \x1b ")


def test_the_command_line_says_which_ids_went_to_which_copy(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'lead.db'}"
    assert cli("--db", db, "checklists", "list").code == 0
    made = cli("--db", db, "audits", "new", "--checklist", "iso9001-2015", "--title", "A",
               "--auditee", "Acme", "--json")
    number = made.json()["id"]
    plain = cli("--db", db, "bundle", "export", number, "-o", tmp_path / "p.auditor")
    assert plain.code == 0 and "raises no findings" in plain.out
    out = cli("--db", db, "bundle", "export", number, "-o", tmp_path / "a.auditor", "--for",
              "anna [b]x[/b]", "--block-size", "5")
    assert out.code == 0, out.err
    assert "NC-2026-001..005" in out.out and "anna [b]x[/b]" in out.out
    ids = cli("--db", db, "bundle", "ids", number)
    assert ids.code == 0 and "NC-2026-001..005  anna [b]x[/b]  handed to the copy" in ids.out
    wrong = cli("--db", db, "bundle", "export", number, "-o", tmp_path / "b.auditor", "--more")
    assert wrong.code == 1 and wrong.err.count("\n") == 1 and "--for" in wrong.err
    big = cli("--db", db, "bundle", "export", number, "-o", tmp_path / "c.auditor", "--for",
              "x", "--block-size", "0")
    assert big.code == 1 and "between 1 and" in big.err
    assert not (tmp_path / "c.auditor").exists()
