"""The store is a facade over parts that each open one unit of work per call: every
public method of a part is the store's, no two parts offer the same name, and nothing
outside the parts holds a session or the change-log writer between calls."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auditor.domain.models import ChangeLog
from auditor.domain.store import PARTS, Store

pytestmark = pytest.mark.both_engines

AUDITOR = Path(__file__).resolve().parents[2] / "auditor"


def public(part: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(part, inspect.isfunction)
            if not name.startswith("_")}


def test_no_two_parts_offer_the_same_method():
    seen: dict[str, str] = {}
    for part in PARTS:
        for name in public(part):
            assert name not in seen, f"{name} is in {seen[name]} and {part.__name__}"
            seen[name] = part.__name__


# Methods the facade writes itself because they span parts (deleting an audit also
# sweeps the evidence files only it named); each still calls its part's method.
COMPOSED = {"delete_audit"}


def test_the_facade_offers_every_public_method_of_every_part(store):
    for part in PARTS:
        for name in public(part):
            bound = getattr(store, name)
            if name in COMPOSED:
                assert bound.__func__ is getattr(Store, name), name
                continue
            assert bound.__func__ is getattr(part, name), name


def test_no_session_flags_and_no_private_reach_into_the_store():
    """The trial and the dry run are kinds of log (unit.py), not flags on a session; and
    no module calls a private method of the store or of a part from outside."""
    for path in AUDITOR.rglob("*.py"):
        text = path.read_text()
        assert "session.info" not in text, path
        assert "store._" not in text, path


def test_a_trial_keeps_nothing_and_a_read_cannot_log(store, audit):
    def entries() -> int:
        with store.reading() as uow:
            return uow.session.execute(select(func.count()).select_from(ChangeLog)).scalar()

    before = entries()
    store.record_result(audit.id, "4.1", "minor", statement="No review of the scope")
    code = store.findings(audit.id)[0].code
    after_record = entries()
    assert after_record > before
    problems = store.check_auditee_changes(
        audit.id, {code: {"root_cause": "No owner", "corrective_action": "Name one",
                          "status": "responded"}})
    assert problems == []
    assert entries() == after_record  # the trial wrote no log entry
    assert store.finding(code).root_cause == ""  # and changed nothing
    with store.reading() as uow, pytest.raises(RuntimeError, match="read transaction"):
        uow.record(audit.id, "audit", audit.id, "note", None, "x")


def test_a_unit_of_work_chains_its_entries_onto_the_head_it_read_once(store, audit):
    with store.writing() as uow:
        head = uow.log.chain_head()
        uow.record(audit.id, "audit", audit.id, "note", None, "first")
        uow.record(audit.id, "audit", audit.id, "note", None, "second")
    rows = store.history(audit_id=audit.id)[-2:]
    assert rows[0].prev_hash == head and rows[1].prev_hash == rows[0].hash
    assert store.verify_trail() is None


def test_store_open_gives_the_parts_one_core(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "evidence", "Ana")
    try:
        for name in ("record_result", "create_audit", "verify_audit"):
            assert getattr(store, name).__self__.core is store
    finally:
        store.close()
