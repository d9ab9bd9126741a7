"""Evidence files: copied into the evidence folder under their SHA-256, never to a path
built from anything a user typed; the original name is only a label (no folders, no
control characters); folder and files owner-only.
"""

from __future__ import annotations

import hashlib
import os
import stat
import string
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.domain.errors import AuditorError
from auditor.domain.evidence import safe_label

EXAMPLES_LABEL = 500
EXAMPLES_FILES = 80

HOSTILE_NAMES = [
    "...",
    "-rf",
    "x\nrm -rf ~\n.txt",
    "bell\x07and\x1b[31mred.txt",
    "tab\tand\rreturn.pdf",
    "\u202etxt.exe",  # right-to-left override: looks like exe.txt
    "zero\u200bwidth.txt",
    "é" * 127,  # 254 bytes
    "\x7fdelete",
    ".hidden",
    "evidence",
    "audit.db",
]


def tree(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_a_hostile_file_name_is_only_a_label(store, audit, tmp_path, name):
    source_dir = tmp_path / "incoming" / "deep"
    source_dir.mkdir(parents=True)
    source = source_dir / name
    source.write_bytes(b"minutes of the management review")
    before = tree(tmp_path)
    item = store.add_evidence(audit.id, ref="4.1", file=source)
    sha = hashlib.sha256(b"minutes of the management review").hexdigest()
    assert item.sha256 == sha
    assert store.evidence_path(item) == store.evidence_dir / sha
    new = tree(tmp_path) - before
    assert {p for p in new if p.name != "evidence"} == {Path("evidence") / sha}, new
    label = item.original_name
    assert label == safe_label(name)
    assert "/" not in label and all(ch.isprintable() for ch in label) and label
    assert mode(store.evidence_dir) == 0o700 and mode(store.evidence_dir / sha) == 0o600


def test_a_path_that_climbs_out_is_read_and_never_written(store, audit, tmp_path):
    """`../../x` names the file to read; what is written is always `<folder>/<sha256>`."""
    outside = tmp_path / "x"
    outside.write_bytes(b"contract")
    climbing = tmp_path / "a" / "b" / ".." / ".." / "x"
    (tmp_path / "a" / "b").mkdir(parents=True)
    item = store.add_evidence(audit.id, ref="4.1", file=climbing)
    assert item.original_name == "x"
    assert sorted(p.name for p in store.evidence_dir.iterdir()) == [item.sha256]
    assert outside.read_bytes() == b"contract"


def test_the_same_content_twice_is_one_file(store, audit, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(b"same bytes")
    first = store.add_evidence(audit.id, ref="4.1", file=tmp_path / "a.txt")
    second = store.add_evidence(audit.id, ref="4.2", file=tmp_path / "b.txt")
    assert first.sha256 == second.sha256
    assert [p.name for p in store.evidence_dir.iterdir()] == [first.sha256]
    assert [e.original_name for e in store.evidence(audit.id)] == ["a.txt", "b.txt"]


def test_a_planted_file_under_the_hash_name_is_never_followed(store, audit, tmp_path):
    """A symlink placed at the hash name (by someone who guessed the content) is not
    written through: the store only writes new names, by rename."""
    target = tmp_path / "victim"
    target.write_bytes(b"precious")
    content = b"evidence bytes"
    sha = hashlib.sha256(content).hexdigest()
    store.evidence_dir.mkdir(mode=0o700, exist_ok=True)
    (store.evidence_dir / sha).symlink_to(target)
    (tmp_path / "e.txt").write_bytes(content)
    store.add_evidence(audit.id, ref="4.1", file=tmp_path / "e.txt")
    assert target.read_bytes() == b"precious"
    assert store.verify_audit(audit.id)["problems"]  # the planted link does not verify


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "device"])
def test_what_is_not_a_file_records_nothing(store, audit, tmp_path, kind):
    source = {"missing": tmp_path / "nope.pdf", "folder": tmp_path,
              "fifo": tmp_path / "pipe", "device": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(source)
    with pytest.raises(AuditorError) as refused:
        store.record_result(audit.id, "4.1", "conform", files=[source])
    assert str(source) in str(refused.value) and "\n" not in str(refused.value)
    assert store.results(audit.id) == {} and store.evidence(audit.id) == []
    assert not store.evidence_dir.exists() or not any(store.evidence_dir.iterdir())


def test_the_command_line_keeps_a_hostile_name_as_a_label(cli, tmp_path):
    audit = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee",
                "A", "--json").json()["id"]
    source = tmp_path / "in" / "rapport\x1b[2J\nfinal.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.4 hostile name")
    r = cli("record", audit, "4.1", "--result", "conform", "--evidence-file", source)
    assert r.code == 0, r.err
    evidence = cli("audits", "show", audit, "--json").json()["evidence"]
    assert [e["name"] for e in evidence] == ["rapport[2Jfinal.pdf"]
    home = tmp_path / "home"
    stored = [p for p in home.rglob("*") if p.is_file() and p.parent.name == "evidence"]
    assert [p.name for p in stored] == [hashlib.sha256(b"%PDF-1.4 hostile name").hexdigest()]


