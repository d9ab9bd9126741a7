"""A writer process for the crash and concurrency tests: store operations in a loop.

    python tests/crash/driver.py --db FILE|URL --evidence DIR --seed N [--ops N] [--audit ID]

It works through the real `Store` API, one committed change at a time, and prints a line
before and after each one:

    INTENT {"n": 7, "op": "record", "expect": [[key, value], ...], "tokens": [...]}
    ACK {"n": 7, ..., "finding": "NC-2026-004"}

A change is *acknowledged* once its ACK line is out: the store call has returned, so the
transaction is committed. A test that kills this process with SIGKILL may then demand
that every acknowledged change is in the database, and that the one change announced by
an INTENT without an ACK is either wholly there or wholly absent.

Keys name one value in the database, as JSON lists:
  ["result", audit, ref]          the item's recorded result
  ["text", audit, ref, field]     interviewees or documents
  ["finding", code, field]        a finding's field or status
  ["status", audit]               the audit's status
Tokens are append-only: ["note", audit, ref] must contain the token (notes only grow),
["evidence", audit, sha256] must be an evidence row whose file has that hash.

`--audit ID` makes several drivers share one audit (the concurrency test): they then
overwrite each other's values, so a value key proves only that the change was logged,
while tokens must all be there. Without it the driver works on the audits it finds,
creating one when there is none, and occasionally closes and reopens one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from auditor.domain.errors import AuditorError  # noqa: E402
from auditor.domain.store import Store  # noqa: E402
from auditor.domain.vocab import AuditStatus, FindingStatus, allowed_moves  # noqa: E402
from auditor.exchange import library  # noqa: E402

CHECKLIST = "iso9001-2015"
REFS = ("4.1", "4.2", "4.3", "5.2.1", "6.1.1", "7.5.3.1", "8.3.4", "9.2.1", "10.2.1")
RESULTS = ("conform", "na", "ofi", "observation", "minor", "major")
ACTOR = "crash-driver"


def emit(kind: str, payload: dict) -> None:
    sys.stdout.write(f"{kind} {json.dumps(payload, separators=(',', ':'))}\n")
    sys.stdout.flush()


class Driver:
    def __init__(self, store: Store, rng: random.Random, tag: str, scratch: Path,
                 shared_audit: int | None) -> None:
        self.store = store
        self.rng = rng
        self.tag = tag
        self.scratch = scratch
        self.shared_audit = shared_audit
        self.n = 0  # operations: each INTENT/ACK pair has its own number
        self.tokens = 0

    def token(self) -> str:
        self.tokens += 1
        return f"{self.tag}-{self.tokens}"

    # -- choosing what to work on --------------------------------------------------------

    def audit_id(self) -> int:
        if self.shared_audit is not None:
            return self.shared_audit
        audits = self.store.audits()
        if not audits or self.rng.random() < 0.01:
            return self.create_audit()
        audit = self.rng.choice(audits)
        if audit.status == AuditStatus.CLOSED:
            self.run("reopen", [[["status", audit.id], AuditStatus.IN_PROGRESS.value]], [],
                     lambda: self.store.reopen_audit(audit.id, "crash test: resume work"))
        return audit.id

    def create_audit(self) -> int:
        checklist = library.find(CHECKLIST)
        title = f"Crash audit {self.token()}"
        self.n += 1
        emit("INTENT", {"n": self.n, "op": "create", "title": title, "expect": [],
                        "tokens": []})
        audit = self.store.create_audit(checklist, title=title, auditee="Crash Test Ltd")
        # No status expectation: the first record moves it from planned to in progress.
        emit("ACK", {"n": self.n, "op": "create", "audit": audit.id, "title": title,
                     "expect": [], "tokens": []})
        return audit.id

    def run(self, op: str, expect: list, tokens: list, call, more=None) -> object:
        self.n += 1
        n = self.n
        emit("INTENT", {"n": n, "op": op, "expect": expect, "tokens": tokens})
        result = call()
        extra = more(result) if more is not None else {}
        emit("ACK", {"n": n, "op": op, "expect": expect, "tokens": tokens, **extra})
        return result

    # -- the operations ------------------------------------------------------------------

    def record(self, audit: int) -> None:
        ref = self.rng.choice(REFS)
        result = self.rng.choice(RESULTS)
        note = self.token()
        statement = f"statement {note}" if result in ("minor", "major") else ""
        expect = [[["result", audit, ref], result]]
        self.run("record", expect, [[["note", audit, ref], note]],
                 lambda: self.store.record_result(audit, ref, result, statement=statement,
                                                  note=note),
                 more=lambda r: {"finding": r[1].code if r[1] is not None else None})

    def set_text(self, audit: int) -> None:
        ref = self.rng.choice(REFS)
        field = self.rng.choice(("interviewees", "documents"))
        value = f"{field} {self.token()}"
        expect = [[["text", audit, ref, field], value]]
        self.run("set_text", expect, [],
                 lambda: self.store.set_item_text(audit, ref, **{field: value}),
                 more=lambda r: {"ref": ref, "field": field, "value": value})

    def update_finding(self, audit: int) -> None:
        findings = [f for f in self.store.findings(audit)
                    if f.status in (FindingStatus.OPEN, FindingStatus.REJECTED,
                                    FindingStatus.NOT_EFFECTIVE)]
        if not findings:
            return self.record(audit)
        finding = self.rng.choice(findings)
        token = self.token()
        fields = {"root_cause": f"cause {token}", "corrective_action": f"action {token}"}
        expect = [[["finding", finding.code, k], v] for k, v in fields.items()]
        try:
            self.run("update_finding", expect, [],
                     lambda: self.store.update_finding(finding.code, fields, by_auditee=True))
        except AuditorError as exc:
            # Another writer closed or cancelled it first (the concurrency test): its
            # auditee answers are final now, so the store refuses and nothing changes.
            emit("REFUSED", {"n": self.n, "reason": str(exc)})

    def move_finding(self, audit: int) -> None:
        findings = self.store.findings(audit)
        if not findings:
            return self.record(audit)
        finding = self.rng.choice(findings)
        by_auditee = self.rng.random() < 0.5
        moves = sorted(allowed_moves(finding.status, finding.grade, by_auditee=by_auditee))
        if not moves:
            return self.set_text(audit)
        target = self.rng.choice(moves)
        if target == FindingStatus.RESPONDED and not finding.corrective_action:
            return self.update_finding(audit)
        try:
            self.run("move_finding", [[["finding", finding.code, "status"], target.value]], [],
                     lambda: self.store.set_finding_status(finding.code, target.value,
                                                           note="crash test",
                                                           by_auditee=by_auditee))
        except AuditorError as exc:
            # Another writer moved it first (the concurrency test): a refusal, no change.
            emit("REFUSED", {"n": self.n, "reason": str(exc)})

    def evidence(self, audit: int) -> None:
        ref = self.rng.choice(REFS)
        token = self.token()
        path = self.scratch / f"{token}.txt"
        path.write_bytes(f"evidence {token}\n".encode() + self.rng.randbytes(64))
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        self.run("evidence", [], [[["evidence", audit, sha], token]],
                 lambda: self.store.add_evidence(audit, ref=ref, kind="file", file=path,
                                                 description=token))
        path.unlink()

    def close_and_reopen(self, audit: int) -> None:
        conclusion = f"conclusion {self.token()}"
        self.run("close", [[["status", audit], AuditStatus.CLOSED.value]], [],
                 lambda: self.store.close_audit(audit, conclusion))
        self.run("reopen", [[["status", audit], AuditStatus.IN_PROGRESS.value]], [],
                 lambda: self.store.reopen_audit(audit, "crash test: more to record"))

    def step(self) -> None:
        audit = self.audit_id()
        roll = self.rng.random()
        if roll < 0.40:
            self.record(audit)
        elif roll < 0.65:
            self.set_text(audit)
        elif roll < 0.80:
            self.update_finding(audit)
        elif roll < 0.88:
            self.move_finding(audit)
        elif roll < 0.97 or self.shared_audit is not None:
            self.evidence(audit)
        else:
            self.close_and_reopen(audit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a database file or a server's URL")
    parser.add_argument("--scratch", type=Path, help="where files to attach are made "
                        "(default: beside the database file)")
    parser.add_argument("--evidence", required=True, type=Path)
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--ops", type=int, default=0, help="stop after N operations (0: never)")
    parser.add_argument("--audit", type=int, help="work on this audit only")
    parser.add_argument("--tag", default="", help="prefix of this driver's tokens")
    args = parser.parse_args(argv)

    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    store = Store.open(url, args.evidence, os.environ.get("AUDITOR_USER", ACTOR))
    scratch = (args.scratch or Path(args.db).parent) / f"scratch-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    tag = args.tag or f"s{args.seed}"
    driver = Driver(store, random.Random(args.seed), tag, scratch, args.audit)
    emit("READY", {"pid": os.getpid()})
    done = 0
    while not args.ops or done < args.ops:
        driver.step()
        done += 1
    emit("DONE", {"ops": done})
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
