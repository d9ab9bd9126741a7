"""`auditor bundle export` and `auditor bundle import` on the command line."""

from __future__ import annotations

import json


def test_export_import_merge_and_conflicts_on_the_command_line(cli, tmp_path):
    lead, member = (f"sqlite:///{tmp_path / n}.db" for n in ("lead", "member"))
    assert cli("--db", lead, "checklists", "list").code == 0
    made = cli("--db", lead, "audits", "new", "--checklist", "iso9001-2015", "--title",
               "Audit [red]2026[/red]", "--auditee", "Acme", "--json")
    assert made.code == 0, made.err
    number = made.json()["id"]
    first = cli("--db", lead, "bundle", "export", number, "-o", tmp_path / "out.auditor",
                "--refs", "4.1,4.2", "--for", "member")
    assert first.code == 0, first.err
    assert "finding ids for member's copy: GP-2026-001..020" in first.out
    again = cli("--db", lead, "bundle", "export", number, "-o", tmp_path / "out.auditor")
    assert again.code == 1 and "already there" in again.err
    bad_ref = cli("--db", lead, "bundle", "export", number, "-o", tmp_path / "x.auditor",
                  "--refs", "99.9")
    assert bad_ref.code == 1 and "99.9" in bad_ref.err and not (tmp_path / "x.auditor").exists()

    dry = cli("--db", member, "bundle", "import", tmp_path / "out.auditor", "--dry-run")
    assert dry.code == 0 and "would create" in dry.out
    taken = cli("--db", member, "bundle", "import", tmp_path / "out.auditor", "--json")
    assert taken.code == 0, taken.err
    here = taken.json()["audit"]
    assert cli("--db", member, "record", here, "4.1", "--result", "conform", "--note",
               "member saw it").code == 0
    assert cli("--db", lead, "record", number, "4.1", "--result", "minor", "--statement",
               "no review", "--note", "lead saw otherwise").code == 0
    assert cli("--db", member, "bundle", "export", here, "-o", tmp_path / "back.auditor"
               ).code == 0

    stuck = cli("--db", lead, "bundle", "import", tmp_path / "back.auditor")
    assert stuck.code == 1
    assert "conflict: item 4.1 result" in stuck.out and "conflict: item 4.1 notes" in stuck.out
    assert "'member saw it' (tester" in stuck.out
    assert stuck.err.count("\n") == 1 and "--prefer" in stuck.err
    shown = cli("--db", lead, "audits", "show", number, "--json").json()
    assert {i["ref"]: i["notes"] for i in shown["items"]}["4.1"] == "lead saw otherwise"

    dry = cli("--db", lead, "bundle", "import", tmp_path / "back.auditor", "--dry-run",
              "--json")
    assert dry.code == 0 and not dry.json()["applied"]
    assert {(c["record"], c["field"]) for c in dry.json()["conflicts"]} == {
        ("4.1", "result"), ("4.1", "notes")}
    review = cli("--db", lead, "bundle", "import", tmp_path / "back.auditor", "--review")
    assert review.code == 1 and "needs a terminal" in review.err  # tests run without one
    done = cli("--db", lead, "bundle", "import", tmp_path / "back.auditor", "--prefer",
               "theirs")
    assert done.code == 0, done.err
    assert "conflict: item 4.1 notes (settled: theirs)" in done.out
    shown = cli("--db", lead, "audits", "show", number, "--json").json()
    item = {i["ref"]: i for i in shown["items"]}["4.1"]
    # The lead's minor finding stays: the item shows the most severe of its findings.
    assert (item["result"], item["notes"]) == ("minor", "member saw it")
    assert cli("--db", lead, "audits", "verify", number).code == 0
    assert cli("--db", member, "audits", "verify", here).code == 0
    nothing = cli("--db", lead, "bundle", "import", tmp_path / "back.auditor")
    assert nothing.code == 0 and "nothing new" in nothing.out


def test_a_bad_bundle_is_one_line_and_exit_1(cli, tmp_path):
    junk = tmp_path / "junk.auditor"
    junk.write_text(json.dumps({"not": "a zip"}))
    out = cli("--db", f"sqlite:///{tmp_path / 'a.db'}", "bundle", "import", junk)
    assert out.code == 1 and out.err.count("\n") == 1 and "not a zip" in out.err
