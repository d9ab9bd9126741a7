"""The command line (DESIGN section 5): each command, its exit codes (0 done, 1 a problem
with the input or the data, one line each on stderr, 2 wrong usage) and its `--json`
output checked against the contract's keys."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

SHOW_KEYS = {"id", "title", "type", "status", "auditee", "previous_id", "checklist", "items",
             "findings", "evidence"}
ITEM_KEYS = {"ref", "title", "result", "notes"}
FINDING_KEYS = {"id", "ref", "grade", "statement", "status", "root_cause", "correction",
                "corrective_action", "owner", "due_date", "repeat_of"}
EVIDENCE_KEYS = {"ref", "finding", "kind", "name", "sha256"}
LIST_KEYS = {"id", "title", "auditee", "type", "status", "progress", "open_findings"}
CHECKLIST_KEYS = {"id", "version", "title", "items"}
FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def run(cli):
    """`cli`, and every run is checked for what must never happen: a traceback, or a
    failure without its one clear line."""

    def checked(*args):
        r = cli(*args)
        assert "Traceback" not in r.err and "Traceback" not in r.out, r.err
        if r.code == 1:
            assert r.err.strip(), "exit 1 without a message"
        if r.code == 2:
            assert "usage:" in r.err
        return r

    return checked


@pytest.fixture
def new_audit(run):
    def make(*extra, checklist=str(FIXTURES / "mini.yaml"), auditee="Acme Soft"):
        r = run("audits", "new", "--checklist", checklist, "--title", "Internal audit 2026",
                "--auditee", auditee, "--json", *extra)
        assert r.code == 0, r.err
        return r.json()["id"]

    return make


def show(run, audit):
    r = run("audits", "show", audit, "--json")
    assert r.code == 0, r.err
    return r.json()


def db_path(tmp_path) -> Path:
    return tmp_path / "home" / "auditor.db"


# -- checklists ------------------------------------------------------------------------------


def test_checklists_list(run):
    r = run("checklists", "list", "--json")
    assert r.code == 0
    rows = r.json()
    ids = [row["id"] for row in rows]
    assert {"iso9001-2015", "iso27001-2022", "software-lifecycle", "partner-evaluation",
            "certification-readiness"} <= set(ids)
    for row in rows:
        assert set(row) >= CHECKLIST_KEYS
        assert row["items"] >= row["assessable"] > 0
    text = run("checklists", "list")
    assert text.code == 0 and "iso9001-2015" in text.out


def test_checklists_list_names_a_broken_user_checklist_and_goes_on(run, tmp_path):
    folder = tmp_path / "home" / "checklists"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("id: broken\n")
    (folder / "mine.yaml").write_text((FIXTURES / "mini.yaml").read_text())
    r = run("checklists", "list", "--json")
    assert r.code == 0
    assert "mini" in [row["id"] for row in r.json()]
    assert f"{folder / 'broken.yaml'}:1: checklist has no title" in r.err


def test_checklists_validate(run, tmp_path):
    good = FIXTURES / "mini.yaml"
    assert run("checklists", "validate", good).code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\nversion: 1\nitems:\n  - ref: '1'\n    title: x\n"
                   "    colour: red\n")
    r = run("checklists", "validate", good, bad, tmp_path / "none.yaml")
    assert r.code == 1
    assert r.err.splitlines() == [
        f"{bad}:5: item 1 has neither prompts nor children: give it prompts to make it "
        "assessable",
        f"{bad}:7: unknown key 'colour' in item (allowed: children, choices, evidence, "
        "guidance, prompts, ref, related, soa, tags, title, urn)",
        f"{tmp_path / 'none.yaml'}:1: no such file",
    ]
    assert run("checklists", "validate").code == 2


def test_shipped_checklists_validate(run):
    from auditor.exchange.library import shipped_dir

    files = sorted(shipped_dir().glob("*.yaml"))
    assert len(files) >= 5
    assert run("checklists", "validate", *files).code == 0


# -- audits ----------------------------------------------------------------------------------


def test_audits_new_by_id_and_show(run):
    r = run("audits", "new", "--checklist", "iso9001-2015", "--title", "QMS audit",
            "--auditee", "Acme Soft", "--type", "gap", "--lead", "Dana", "--start",
            "2026-03-02", "--end", "2026-03-04", "--json")
    assert r.code == 0, r.err
    doc = r.json()
    assert isinstance(doc["id"], int)
    assert (doc["title"], doc["auditee"], doc["type"], doc["status"], doc["lead_auditor"]) \
        == ("QMS audit", "Acme Soft", "gap", "planned", "Dana")
    assert doc["checklist"]["id"] == "iso9001-2015"
    assert doc["planned_start"] == "2026-03-02"
    text = run("audits", "new", "--checklist", "iso9001-2015", "--title", "Second",
               "--auditee", "Acme Soft")
    assert text.code == 0 and "planned" in text.out


@pytest.mark.parametrize("args,message", [
    (["--checklist", "no-such-list"], "not installed"),
    (["--checklist", "iso9001-2015", "--previous", "99"], "no such audit"),
    (["--checklist", "iso9001-2015", "--previous", "x"], "give the audit's number"),
    (["--checklist", "iso9001-2015", "--start", "02/03/2026"], "YYYY-MM-DD"),
    (["--checklist", "iso9001-2015", "--start", "2026-03-05", "--end", "2026-03-01"],
     "end date"),
], ids=["checklist", "previous", "previous-not-a-number", "date", "dates-reversed"])
def test_audits_new_refusals(run, args, message):
    r = run("audits", "new", "--title", "T", "--auditee", "A", *args)
    assert r.code == 1 and message in r.err
    assert run("audits", "list", "--json").json() == []


def test_audits_new_with_a_broken_checklist_file_names_its_lines(run, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\n")
    r = run("audits", "new", "--checklist", bad, "--title", "T", "--auditee", "A")
    assert r.code == 1
    assert r.err.splitlines() == [f"auditor: {bad}:1: checklist has no version",
                                  f"auditor: {bad}:1: checklist has no items"]


@pytest.mark.parametrize("args", [
    ["--title", "T", "--auditee", "A"],
    ["--checklist", "iso9001-2015", "--auditee", "A"],
    ["--checklist", "iso9001-2015", "--title", "T"],
    ["--checklist", "iso9001-2015", "--title", "T", "--auditee", "A", "--type", "external"],
], ids=["no-checklist", "no-title", "no-auditee", "bad-type"])
def test_audits_new_usage_errors(run, args):
    assert run("audits", "new", *args).code == 2


def test_a_follow_up_audit_names_its_previous(run, new_audit):
    first = new_audit()
    second = new_audit("--type", "surveillance", "--previous", str(first))
    assert show(run, second)["previous_id"] == first
    r = run("audits", "new", "--checklist", FIXTURES / "mini.yaml", "--title", "T",
            "--auditee", "Other Ltd", "--previous", first)
    assert r.code == 1 and "same auditee" in r.err


def test_audits_list(run, new_audit):
    assert run("audits", "list", "--json").json() == []
    first = new_audit()
    run("record", first, "4.1", "--result", "conform")
    run("record", first, "4.2", "--result", "minor", "--statement", "Register outdated")
    r = run("audits", "list", "--json")
    assert r.code == 0
    [row] = r.json()
    assert set(row) >= LIST_KEYS
    assert (row["id"], row["status"], row["open_findings"], row["progress"]) == (
        first, "in_progress", 1, 0.5)
    text = run("audits", "list")
    assert text.code == 0 and "Internal audit 2026" in text.out and "2/4" in text.out
    assert run("audits").code == 2
    assert run("audits", "frobnicate").code == 2


def test_audits_show_has_the_contracts_keys(run, new_audit, tmp_path):
    audit = new_audit()
    proof = tmp_path / "release record.txt"
    proof.write_text("approved by QA")
    run("record", audit, "8.6", "--result", "minor", "--statement", "Release without approval",
        "--note", "Sampled 2.3", "--evidence-file", proof)
    doc = show(run, audit)
    assert set(doc) >= SHOW_KEYS
    assert (doc["id"], doc["status"], doc["auditee"], doc["previous_id"]) == (
        audit, "in_progress", "Acme Soft", None)
    assert {"id", "version"} <= set(doc["checklist"])
    assert doc["checklist"]["id"] == "mini"
    assert [i["ref"] for i in doc["items"]] == ["4", "4.1", "4.2", "8", "8.3", "8.3.4", "8.6"]
    for item in doc["items"]:
        assert set(item) >= ITEM_KEYS
    item = next(i for i in doc["items"] if i["ref"] == "8.6")
    assert (item["result"], item["notes"]) == ("minor", "Sampled 2.3")
    assert next(i for i in doc["items"] if i["ref"] == "4.1")["result"] == "not_assessed"
    [finding] = doc["findings"]
    assert set(finding) >= FINDING_KEYS
    assert re.fullmatch(r"NC-\d{4}-\d{3}", finding["id"])
    assert (finding["ref"], finding["grade"], finding["statement"], finding["status"],
            finding["due_date"], finding["repeat_of"]) == (
        "8.6", "minor", "Release without approval", "open", None, None)
    [evidence] = doc["evidence"]
    assert set(evidence) >= EVIDENCE_KEYS
    assert (evidence["ref"], evidence["finding"], evidence["kind"], evidence["name"]) == (
        "8.6", finding["id"], "file", "release record.txt")
    assert evidence["sha256"] == hashlib.sha256(b"approved by QA").hexdigest()
    text = run("audits", "show", audit)
    assert text.code == 0 and finding["id"] in text.out


def test_due_dates_are_iso_days_in_json(run, new_audit, tmp_path):
    from auditor.domain.store import Store

    audit = new_audit()
    r = run("record", audit, "4.1", "--result", "major", "--statement", "s", "--json")
    code = r.json()["finding"]["id"]
    store = Store.open(f"sqlite:///{db_path(tmp_path)}", tmp_path / "ev", "auditee")
    try:
        store.update_finding(code, {"due_date": date(2026, 4, 30)}, by_auditee=True)
    finally:
        store.close()
    [finding] = show(run, audit)["findings"]
    assert finding["due_date"] == "2026-04-30"


@pytest.mark.parametrize("args,code", [
    (["99"], 1), (["abc"], 1), (["0"], 1), ([], 2),
])
def test_audits_show_refusals(run, args, code):
    assert run("audits", "show", *args).code == code


def test_audits_close_and_reopen(run, new_audit):
    audit = new_audit()
    run("record", audit, "4.1", "--result", "conform")
    r = run("audits", "close", audit, "--conclusion", "System effective")
    assert r.code == 0 and "read-only" in r.out
    doc = show(run, audit)
    assert (doc["status"], doc["conclusion"]) == ("closed", "System effective")
    again = run("audits", "close", audit)
    assert again.code == 1 and "closed" in again.err
    locked = run("record", audit, "4.2", "--result", "conform")
    assert locked.code == 1 and "reopen" in locked.err
    assert run("audits", "reopen", audit).code == 2
    empty = run("audits", "reopen", audit, "--reason", " ")
    assert empty.code == 1 and "reason" in empty.err
    r = run("audits", "reopen", audit, "--reason", "Late evidence")
    assert r.code == 0
    assert show(run, audit)["status"] == "in_progress"
    assert run("audits", "reopen", audit, "--reason", "again").code == 1
    assert run("audits", "close", "99").code == 1
    assert run("audits", "close").code == 2


def test_a_closed_audit_names_the_command_that_reopens_it(run, new_audit, monkeypatch):
    # The domain's message names no flag (it is shown in the TUI too); the command line
    # adds its own way out, once, with the audit's number.
    from auditor.domain.errors import AuditLocked
    from auditor.domain.findings import FindingRegister
    from auditor.domain.items import ItemRecords

    audit = new_audit()

    def refuse(self, audit_id, *args, **kwargs):
        raise AuditLocked(f"audit {audit_id} is closed and read-only")

    monkeypatch.setattr(ItemRecords, "record_result", refuse)
    r = run("record", audit, "4.1", "--result", "conform")
    assert r.code == 1
    assert r.err == (f"auditor: audit {audit} is closed and read-only; "
                     f"`auditor audits reopen {audit} --reason TEXT` reopens it\n")

    def refuse_with_hint(self, *args, **kwargs):
        raise AuditLocked("audit 1 is closed; `auditor audits reopen 1 --reason ...` first")

    monkeypatch.setattr(FindingRegister, "set_finding_status", refuse_with_hint)
    r = run("findings", "set", "NC-2026-001", "--status", "cancelled")
    assert r.code == 1 and r.err.count("reopen") == 1


def test_import_ciso_names_the_id_flag_for_a_bad_id(run, tmp_path):
    out = tmp_path / "x.yaml"
    r = run("checklists", "import-ciso", str(FIXTURES / "ciso-mini.yaml"), "-o", str(out),
            "--id", "Bad Id")
    assert r.code == 1 and r.err.startswith("auditor: --id 'Bad Id': ")
    assert len(r.err.splitlines()) == 1 and not out.exists()


def test_audits_verify(run, new_audit, tmp_path):
    audit = new_audit()
    proof = tmp_path / "p.txt"
    proof.write_text("evidence")
    run("record", audit, "4.1", "--result", "conform", "--evidence-file", proof)
    r = run("audits", "verify", audit)
    assert r.code == 0 and "intact" in r.out and r.err == ""
    report = run("audits", "verify", audit, "--json").json()
    assert report["problems"] == [] and report["files"] == 1 and report["entries"] >= 3
    with sqlite3.connect(db_path(tmp_path)) as db:
        db.execute("UPDATE change_log SET new = 'na' WHERE field = 'result'")
    broken = run("audits", "verify", audit)
    assert broken.code == 1 and "change log entry" in broken.err
    assert run("audits", "verify", audit, "--json").code == 1
    assert run("audits", "verify", "42").code == 1
    assert run("audits", "verify").code == 2


# -- record ----------------------------------------------------------------------------------


def test_record_results_and_findings(run, new_audit):
    audit = new_audit()
    r = run("record", audit, "4.1", "--result", "conform", "--note", "Context analysis seen")
    assert r.code == 0 and "4.1: conform" in r.out
    r = run("record", audit, "4.2", "--result", "observation", "--json")
    assert r.code == 0
    out = r.json()
    assert (out["ref"], out["result"], out["finding"]["grade"]) == (
        "4.2", "observation", "observation")
    assert out["finding"]["id"].startswith("OBS-")
    r = run("record", audit, "8.6", "--result", "major", "--statement", "No release record",
            "--requirement", "8.6", "--objective-evidence", "Release 2.3", "--process",
            "Release")
    assert r.code == 0 and "finding NC-" in r.out
    f = show(run, audit)["findings"][-1]
    assert (f["grade"], f["statement"], f["requirement"], f["objective_evidence"],
            f["process_area"]) == ("major", "No release record", "8.6", "Release 2.3",
                                   "Release")


@pytest.mark.parametrize("result", ["minor", "major"])
def test_record_a_nonconformity_without_statement_is_refused(run, new_audit, result):
    audit = new_audit()
    before = show(run, audit)
    r = run("record", audit, "4.1", "--result", result)
    assert r.code == 1 and "statement" in r.err
    assert show(run, audit) == before


@pytest.mark.parametrize("args,code,message", [
    (["99", "4.1", "--result", "conform"], 1, "no such audit"),
    (["{a}", "9.9", "--result", "conform"], 1, "not in this audit's checklist"),
    (["{a}", "4", "--result", "conform"], 1, "group heading"),
    (["{a}", "4.1", "--result", "good"], 2, "invalid choice"),
    (["{a}", "4.1"], 2, "--result"),
    (["{a}"], 2, "REF"),
], ids=["audit", "ref", "heading", "result", "no-result", "no-ref"])
def test_record_refusals(run, new_audit, args, code, message):
    audit = new_audit()
    r = run("record", *[a.format(a=audit) for a in args])
    assert r.code == code and message in r.err


def test_record_with_evidence_files(run, new_audit, tmp_path):
    audit = new_audit()
    first, second = tmp_path / "screenshot.png", tmp_path / "export.csv"
    first.write_bytes(b"\x89PNG fake")
    second.write_text("id,status\n1,done\n")
    r = run("record", audit, "8.3.4", "--result", "conform", "--evidence-file", first,
            "--evidence-file", second)
    assert r.code == 0 and "2 evidence file(s)" in r.out
    evidence = show(run, audit)["evidence"]
    assert [e["name"] for e in evidence] == ["screenshot.png", "export.csv"]
    folder = tmp_path / "home" / "evidence"
    for e, src in zip(evidence, (first, second)):
        assert (folder / e["sha256"]).read_bytes() == src.read_bytes()
        assert e["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()


def test_record_with_a_missing_evidence_file_records_nothing(run, new_audit, tmp_path):
    audit = new_audit()
    present = tmp_path / "present.txt"
    present.write_text("here")
    before = show(run, audit)
    r = run("record", audit, "4.1", "--result", "minor", "--statement", "s",
            "--evidence-file", present, "--evidence-file", tmp_path / "gone.pdf")
    assert r.code == 1
    assert r.err.splitlines() == [
        f"auditor: {tmp_path / 'gone.pdf'}: no such file; check the path of the evidence file"]
    assert show(run, audit) == before


def test_record_with_a_folder_as_evidence_is_refused(run, new_audit, tmp_path):
    audit = new_audit()
    r = run("record", audit, "4.1", "--result", "conform", "--evidence-file", tmp_path)
    assert r.code == 1
    assert show(run, audit)["evidence"] == []


# -- findings set ----------------------------------------------------------------------------


def test_findings_set(run, new_audit):
    audit = new_audit()
    code = run("record", audit, "4.2", "--result", "observation", "--json").json()[
        "finding"]["id"]
    r = run("findings", "set", code, "--status", "closed", "--note", "Nothing to do")
    assert r.code == 0 and f"{code}: closed" in r.out
    f = show(run, audit)["findings"][0]
    assert f["status"] == "closed"
    nc = run("record", audit, "4.1", "--result", "minor", "--statement", "s",
             "--json").json()["finding"]["id"]
    refused = run("findings", "set", nc, "--status", "closed")
    assert refused.code == 1 and "cannot go from open to closed" in refused.err
    auditee_step = run("findings", "set", nc, "--status", "responded")
    assert auditee_step.code == 1
    assert run("findings", "set", nc, "--status", "cancelled").code == 0
    assert run("findings", "set", "NC-1999-001", "--status", "closed").code == 1
    assert run("findings", "set", nc, "--status", "done").code == 2
    assert run("findings", "set", nc).code == 2
    assert run("findings").code == 2


# -- backup and restore ------------------------------------------------------------------------


def test_backup_and_restore(run, new_audit, tmp_path):
    audit = new_audit()
    run("record", audit, "4.1", "--result", "conform")
    target = tmp_path / "copies" / "before.db"
    r = run("backup", "-o", target)
    assert r.code == 0 and str(target) in r.out
    assert target.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    run("record", audit, "4.2", "--result", "na")
    run("audits", "new", "--checklist", "iso9001-2015", "--title", "Later", "--auditee", "B")
    r = run("restore", target)
    assert r.code == 0 and "restored" in r.out
    assert [a["id"] for a in run("audits", "list", "--json").json()] == [audit]
    items = {i["ref"]: i["result"] for i in show(run, audit)["items"]}
    assert (items["4.1"], items["4.2"]) == ("conform", "not_assessed")
    kept = list((tmp_path / "home").glob("auditor.db.before-restore-*.bak"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o777 == 0o600
    assert run("audits", "verify", audit).code == 0


def test_backup_to_the_default_folder(run, new_audit, tmp_path):
    new_audit()
    r = run("backup")
    assert r.code == 0
    [copy] = (tmp_path / "home" / "backups").glob("auditor-*.db")
    assert copy.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("where,message", [
    ("home/auditor.db", "the database itself"),
    ("not-a-folder/x.db", "cannot write the backup"),
    (".", "is a folder"),
], ids=["the-database", "under-a-file", "a-folder"])
def test_backup_refusals(run, new_audit, tmp_path, where, message):
    new_audit()
    (tmp_path / "not-a-folder").write_text("a file")
    before = db_path(tmp_path).read_bytes()
    r = run("backup", "-o", tmp_path / where)
    assert r.code == 1 and message in r.err
    assert len(r.err.splitlines()) == 1
    assert show(run, 1)["title"] == "Internal audit 2026"
    assert db_path(tmp_path).read_bytes() == before


def test_restore_refusals(run, new_audit, tmp_path):
    new_audit()
    before = show(run, 1)
    text = tmp_path / "notes.txt"
    text.write_text("not a backup")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    for path, message in [(text, "not SQLite"), (tmp_path / "none.db", "no backup there"),
                          (other, "not an auditor backup"),
                          (db_path(tmp_path), "the database itself")]:
        r = run("restore", path)
        assert r.code == 1 and message in r.err, (path, r.err)
    assert show(run, 1) == before
    assert run("restore").code == 2


def test_a_read_only_backup_can_be_restored(run, new_audit, tmp_path, monkeypatch):
    from auditor.domain import db as dbmod

    audit = new_audit()
    target = tmp_path / "ro.db"
    run("backup", "-o", target)
    run("record", audit, "4.1", "--result", "conform")
    target.chmod(0o400)
    real_access = dbmod.os.access
    # Root may write anything; make the backup read-only for this process as it would be
    # for a user (a backup on write-protected media).
    monkeypatch.setattr(dbmod.os, "access", lambda p, mode: False
                        if Path(p) == target and mode == dbmod.os.W_OK else real_access(p, mode))
    r = run("restore", target)
    assert r.code == 0, r.err
    items = {i["ref"]: i["result"] for i in show(run, audit)["items"]}
    assert items["4.1"] == "not_assessed"


# -- choosing the database -------------------------------------------------------------------


def test_db_option_and_environment_choose_the_database(run, tmp_path, monkeypatch):
    chosen = tmp_path / "elsewhere" / "audits.db"
    r = run("--db", chosen, "audits", "new", "--checklist", "iso9001-2015", "--title", "T",
            "--auditee", "A", "--json")
    assert r.code == 0 and chosen.is_file()
    assert run("audits", "list", "--json").json() == []
    assert len(run("--db", chosen, "audits", "list", "--json").json()) == 1
    monkeypatch.setenv("AUDITOR_DB", str(chosen))
    assert len(run("audits", "list", "--json").json()) == 1
    url = run("--db", f"sqlite:///{chosen}", "audits", "list", "--json")
    assert len(url.json()) == 1


@pytest.mark.parametrize("db,message", [
    ("{tmp}", "is a folder"),
    ("{tmp}/notes.txt", "not SQLite"),
    ("/proc/no-such/x.db", "cannot create the database"),
    ("nosuchengine://host/db", "cannot use this database"),
], ids=["folder", "text-file", "unwritable-place", "unknown-engine"])
def test_an_unusable_database_is_one_line(run, tmp_path, db, message):
    (tmp_path / "notes.txt").write_text("hello")
    r = run("--db", db.format(tmp=tmp_path), "audits", "list")
    assert r.code == 1 and message in r.err
    assert len(r.err.splitlines()) == 1


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_database_path_that_is_not_a_regular_file_is_refused_untouched(run, tmp_path, kind):
    # `--db /dev/null` once gave /dev/null the database's mode 0600; a FIFO would block
    # the open for ever. Refused before anything reads or changes it.
    import os
    import stat

    if kind == "fifo":
        target = tmp_path / "pipe.db"
        os.mkfifo(target, 0o644)
    else:
        target = Path("/dev/null")
    before = target.stat()
    try:
        r = run("--db", str(target), "audits", "list")
        after = target.stat()
    finally:  # a regression must not leave this machine's /dev/null owner-only
        if stat.S_IMODE(target.stat().st_mode) != stat.S_IMODE(before.st_mode):
            os.chmod(target, stat.S_IMODE(before.st_mode))
    assert r.code == 1 and "not a regular file" in r.err and len(r.err.splitlines()) == 1
    assert stat.S_IMODE(after.st_mode) == stat.S_IMODE(before.st_mode)


@pytest.mark.parametrize("db", ["{tmp}/notes.txt", "/proc/no-such/x.db"])
def test_the_command_line_names_its_own_flag_for_another_database(run, tmp_path, db):
    # The domain's message says what is wrong and that another database is the way out;
    # the command line names its flag, once (the TUI is opened by the same command).
    from auditor.domain.db import open_engine
    from auditor.domain.errors import DatabaseProblem

    (tmp_path / "notes.txt").write_text("hello")
    path = db.format(tmp=tmp_path)
    with pytest.raises(DatabaseProblem) as refused:
        open_engine(f"sqlite:///{path}")
    assert refused.value.elsewhere and "--db" not in str(refused.value)
    r = run("--db", path, "audits", "list")
    assert r.code == 1 and r.err.count("--db PATH") == 1


def test_no_such_command_is_a_usage_error(run):
    assert run("frobnicate").code == 2
    assert run("--db").code == 2


def test_text_that_looks_like_markup_prints_as_it_was_typed(run):
    """Titles, auditees and notes are data: `[b]` and `[note: PR 812]` are printed, not
    read as rich markup (the auditee `Acme [b]` used to print as `Acme`, and
    `audits show` dropped `[note: PR 812]` from a statement)."""
    title = "Design review [note: PR 812] [b]Q3[/b]"
    auditee = "Acme [b] [red]Soft"
    new = run("audits", "new", "--checklist", "iso9001-2015", "--title", title,
              "--auditee", auditee)
    assert new.code == 0, new.err
    audit = str(run("audits", "list", "--json").json()[0]["id"])
    statement = "No review [link=https://x]here[/link] of [/] SLA terms"
    assert run("record", audit, "8.2.3.1", "--result", "minor", "--statement",
               statement).code == 0

    def words(text: str) -> str:  # a table or a long line may wrap between words
        return " ".join(text.replace("│", " ").split())

    assert words(f"planned: {title} ({auditee}") in words(new.out)
    shown = run("audits", "show", audit)
    assert words(f"Audit {audit}: {title} {auditee}") in words(shown.out)
    for word in ("[link=https://x]here[/link]", "[/]"):
        assert word in shown.out
    assert words(f"Programme of {auditee}:") in words(run("programme", "--", auditee).out)
    assert "[red]" in run("audits", "list").out  # only the auditee has it


def test_audits_close_says_what_was_left_incomplete(run, new_audit):
    audit = new_audit()
    run("record", audit, "4.1", "--result", "observation")
    r = run("audits", "close", audit)
    assert r.code == 0 and "read-only" in r.out
    code = show(run, audit)["findings"][0]["id"]
    assert r.err.splitlines() == [
        f"auditor: audit {audit} closed with 1 finding without a statement ({code})",
        f"auditor: audit {audit} closed with 3 items not assessed",
        f"auditor: audit {audit} closed with no conclusion written",
    ]


def test_audits_edit_changes_the_header_and_logs_each_change(run, new_audit):
    audit = new_audit("--start", "2026-03-02", "--end", "2026-03-03")
    logged = run("audits", "verify", audit, "--json").json()["entries"]
    r = run("audits", "edit", audit, "--title", "Internal audit 2026 [rev]", "--scope",
            "Release management\nIncident handling", "--site", "Leeds", "--lead", "Dana",
            "--team", "Sam, Ola", "--planned-end", "2026-03-05", "--actual-start",
            "2026-03-02")
    assert r.code == 0, r.err
    doc = show(run, audit)
    assert (doc["title"], doc["scope"], doc["site"], doc["lead_auditor"], doc["team"]) == (
        "Internal audit 2026 [rev]", "Release management\nIncident handling", "Leeds",
        "Dana", "Sam, Ola")
    assert (doc["planned_end"], doc["actual_start"]) == ("2026-03-05", "2026-03-02")
    # one change-log entry per field changed, and the chain still holds
    after = run("audits", "verify", audit, "--json")
    assert after.code == 0 and after.json()["entries"] == logged + 7


@pytest.mark.parametrize(("args", "code", "says"), [
    ([], 1, "nothing to change"),
    (["--planned-end", "2026-03-01"], 1, "before the planned start"),
    (["--planned-end", "soon"], 1, "YYYY-MM-DD"),
    (["--title", "  "], 1, "needs a title"),
])
def test_audits_edit_refusals_change_nothing(run, new_audit, args, code, says):
    audit = new_audit("--start", "2026-03-02", "--end", "2026-03-03")
    before = show(run, audit)
    r = run("audits", "edit", audit, *args)
    assert r.code == code and says in r.err
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err
    assert show(run, audit) == before


def test_audits_edit_refuses_a_closed_audit(run, new_audit):
    audit = new_audit()
    run("audits", "close", audit, "--conclusion", "Done")
    r = run("audits", "edit", audit, "--title", "Renamed")
    assert r.code == 1 and f"audits reopen {audit} --reason" in r.err
    assert show(run, audit)["title"] == "Internal audit 2026"


def test_findings_set_verifies_as_told_and_the_review_reaches_the_workbook(
        run, new_audit, tmp_path):
    from openpyxl import load_workbook

    audit = new_audit()
    run("record", audit, "8.6", "--result", "minor", "--statement", "Release unapproved")
    code = show(run, audit)["findings"][0]["id"]
    run("record", audit, "8.3.4", "--result", "observation", "--statement", "Thin notes")
    obs = show(run, audit)["findings"][1]["id"]
    r = run("findings", "set", obs, "--status", "closed", "--by", "Dana Keller", "--on",
            "2026-02-27", "--note", "Template now mandatory")
    assert r.code == 0, r.err
    closed = next(f for f in show(run, audit)["findings"] if f["id"] == obs)
    assert closed["status"] == "closed"
    run("record", audit, "4.1", "--result", "ofi", "--statement", "Automate it")
    ofi = show(run, audit)["findings"][2]["id"]
    future = run("findings", "set", ofi, "--status", "closed", "--on", "2999-01-01")
    assert future.code == 1 and "in the future" in future.err
    assert next(f for f in show(run, audit)["findings"] if f["id"] == ofi)["status"] == "open"
    assert code
    target = tmp_path / "nc.xlsx"
    assert run("export", audit, "-o", target).code == 0
    ws = load_workbook(target)["Findings"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Auditor's review: Template now mandatory" in c for c in cells)