# -- properties ---------------------------------------------------------------------------


@settings(max_examples=EXAMPLES_LABEL, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_name_gives_a_printable_label_without_folders(name):
    label = safe_label(name)
    assert 1 <= len(label) <= 255
    assert "/" not in label and "\\" not in label and "\x00" not in label
    assert all(ch.isprintable() for ch in label)


FILE_NAME = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    min_size=1, max_size=60,
).filter(lambda n: n not in (".", "..") and len(n.encode("utf-8")) <= 250)


@settings(max_examples=EXAMPLES_FILES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=FILE_NAME, content=st.binary(max_size=2048))
def test_any_file_is_stored_under_its_hash_only(store, audit, tmp_path, name, content):
    folder = tmp_path / "drop"
    folder.mkdir(exist_ok=True)
    source = folder / name
    source.write_bytes(content)
    try:
        item = store.add_evidence(audit.id, ref="4.1", file=source)
    finally:
        source.unlink()
    sha = hashlib.sha256(content).hexdigest()
    stored = sorted(p.name for p in store.evidence_dir.iterdir())
    assert sha in stored and all(set(p) <= set(string.hexdigits.lower()) and len(p) == 64
                                 for p in stored)
    assert (store.evidence_dir / sha).read_bytes() == content
    assert item.original_name == safe_label(name)


def test_copies_cut_short_by_a_kill_are_swept_later(store, audit, tmp_path):
    """The crash run left `.incoming-*` partial copies behind (a writer killed while it
    copied a file in); the next copy removes those that stopped growing long ago."""
    store.evidence_dir.mkdir(mode=0o700)
    stale = store.evidence_dir / ".incoming-killed"
    stale.write_bytes(b"half a file")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = store.evidence_dir / ".incoming-in-progress"
    fresh.write_bytes(b"another process is copying this")
    (tmp_path / "e.txt").write_bytes(b"evidence")
    item = store.add_evidence(audit.id, ref="4.1", file=tmp_path / "e.txt")
    assert sorted(p.name for p in store.evidence_dir.iterdir()) == [
        ".incoming-in-progress", item.sha256]


def test_a_closed_audit_copies_no_evidence_file_before_refusing(store, audit, tmp_path):
    from auditor.domain.errors import AuditLocked

    store.close_audit(audit.id, "done")
    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(b"not recorded")
    with pytest.raises(AuditLocked):
        store.record_result(audit.id, "4.1", "conform", files=[photo])
    kept = list(store.evidence_dir.iterdir()) if store.evidence_dir.exists() else []
    assert kept == []
    assert store.evidence(audit.id) == []


