"""Offline team work: exporting an audit as a bundle and merging a member's bundle back,
beside reading both bundles' rows in the same run (docs/teams.md).

The audit has 1,500 items and, on the member's copy, 500 findings and 50 evidence files
recorded offline; the lead's copy named 100 items' interviewees meanwhile. Measured:
1. export: `bundle export` of the member's copy (rows, log, checklist, files);
2. merge: `bundle import` of that bundle into the lead's copy (read, check, plan, apply
   in one transaction, replay check), each run on a fresh copy of the lead's database.
Baseline: reading both bundles' rows (`read_bundle` of the lead's and the member's,
which unzips, hashes and parses every member). Target: merge within 3x.

    python bench/bundle.py [--repeat 3] [--dir FOLDER]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.domain.bundles import export_audit, import_bundle
from auditor.domain.checklist import Checklist
from auditor.domain.store import Store
from auditor.exchange.bundle_file import read_bundle, write_bundle

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ITEMS, FINDINGS, FILES = 1_500, 500, 50


def big_checklist(items: int) -> Checklist:
    per_group = 50
    groups = [{"ref": f"G{g}", "title": f"Clause {g}", "children": [
        {"ref": f"{g}.{i}", "title": f"Requirement {g}.{i}", "prompts": ["How?"]}
        for i in range(1, per_group + 1)]} for g in range(1, items // per_group + 1)]
    return Checklist.from_dict({"id": "bench", "title": "Bench", "standard": "ISO 9001:2015",
                                "version": "1", "items": groups})


def open_store(folder: Path, actor: str) -> Store:
    os.environ["AUDITOR_KEY_FILE"] = str(folder / "log.key")
    return Store.open(f"sqlite:///{folder / 'audit.db'}", folder / "evidence", actor,
                      clock=lambda: NOW)


def export(store: Store, audit_id: int, to: Path, recipient: str | None = None) -> Path:
    export_audit(store, audit_id, lambda content, files: write_bundle(to, content, files),
                 recipient=recipient, block_size=FINDINGS + 100)
    return to


def setup(root: Path) -> tuple[Path, Path, Path, int]:
    """The lead's database (folder), its bundle, the member's bundle, the audit's id."""
    lead_dir, member_dir = root / "lead", root / "member"
    lead_dir.mkdir()
    member_dir.mkdir()
    lead = open_store(lead_dir, "lead")
    checklist = big_checklist(ITEMS)
    refs = [i.ref for i in checklist.assessable_items()]
    audit = lead.create_audit(checklist, title="Bench audit", auditee="Acme")
    lead_bundle = export(lead, audit.id, root / "lead.auditor", recipient="member")
    member = open_store(member_dir, "member")
    content, files = read_bundle(lead_bundle, member_dir)
    mid = import_bundle(member, content, files).audit_id
    assert mid is not None
    for n, ref in enumerate(refs):
        result = "conform" if n >= FINDINGS else "minor"
        member.record_result(mid, ref, result, statement=f"Finding {n}" if n < FINDINGS else "",
                             note=f"member notes on {ref}")
    for n in range(FILES):
        evidence = member_dir / f"shot{n}.png"
        evidence.write_bytes(os.urandom(20_000))
        member.add_evidence(mid, ref=refs[n], kind="file", file=evidence)
    member_bundle = export(member, mid, root / "member.auditor")
    member.close()
    os.environ["AUDITOR_KEY_FILE"] = str(lead_dir / "log.key")
    for ref in refs[-100:]:
        lead.set_item_text(audit.id, ref, interviewees=f"CTO of {ref}")
    lead_bundle = export(lead, audit.id, root / "lead-now.auditor")
    lead.close()
    return lead_dir, lead_bundle, member_bundle, audit.id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(dir=args.dir, prefix="bench-bundle-"))
    try:
        started = time.perf_counter()
        lead_dir, lead_bundle, member_bundle, audit_id = setup(root)
        print(f"setup: {time.perf_counter() - started:.1f} s; bundles "
              f"{lead_bundle.stat().st_size // 1000} kB and "
              f"{member_bundle.stat().st_size // 1000} kB")
        merges, exports, baselines = [], [], []
        for run in range(args.repeat):
            copy = root / f"run{run}"
            shutil.copytree(lead_dir, copy)
            (copy / "extract").mkdir()
            store = open_store(copy, "lead")
            start = time.perf_counter()
            read_bundle(lead_bundle)
            read_bundle(member_bundle)
            baselines.append(time.perf_counter() - start)
            start = time.perf_counter()
            content, files = read_bundle(member_bundle, copy / "extract")
            outcome = import_bundle(store, content, files, None)
            merges.append(time.perf_counter() - start)
            assert outcome.applied, outcome.plan.conflicts if outcome.plan else None
            assert store.verify_audit(audit_id)["problems"] == []
            start = time.perf_counter()
            export(store, audit_id, copy / "out.auditor")
            exports.append(time.perf_counter() - start)
            store.close()
        base, merge, out = (statistics.median(x) for x in (baselines, merges, exports))
        print(f"reading both bundles' rows: {base * 1000:.0f} ms (baseline)")
        print(f"merge of the member's bundle: {merge * 1000:.0f} ms, ratio {merge / base:.2f}x "
              "(target: within 3x)")
        print(f"export of the merged audit:   {out * 1000:.0f} ms, ratio {out / base:.2f}x")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
