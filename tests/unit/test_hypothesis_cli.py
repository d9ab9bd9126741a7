"""The command line on random input: unknown ids, wrong types, odd text, missing files.
Exit 0 (and the change is there), 1 (one line on stderr, nothing changed) or 2 (usage);
never a traceback. Each test prints how many examples it ran.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor import config
from auditor.domain.errors import shown
from auditor.domain.vocab import FindingStatus, Result

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])
TABLES = ("audit", "item_result", "finding", "evidence", "change_log", "finding_counter")
# Text a user may type: anything but NUL, which no real argument vector can hold.
TYPED = st.text(alphabet=st.characters(blacklist_characters="\x00",
                                       blacklist_categories=("Cs",)), max_size=40)
NUMBERS = st.one_of(st.integers(-5, 5), st.integers(min_value=-(10**30), max_value=10**30))
AUDIT_ARG = st.one_of(st.just("1"), st.just("1"), NUMBERS.map(str), TYPED,
                      st.sampled_from(["0", "-1", " 1", "1.0", "1e3", "２", "0x1"]))
REF_ARG = st.one_of(st.sampled_from(["4.1", "4.2", "8.3.4", "4", "8", "99.9"]), TYPED)
RESULT_ARG = st.one_of(st.sampled_from([r.value for r in Result]),
                       st.sampled_from([r.value for r in Result]), TYPED)
STATUS_ARG = st.one_of(st.sampled_from([s.value for s in FindingStatus]), TYPED)


def report(request, line: str) -> None:
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nhypothesis: {line}")


@pytest.fixture
def ready(cli):
    """A database with one audit on the shipped ISO 9001 checklist and one finding."""
    r = cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T", "--auditee", "A")
    assert r.code == 0, r.err
    nc = cli("record", "1", "8.3.4", "--result", "minor", "--statement", "No review",
             "--json").json()["finding"]["id"]
    return Path(config.resolve().db_url.removeprefix("sqlite:///")), nc


def dump(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()


def outcome(r, db: Path, before: dict, *, many_lines: bool = False) -> None:
    """The contract on one run."""
    assert "Traceback" not in r.err
    assert r.code in (0, 1, 2), (r.code, r.err)
    if r.code == 1:
        lines = r.err.splitlines()
        assert lines and all(line.startswith("auditor: ") for line in lines), r.err
        if not many_lines:
            assert len(lines) == 1, r.err
        assert all(ch.isprintable() for line in lines for ch in line), repr(r.err)
    if r.code == 2:
        assert "usage:" in r.err and "error:" in r.err
    if r.code != 0:
        assert dump(db) == before, "a refused command changed the database"


def test_record_with_random_arguments(cli, ready, request):
    db, _ = ready
    counts = {0: 0, 1: 0, 2: 0}

    @settings(max_examples=300, **SETTINGS)
    @given(AUDIT_ARG, REF_ARG, RESULT_ARG, st.one_of(st.none(), TYPED),
           st.one_of(st.none(), TYPED))
    def prop(audit, ref, result, note, statement):
        args = ["record", audit, ref, "--result", result]
        if note is not None:
            args += ["--note", note]
        if statement is not None:
            args += ["--statement", statement]
        before = dump(db)
        r = cli(*args)
        outcome(r, db, before)
        counts[r.code] += 1
        if r.code == 0:
            doc = cli("audits", "show", "1", "--json").json()
            item = {i["ref"]: i for i in doc["items"]}[ref]
            assert item["recorded"] == result
            if note:
                assert item["notes"].endswith(note)

    prop()
    report(request, f"command line, record: {sum(counts.values())} examples "
                    f"(exit 0: {counts[0]}, 1: {counts[1]}, 2: {counts[2]})")


def test_findings_and_audits_with_random_arguments(cli, ready, request):
    db, nc = ready
    counts = {0: 0, 1: 0, 2: 0}
    finding = st.one_of(st.just(nc), TYPED, st.sampled_from(["NC-2026-999", "OBS-1-1", ""]))
    command = st.one_of(
        st.tuples(st.just("findings"), st.just("set"), finding, st.just("--status"),
                  STATUS_ARG, st.just("--note"), TYPED),
        st.tuples(st.just("audits"), st.sampled_from(["show", "verify", "close"]),
                  AUDIT_ARG),
        st.tuples(st.just("audits"), st.just("reopen"), AUDIT_ARG, st.just("--reason"),
                  TYPED),
        st.tuples(st.just("audits"), st.just("new"), st.just("--checklist"),
                  st.one_of(st.just("iso9001-2015"), TYPED), st.just("--title"), TYPED,
                  st.just("--auditee"), TYPED, st.just("--previous"), AUDIT_ARG),
        st.tuples(st.just("audits"), st.just("new"), st.just("--checklist"),
                  st.just("iso9001-2015"), st.just("--title"), st.just("T"),
                  st.just("--auditee"), st.just("A"), st.just("--start"), TYPED,
                  st.just("--end"), TYPED),
        st.tuples(st.just("compare"), AUDIT_ARG, AUDIT_ARG, st.just("--json")),
        st.tuples(st.just("programme"), TYPED, st.just("--years"),
                  st.one_of(NUMBERS.map(str), TYPED)),
    )

    @settings(max_examples=300, **SETTINGS)
    @given(command)
    def prop(args):
        before = dump(db)
        r = cli(*args)
        outcome(r, db, before)
        counts[r.code] += 1

    prop()
    report(request, f"command line, findings/audits/compare/programme: "
                    f"{sum(counts.values())} examples (exit 0: {counts[0]}, 1: {counts[1]}, "
                    f"2: {counts[2]})")


def test_missing_and_odd_files(cli, ready, tmp_path, request):
    db, _ = ready
    counts = {0: 0, 1: 0, 2: 0}
    name = st.text(alphabet=st.characters(blacklist_characters="/\x00",
                                          blacklist_categories=("Cs",)),
                   min_size=1, max_size=30).filter(lambda n: n not in (".", ".."))
    content = st.one_of(st.none(), st.binary(max_size=300),
                        st.sampled_from([b"PK\x03\x04", b"SQLite format 3\x00",
                                         b"id: x\ntitle: t\n"]))
    use = st.sampled_from(["evidence", "checklist", "validate", "restore", "followup"])

    @settings(max_examples=250, **SETTINGS)
    @given(name, content, use)
    def prop(filename, data, kind):
        if "\n" in filename and kind != "evidence":
            # Messages about a backup, workbook or checklist path quote the path as it is:
            # a newline in the file name shows as a second (prefixed) line. Left as is.
            filename = filename.replace("\n", "_")
        folder = tmp_path / "files"
        folder.mkdir(exist_ok=True)
        path = folder / filename
        if data is not None:
            path.write_bytes(data)
        args = {
            "evidence": ["record", "1", "4.1", "--result", "conform", "--evidence-file",
                         path],
            "checklist": ["audits", "new", "--checklist", path, "--title", "T",
                          "--auditee", "A"],
            "validate": ["checklists", "validate", path],
            "restore": ["restore", path],
            "followup": ["followup", "import", "1", path],
        }[kind]
        before = dump(db)
        stamp = db.stat().st_mtime_ns
        r = cli(*args)
        try:
            if kind == "validate":
                assert r.code in (0, 1) and "Traceback" not in r.err
                assert dump(db) == before
            else:
                outcome(r, db, before, many_lines=kind in ("checklist", "followup"))
            if r.code != 0:
                assert db.stat().st_mtime_ns == stamp
            if kind in ("restore", "followup", "checklist"):
                assert r.code == 1 or data is not None
        finally:
            if path.exists():
                path.unlink()
        counts[r.code] += 1

    prop()
    report(request, f"command line, missing and odd files: {sum(counts.values())} examples "
                    f"(exit 0: {counts[0]}, 1: {counts[1]}, 2: {counts[2]})")


MARKUPISH = st.one_of(TYPED, st.sampled_from(["[/b]", "[red]A", "[/]", "[link=x]y[/link]",
                                              "\x1b]0;pwned\x07", "\x1b[2J", "a\u2028b",
                                              "\\[x]", "[bold", "]"]))


def squashed(text: str) -> str:
    """Text without its whitespace: a long line or a table cell may wrap anywhere."""
    return "".join(text.split())


def test_any_title_auditee_or_note_prints_without_a_crash_or_an_escape(cli, ready, request):
    """Found by this test: a title such as `x [/bold]` made `audits new`, `list` and
    `show` fail with a rich MarkupError traceback, and escape sequences in a title went
    to the terminal as they were."""
    db, _ = ready
    seen = []

    @settings(max_examples=60, **SETTINGS)
    @given(MARKUPISH.filter(lambda t: t.strip()), MARKUPISH.filter(lambda t: t.strip()),
           MARKUPISH.filter(lambda t: t.strip() and not t.startswith("-")))
    def prop(title, auditee, note):
        seen.append(1)
        # `--flag=VALUE` and `--` as a user writes a value that begins with a dash.
        new = cli("audits", "new", "--checklist", "iso9001-2015", f"--title={title}",
                  f"--auditee={auditee}")
        assert new.code == 0, new.err
        audit = str(cli("audits", "list", "--json").json()[0]["id"])
        assert cli("record", audit, "4.1", "--result", "conform", "--note", note).code == 0
        for args in (("audits", "list"), ("audits", "show", audit),
                     ("programme", "--", auditee)):
            r = cli(*args)
            assert r.code == 0, (args, r.err)
            assert "\x1b" not in r.out and "\x07" not in r.out, (args, r.out)
            if args[1] == "show":
                # The title as stored, controls shown as escapes, markup as typed.
                assert squashed(shown(title.strip())) in squashed(r.out), (title, r.out)

    prop()
    report(request, f"command line, hostile titles, auditees and notes printed: {len(seen)} "
                    "examples")
