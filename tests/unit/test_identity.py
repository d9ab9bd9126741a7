"""Identities the same on every copy of an audit, and finding numbers from a block."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime

import pytest

from auditor.domain.errors import RuleViolation
from auditor.domain.identity import Block, grant_blocks, keep_blocks
from auditor.domain.store import Store


def test_new_records_carry_a_uuid_of_their_own(store, audit):
    finding = store.raise_finding(audit.id, "4.1", "minor", statement="No review")
    item = store.add_evidence(audit.id, ref="4.1", kind="document", reference="QM-01")
    store.add_session(audit.id, start="2026-03-03 09:00", minutes=60, refs=["4.1"])
    uuids = [audit.uuid, finding.uuid, item.uuid, store.sessions(audit.id)[0].uuid]
    assert all(str(uuid.UUID(u)) == u for u in uuids)
    assert len(set(uuids)) == 4


def test_existing_rows_get_distinct_uuids_in_the_migration(tmp_path, mini_checklist):
    from tests.unit.test_migrations import build_at, fill_0001

    path = tmp_path / "old.db"
    build_at(path, "0001")
    fill_0001(path, mini_checklist)
    Store.open(f"sqlite:///{path}", tmp_path / "ev", "tester").close()
    with sqlite3.connect(path) as db:
        found = [r[0] for t in ("audit", "finding", "evidence")
                 for r in db.execute(f"SELECT uuid FROM {t}")]
    assert len(found) == 3 and len(set(found)) == 3
    assert all(str(uuid.UUID(u)) == u for u in found)


def test_a_team_copy_numbers_its_findings_from_its_block(store, audit):
    with store.writing() as uow:
        blocks = grant_blocks(uow, uow.audit(audit.id), "anna", size=2)
    assert Block("NC", 2026, 1, 2) in blocks
    # The database that handed the block out numbers past it.
    assert store.raise_finding(audit.id, "4.1", "minor", statement="s").code == "NC-2026-003"
    other = store.create_audit(store.checklist(audit.id), title="Copy", auditee="Acme")
    with store.writing() as uow:
        keep_blocks(uow, uow.audit(other.id), [Block("NC", 2026, 101, 102)])
    codes = [store.raise_finding(other.id, "4.1", "major", statement=f"s{i}").code
             for i in range(2)]
    assert codes == ["NC-2026-101", "NC-2026-102"]
    with pytest.raises(RuleViolation, match="used up"):
        store.raise_finding(other.id, "4.1", "major", statement="third")
    # The database's own audits never take a number of a block it holds.
    assert store.raise_finding(audit.id, "4.2", "minor", statement="t").code == "NC-2026-103"


def test_a_block_year_is_kept_whatever_the_clock_says(tmp_path, mini_checklist):
    s = Store.open(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "ev", "tester",
                   clock=lambda: datetime(2027, 1, 5, tzinfo=UTC))
    try:
        a = s.create_audit(mini_checklist, title="T", auditee="A")
        with s.writing() as uow:
            keep_blocks(uow, uow.audit(a.id), [Block("OBS", 2026, 201, 300)])
        assert s.raise_finding(a.id, "4.1", "observation").code == "OBS-2026-201"
    finally:
        s.close()
