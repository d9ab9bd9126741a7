"""An auditor's day in a real terminal (tmux), typed as a person types: from `auditor`
with no arguments (home) to the surveillance comparison.

Home → new audit form (iso9001-2015, title, auditee) → one-key results (c, o, m with the
finding form, x) and a note → close with a conclusion → E exports the NC workbook → the
auditee fills their columns (openpyxl, here) → I imports it back → the findings screen
accepts the plan → home → the surveillance audit following the first (new audit form,
type surveillance, previous audit) → the previous finding verified effective from the
previous-findings panel → d, the comparison. Then `auditor audits show --json` and
`auditor audits verify` check what the store holds.

Keys are sent without pauses beyond waiting for the screen (wait_for); after tab the test
waits for the next field to look focused, as a typist's eyes do (text typed before the
focus moved would land in the field left).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from terminal import AUDITOR, SIZES, Terminal, show

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

openpyxl = pytest.importorskip("openpyxl")

TITLE = "Internal audit 2026"
SURVEILLANCE = "Surveillance 2027"
AUDITEE = "Acme Soft"
STATEMENT = "No design review record for release 4.2, seen twice-over"
NOTE = "Interviewed the QA lead; the process map QM-PROC-004 rev 3 is up-to-date"
CONCLUSION = "The QMS is effectively implemented, with one minor NC (design-reviews)"
HOW = "Saw the design review records of releases 4.3 and 4.4, signed-off-by-QA"
AUDITEE_ANSWERS = {
    "Root cause": "The release checklist had no design review step",
    "Correction": "Design review of release 4.2 held on 2026-04-02",
    "Corrective action": "Design review added to the release checklist",
    "Owner": "J. Doe, QA lead",
    "Due date": dt.datetime(2027, 3, 31),
    "Status": "responded",
    "Auditee comment": "Checklist v7 published",
}


def type_text(terminal: Terminal, text: str) -> None:
    terminal.tmux("send-keys", "-t", terminal.session, "-l", "--", text)


def typed(terminal: Terminal, text: str, shown: str | None = None,
          timeout: float = 20.0) -> str:
    """Type `text` and wait until the screen shows `shown`, else its last word (a long
    text wraps)."""
    type_text(terminal, text)
    return terminal.wait_for(shown or text.split()[-1], timeout=timeout)


def choose(terminal: Terminal, field: str, option: str, downs: int) -> None:
    """Open the select on the focused line `field`, go down `downs` options, take it."""
    terminal.keys("Enter", pause=0)
    terminal.wait_for(option)
    terminal.keys(*["Down"] * downs, "Enter", pause=0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = next((x for x in terminal.screen().splitlines()
                     if x.strip().startswith(field)), "")
        if option in line:
            return
        time.sleep(0.1)
    raise AssertionError(f"{field} is not {option}; the screen shows:\n{terminal.screen()}")


def fill_auditee_columns(exported: Path, answered: Path) -> str:
    """What the auditee does in the workbook: their columns of the minor NC's row; the
    finding's code."""
    book = openpyxl.load_workbook(exported)
    sheet = book["Findings"]
    headers = {cell.value: cell.column for cell in sheet[1] if cell.value}
    assert "Finding ID" in headers, f"no Finding ID header in row 1: {list(headers)}"
    rows = [r for r in range(2, sheet.max_row + 1)
            if sheet.cell(r, headers["Grade"]).value == "Minor nonconformity"]
    assert len(rows) == 1, "the minor NC is not on one row of the Findings sheet"
    for header, value in AUDITEE_ANSWERS.items():
        sheet.cell(rows[0], headers[header]).value = value
    book.save(answered)
    return sheet.cell(rows[0], headers["Finding ID"]).value