def _stored(store) -> set[str]:
    folder = store.evidence_dir
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_refused_record_leaves_no_file_behind(store, audit, tmp_path):
    """The file is copied in before the transaction; a rule that refuses the record (a
    minor without a statement, an unknown ref) took the file's copy with it no more."""
    from auditor.domain.errors import RuleViolation

    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(b"refused with its record")
    with pytest.raises(RuleViolation):
        store.record_result(audit.id, "4.1", "minor", files=[photo])
    with pytest.raises(AuditorError):
        store.record_result(audit.id, "99.9", "conform", files=[photo])
    with pytest.raises(AuditorError):
        store.add_evidence(audit.id, ref="99.9", file=photo)
    assert _stored(store) == set() and store.evidence(audit.id) == []


def test_a_refused_record_keeps_a_file_another_record_names(store, audit, tmp_path):
    from auditor.domain.errors import RuleViolation

    photo = tmp_path / "whiteboard.png"
    photo.write_bytes(b"named once already")
    store.record_result(audit.id, "4.1", "conform", files=[photo])
    kept = _stored(store)
    with pytest.raises(RuleViolation):
        store.record_result(audit.id, "4.2", "minor", files=[photo])
    assert _stored(store) == kept and len(kept) == 1


def test_deleting_an_audit_removes_the_files_only_it_named(store, audit, mini_checklist,
                                                           tmp_path):
    other = store.create_audit(mini_checklist, title="Other", auditee="Acme Soft")
    shared, own = tmp_path / "shared.png", tmp_path / "own.png"
    shared.write_bytes(b"in both audits")
    own.write_bytes(b"only in the deleted audit")
    store.record_result(audit.id, "4.1", "conform", files=[shared, own])
    store.record_result(other.id, "4.1", "conform", files=[shared])
    store.delete_audit(audit.id)
    assert _stored(store) == {hashlib.sha256(b"in both audits").hexdigest()}
    assert store.evidence_path(store.evidence(other.id)[0]).read_bytes() == b"in both audits"


def test_a_file_over_the_limit_is_refused_before_it_is_read(store, audit, tmp_path):
    """A 2 GB sparse file took 15 s and 2 GB of disk; the limit is checked first, and a
    file that grows past it while it is copied is refused as well."""
    store.evidence_max_bytes = 1_000_000
    big = tmp_path / "disk.img"
    with big.open("wb") as fh:  # sparse: 3 GB claimed, nothing written
        fh.truncate(3_000_000_000)
    started = time.monotonic()
    with pytest.raises(AuditorError, match="larger than the 1 MB an evidence file may be"):
        store.record_result(audit.id, "4.1", "conform", files=[big])
    assert time.monotonic() - started < 2
    assert _stored(store) == set() and store.results(audit.id) == {}


def test_the_limit_is_set_by_the_environment_and_a_bad_value_is_one_line(cli, tmp_path,
                                                                        monkeypatch):
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A").code == 0
    two_mb = tmp_path / "export.csv"
    two_mb.write_bytes(b"x" * 2_000_000)
    monkeypatch.setenv("AUDITOR_EVIDENCE_MAX_MB", "1.5")
    refused = cli("record", "1", "4.1", "--result", "conform", "--evidence-file", two_mb)
    assert refused.code == 1 and "larger than the 1.5 MB" in refused.err
    monkeypatch.setenv("AUDITOR_EVIDENCE_MAX_MB", "lots")
    bad = cli("record", "1", "4.1", "--result", "conform", "--evidence-file", two_mb)
    assert bad.code == 1 and len(bad.err.splitlines()) == 1
    assert "AUDITOR_EVIDENCE_MAX_MB='lots' is not a size" in bad.err
    monkeypatch.setenv("AUDITOR_EVIDENCE_MAX_MB", "3")
    assert cli("record", "1", "4.1", "--result", "conform", "--evidence-file",
               two_mb).code == 0
