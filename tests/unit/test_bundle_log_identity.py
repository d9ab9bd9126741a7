"""A bundle's entries that this database already holds are never appended twice, and an
entry under a held identity with other content is refused (docs/teams.md)."""

from __future__ import annotations

import json

import pytest
from bundle_support import laptop
from test_bundle_hostile import members, refused, rewrite

from auditor.domain.bundle_rows import BundleRefused
from auditor.domain.bundles import preview_import
from auditor.domain.trail import entry_hash
from auditor.exchange.bundle_file import read_bundle

pytestmark = pytest.mark.both_engines


@pytest.fixture
def merged(tmp_path, mini_checklist, db_url):
    """The lead has taken the member's work in once already."""
    lead, member = laptop(tmp_path, "lead", db_url), laptop(tmp_path, "member")
    audit = lead.do("create_audit", mini_checklist, title="Audit", auditee="Acme")
    member.take(lead.export(audit.id, tmp_path / "out.auditor", recipient="member"))
    mid = member.audit_by_uuid(audit.uuid)
    member.do("set_item_text", mid, "4.1", notes="seen \x1b[2J [b]x")
    member.do("raise_finding", mid, "4.2", "minor", statement="no records")
    shot = tmp_path / "shot.txt"
    shot.write_bytes(b"shot")
    member.do("add_evidence", mid, ref="4.2", kind="file", file=shot)
    back = member.export(mid, tmp_path / "back.auditor")
    lead.take(back)
    assert lead.verify(audit.id) == []
    yield lead, member, audit, back
    lead.store.close()
    member.store.close()


def rechained(path, target, change=None, new_gids=True):
    """The bundle with its log's chain recomputed from another start, as a forger who
    knows the format writes it; `change` edits entries first."""
    items = members(path)
    log = json.loads(items["log.json"])
    prev = "f" * 64
    for e in log:
        if change:
            change(e)
        e["prev_hash"] = prev
        e["hash"] = entry_hash(prev, e["at"], e["actor"], e["audit_id"], e["entity"],
                               e["entity_id"], e["field"], e["old"], e["new"])
        if new_gids:
            e["gid"] = e["hash"]
        prev = e["hash"]
    items["log.json"] = json.dumps(log).encode()
    return rewrite(path, target, list(items.items()))


def preview(t, path):
    with t.keyed():
        content, _files = read_bundle(path, None)
        return preview_import(t.store, content)


def test_a_rechained_copy_of_held_entries_appends_nothing(merged, tmp_path):
    lead, _member, audit, back = merged
    forged = rechained(back, tmp_path / "forged.auditor")
    before = len(lead.do("history"))
    plan = preview(lead, forged).plan
    assert plan.new_gids == [] and plan.changes_nothing
    lead.take(forged)
    assert len(lead.do("history")) == before
    assert lead.verify(audit.id) == []


def test_an_entry_listed_twice_is_appended_once(merged, tmp_path, mini_checklist):
    lead, member, audit, _back = merged
    mid = member.audit_by_uuid(audit.uuid)
    member.do("set_item_text", mid, "8.6", notes="new after the merge")
    path = member.export(mid, tmp_path / "again.auditor")
    items = members(path)
    log = json.loads(items["log.json"])
    items["log.json"] = json.dumps([*log, log[-1]]).encode()
    doubled = rewrite(path, tmp_path / "doubled.auditor", list(items.items()))
    before = len(lead.do("history"))
    assert len(preview(lead, doubled).plan.new_gids) == 1
    lead.take(doubled)
    assert len(lead.do("history")) == before + 1
    assert lead.verify(audit.id) == []


def test_a_held_identity_with_other_content_is_refused(merged, tmp_path):
    lead, _member, audit, back = merged

    def reword(e):
        if e["field"] == "notes":
            e["new"] = "rewritten after it was taken in"

    forged = rechained(back, tmp_path / "forged.auditor", reword, new_gids=False)
    with pytest.raises(BundleRefused, match="identity of an entry already held"):
        preview(lead, forged)
    line = refused(lead, forged, audit.id, "identity of an entry already held")
    assert "notes" in line