def day(terminal: Terminal, env: dict[str, str], tmp_path: Path,
        size: tuple[int, int]) -> str:
    """The day, typed; the code of the minor NC."""
    exports = Path(env["AUDITOR_EXPORTS"])
    terminal.start(*AUDITOR, size=size)
    terminal.wait_for("No audits yet")

    # -- plan the audit on the new audit form -------------------------------------------
    terminal.keys("n", pause=0)
    terminal.wait_for("Choose a checklist")  # the installed checklists are loaded
    terminal.move_focus("BTab", "Checklist")
    choose(terminal, "Checklist", "iso9001-2015", downs=3)
    terminal.move_focus("Tab", "Title")
    typed(terminal, TITLE)
    terminal.move_focus("Tab", "Auditee")
    typed(terminal, AUDITEE)
    terminal.keys("C-s", pause=0)
    terminal.wait_for("0/65")

    # -- one-key results, a finding, a note ---------------------------------------------
    terminal.keys("c", pause=0)  # 4.1 conform
    terminal.wait_for("1/65")
    terminal.keys("n", "o", pause=0)  # 4.2 observation
    terminal.wait_for("2/65")
    terminal.keys("n", "m", pause=0)  # 4.3 minor: the finding form
    terminal.wait_for("Statement")
    typed(terminal, STATEMENT)
    terminal.keys("C-s", pause=0)
    terminal.wait_for("3/65")
    terminal.keys("n", "x", pause=0)  # 4.4.1 not applicable
    terminal.wait_for("4/65")
    terminal.keys("Enter", pause=0)  # its notes
    terminal.wait_gone("m Minor")
    typed(terminal, NOTE)
    terminal.keys("Escape", pause=0)
    terminal.wait_for("m Minor")

    # -- close the audit -----------------------------------------------------------------
    terminal.keys("C", pause=0)
    terminal.wait_for("Conclusion")
    typed(terminal, CONCLUSION)
    terminal.keys("C-s", pause=0)
    terminal.wait_for("y Confirm close")  # the key bar: at 80x24 the dialog cuts its text
    terminal.keys("y", pause=0)
    terminal.wait_for("CLOSED")

    # -- export the NC report, the auditee answers, import it back -----------------------
    terminal.keys("E", pause=0)
    terminal.wait_for("Export the NC report")
    terminal.keys("Enter", pause=0)  # the name offered, in the exports folder
    terminal.wait_for("NC report written to")
    [exported] = exports.glob("*.xlsx")
    answered = tmp_path / "nc-report-answered.xlsx"
    code = fill_auditee_columns(exported, answered)
    terminal.keys("I", pause=0)
    terminal.wait_for("Import the follow-up")
    typed(terminal, str(answered), shown=answered.name)
    terminal.keys("Enter", pause=0)
    terminal.wait_for("7 change(s) to 1 finding(s)")
    terminal.keys("a", pause=0)
    terminal.wait_for("Imported 7 change(s)")

    # -- the findings screen: the auditee's plan accepted ---------------------------------
    terminal.keys("F", pause=0)
    terminal.wait_for(f"{code} ")
    terminal.keys("Down", pause=0)
    terminal.wait_for(f"{code} · 4.3")  # the detail under the table: the NC highlighted
    terminal.keys("a", pause=0)
    terminal.wait_for("accepted")
    terminal.keys("Escape", pause=0)
    terminal.wait_for("CLOSED")
    terminal.keys("Escape", pause=0)  # home
    terminal.wait_for("recording as")

    # -- the surveillance audit that follows it -------------------------------------------
    terminal.keys("n", pause=0)
    terminal.wait_for("Choose a checklist")
    typed(terminal, SURVEILLANCE)
    terminal.move_focus("Tab", "Auditee")
    typed(terminal, AUDITEE)
    terminal.move_focus("Tab", "Scope")
    terminal.move_focus("Tab", "Site")
    terminal.move_focus("Tab", "Objectives")
    terminal.move_focus("Tab", "Criteria")
    # Type is below the fold at 80x24 until the focus brings it into view: wait for the
    # focus to leave Criteria (its line changes colour), then for Type to be in sight.
    terminal.move_focus("Tab", "Criteria")
    terminal.wait_for("Type            internal")
    choose(terminal, "Type", "surveillance", downs=2)
    # down to Follows (below the fold at 80x24): the closed audit is offered
    terminal.keys("Tab", "Tab", "Tab", "Tab", "Tab", pause=0.1)
    terminal.wait_for("Follows         1: Internal")
    terminal.keys("C-s", pause=0)
    terminal.wait_for("audit 2")
    terminal.wait_for("2 findings to verify")
    terminal.keys("p", pause=0)  # the previous findings: the observation, then the NC
    terminal.wait_for("v Effective")
    terminal.keys("Down", pause=0)
    terminal.wait_for(f"{code} on 4.3")
    terminal.keys("v", pause=0)
    terminal.wait_for("Verified by")
    typed(terminal, HOW)
    terminal.keys("C-s", pause=0)
    terminal.wait_for("1 finding to verify")  # the NC is closed: only the observation
    print(terminal.screen())
    terminal.keys("p", pause=0)  # back to the tree
    terminal.wait_for("m Minor")
    terminal.keys("d", pause=0)
    terminal.wait_for("Compare audits 1 → 2")
    terminal.wait_for("previous findings 2, 1 still open, 1 closed")
    terminal.keys("Escape", pause=0)
    terminal.wait_for("m Minor")
    terminal.keys("C-q", pause=0)
    terminal.wait_closed()
    return code


@pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))
def test_an_auditors_day_from_home_to_the_surveillance_comparison(terminal, env, tmp_path,
                                                                   size, capsys):
    env["AUDITOR_EXPORTS"] = str(tmp_path / "exports")
    began = time.monotonic()
    code = day(terminal, env, tmp_path, SIZES[size])
    typed_for = time.monotonic() - began

    first, second = show(env, 1), show(env, 2)
    assert (first["title"], first["auditee"], first["status"]) == (TITLE, AUDITEE, "closed")
    assert first["checklist"]["id"] == "iso9001-2015"
    assert first["conclusion"] == CONCLUSION
    results = {i["ref"]: i["result"] for i in first["items"]}
    assert {r: results[r] for r in ("4.1", "4.2", "4.3", "4.4.1", "4.4.2")} == {
        "4.1": "conform", "4.2": "observation", "4.3": "minor", "4.4.1": "na",
        "4.4.2": "not_assessed"}
    assert {i["ref"]: i["notes"] for i in first["items"] if i["notes"]} == {"4.4.1": NOTE}
    found = {f["id"]: f for f in first["findings"]}
    assert set(found) == {"OBS-2026-001", code}
    assert found["OBS-2026-001"]["grade"] == "observation"
    assert found["OBS-2026-001"]["status"] == "open"
    nc = found[code]
    assert (nc["ref"], nc["grade"], nc["statement"]) == ("4.3", "minor", STATEMENT)
    # the auditee's answers, imported; accepted on the findings screen, then verified
    # effective from the surveillance audit, which closed it
    assert nc["root_cause"] == AUDITEE_ANSWERS["Root cause"]
    assert nc["correction"] == AUDITEE_ANSWERS["Correction"]
    assert nc["corrective_action"] == AUDITEE_ANSWERS["Corrective action"]
    assert nc["owner"] == AUDITEE_ANSWERS["Owner"]
    assert nc["due_date"] == "2027-03-31"
    assert nc["auditee_comment"] == AUDITEE_ANSWERS["Auditee comment"]
    assert nc["status"] == "closed"
    assert nc["verification_note"] == HOW
    assert nc["verified_by"] == "e2e"

    assert (second["title"], second["auditee"], second["type"]) == (
        SURVEILLANCE, AUDITEE, "surveillance")
    assert second["previous_id"] == 1
    assert second["checklist"]["id"] == "iso9001-2015"
    assert second["status"] != "closed"

    for audit_id in ("1", "2"):
        done = subprocess.run([*AUDITOR, "audits", "verify", audit_id], capture_output=True,
                              text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
    with capsys.disabled():
        print(f"\nauditor's day at {size}: typed in {typed_for:.0f} s")
