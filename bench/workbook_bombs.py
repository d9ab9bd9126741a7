"""Workbook bombs against `auditor followup import`: time and peak memory of each.

Exports a normal NC report of an audit, then builds from it workbooks that are small on
disk but claim a lot (each under the 20 MB and 200 MB limits): a Findings sheet that
declares the dimension A1:XFD1048576 (alone, with a value in its last cell, with 100,000
rows of one value each),
250,000 cell styles, 5 million shared strings, a cell of 5 million characters, a cell
nested a million elements deep, the hidden `_auditor` sheet with a huge dimension or 5
million cells, a tag of 150 MB, 150,000 zip entries, and a bomb in a sheet the import
does not read. Each is imported (`--dry-run`) by the command line in a subprocess;
the line shows the wall and CPU time and the peak RSS of that subprocess (ru_maxrss of
RUSAGE_CHILDREN in a small Python that runs it), as ratios to the import of the
normal workbook in the same run, with the exit code and the first line of the error.

    python bench/workbook_bombs.py [--findings 40] [--only NAME ...] [--timeout 120]
                                   [--limit-mb 4096] [--src DIR]

`--src DIR` runs another checkout (e.g. `git archive <commit> | tar -x -C DIR`) to
measure the import before a change; `--limit-mb` caps each subprocess's address space
(RLIMIT_AS) and `--timeout` its time, so a bomb that works cannot take the machine down:
a capped run shows `>`. Target: every bomb accepted or refused within 5 s and 300 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FULL_DIMENSION = '<dimension ref="A1:XFD1048576"/>'
GRADES = ("minor", "major", "observation", "ofi")


# -- the normal workbook -------------------------------------------------------------------


def build_export(folder: Path, findings: int) -> tuple[Path, int, Path]:
    """An audit of the ISO 9001 checklist with `findings` findings, exported."""
    from auditor.domain.store import Store
    from auditor.exchange.checklist_yaml import load_checklist
    from auditor.exchange.workbook_export import export_workbook

    db = folder / "bench.db"
    store = Store.open(f"sqlite:///{db}", folder / "evidence", "bench", clock=lambda: NOW)
    try:
        checklist = load_checklist(ROOT / "checklists" / "iso9001-2015.yaml")
        audit = store.create_audit(checklist, title="Bomb bench 2026", auditee="Acme Soft")
        refs = [i.ref for i in checklist.assessable_items()]
        for n in range(findings):
            _, finding = store.record_result(
                audit.id, refs[n % len(refs)], GRADES[n % len(GRADES)],
                statement=f"Finding {n}: the release procedure asks for a second "
                          "reviewer; 4 of 12 merges had none.")
            if n % 3 == 0:
                store.update_finding(finding.code, {"owner": "Dev lead",
                                                    "due_date": date(2026, 6, 30)})
        path = export_workbook(store, audit.id, folder / "normal.xlsx")
    finally:
        store.close()
    return path, audit.id, db


# -- rewriting parts -----------------------------------------------------------------------


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> part name, from the workbook and its relations."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update({i: t for t, i in re.findall(
        r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', book):
        target = targets[rid]
        out[name] = target[1:] if target.startswith("/") else f"xl/{target}"
    return out


def rewrite(source: Path, target: Path, parts: dict[str, Callable[[bytes], bytes] | bytes],
            extra: int = 0) -> Path:
    """A copy of the workbook with some parts replaced (a function of the old bytes, or
    new bytes; a name not there is added) and `extra` empty entries."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        names = set(src.namelist())
        for item in src.infolist():
            data = src.read(item.filename)
            change = parts.get(item.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            dst.writestr(item.filename, data, zipfile.ZIP_DEFLATED)
        for name, change in parts.items():
            if name not in names:
                dst.writestr(name, change if isinstance(change, bytes) else change(b""))
        for n in range(extra):
            dst.writestr(f"x/{n}", b"", zipfile.ZIP_STORED)
    return target


def with_dimension(xml: bytes, last_cell: bool = False) -> bytes:
    xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
    xml = xml.replace(b"<sheetViews>", FULL_DIMENSION.encode() + b"<sheetViews>", 1)
    if last_cell:
        xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                          b't="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)
    return xml


def with_cell_text(xml: bytes, text: bytes) -> bytes:
    """The first finding's Root cause (column I of row 2) replaced by `text`."""
    cell = b'<c r="I2" t="inlineStr"><is><t>' + text + b"</t></is></c>"
    xml = re.sub(rb'<c r="I2"[^>]*/>|<c r="I2".*?</c>', b"", xml, count=1)
    return re.sub(rb'(<row r="2"[^>]*>)', lambda m: m.group(1) + cell, xml, count=1)


def many_rows(xml: bytes, rows: int) -> bytes:
    """`rows` rows below the findings, a value in column A of each."""
    filler = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>'
                      % (n, n) for n in range(100, 100 + rows))
    return xml.replace(b"</sheetData>", filler + b"</sheetData>", 1)


def unknown_ids(xml: bytes, rows: int) -> bytes:
    """`rows` rows below the findings, each with a finding id the audit does not have."""
    filler = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>NC-2026-9%05d</t></is>'
                      b"</c></row>" % (n, n, n) for n in range(100, 100 + rows))
    return xml.replace(b"</sheetData>", filler + b"</sheetData>", 1)


def full_rows(xml: bytes, rows: int, chars: int) -> bytes:
    """`rows` rows below the findings, 15 text cells of `chars` characters each and no
    finding id: as much as the limits let through (each row is a warning)."""
    text = (b"An answer typed by the auditee, " * (chars // 32 + 1))[:chars]
    filler = b"".join(b'<row r="%d">' % n + b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col, n, text)
        for col in (bytes([c]) for c in b"BCDEFGHIJKLMNOP"))
        + b"</row>" for n in range(100, 100 + rows))
    return xml.replace(b"</sheetData>", filler + b"</sheetData>", 1)


def many_cells(xml: bytes, cells: int) -> bytes:
    filler = b'<row r="9999">' + b"<c/>" * cells + b"</row>"
    return xml.replace(b"</sheetData>", filler + b"</sheetData>", 1)


def many_styles(xml: bytes, count: int) -> bytes:
    xfs = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * count
    return re.sub(rb"(<cellXfs[^>]*>)", lambda m: m.group(1) + xfs, xml, count=1)


def shared_strings(count: int) -> bytes:
    return (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>x</t></si>" * count + b"</sst>")


def add_strings_rel(xml: bytes) -> bytes:
    rel = (b'<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    return xml.replace(b"</Relationships>", rel + b"</Relationships>", 1)


def add_strings_type(xml: bytes) -> bytes:
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return xml.replace(b"</Types>", override + b"</Types>", 1)


def bombs(base: Path, folder: Path) -> dict[str, Path]:
    sheets = sheet_parts(base)
    findings, state = sheets["Findings"], sheets["_auditor"]
    unread = sheets["Checklist"]
    made = {
        "dimension": {findings: with_dimension},
        "dimension+value": {findings: lambda x: with_dimension(x, last_cell=True)},
        "dimension+100k rows": {findings: lambda x: many_rows(with_dimension(x), 100_000)},
        "9,900 unknown ids": {findings: lambda x: unknown_ids(x, 9_900)},
        "at the limits": {findings: lambda x: full_rows(x, 9_900, 130)},
        "styles 250k": {"xl/styles.xml": lambda x: many_styles(x, 250_000)},
        "shared strings 5M": {"xl/sharedStrings.xml": shared_strings(5_000_000),
                              "xl/_rels/workbook.xml.rels": add_strings_rel,
                              "[Content_Types].xml": add_strings_type},
        "cell of 5M chars": {findings: lambda x: with_cell_text(x, b"A" * 5_000_000)},
        "cell 1M deep": {findings: lambda x: with_cell_text(
            x, b"<r>" * 1_000_000 + b"x" + b"</r>" * 1_000_000)},
        "_auditor dimension": {state: with_dimension},
        "_auditor 5M cells": {state: lambda x: many_cells(x, 5_000_000)},
        "tag of 150 MB": {"xl/styles.xml": lambda x: x.replace(
            b"<styleSheet ", b'<styleSheet bomb="' + b"b" * 150_000_000 + b'" ', 1)},
        "unread sheet 10M cells": {unread: lambda x: many_cells(x, 10_000_000)},
    }
    out = {name: rewrite(base, folder / f"bomb{n}.xlsx", parts)
           for n, (name, parts) in enumerate(made.items())}
    out["150k zip entries"] = rewrite(base, folder / "entries.xlsx", {}, extra=150_000)
    return out


# -- running the import ----------------------------------------------------------------------


@dataclass
class Run:
    code: int | None
    wall: float
    cpu: float
    rss_mb: float
    first: str
    capped: bool


# A small Python runs the import and writes its RUSAGE_CHILDREN: a child forked straight
# from this process (which holds the bombs) would count this process's pages as its peak.
MEASURE = """import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


def run_import(src: Path, db: Path, aid: int, workbook: Path, home: Path, timeout: float,
               limit_mb: int) -> Run:
    env = {**os.environ, "PYTHONPATH": str(src), "AUDITOR_HOME": str(home),
           "AUDITOR_USER": "bench"}

    def cap() -> None:
        if limit_mb:
            size = limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    usage_file = home.parent / "usage.txt"
    usage_file.unlink(missing_ok=True)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", MEASURE, str(usage_file), sys.executable, "-m", "auditor",
         "--db", str(db), "followup", "import", str(aid), str(workbook), "--dry-run"],
        env=env, cwd=src, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=cap, start_new_session=True)
    capped = False
    try:
        _, err_bytes = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        _, err_bytes = child.communicate()
        capped = True
    wall = time.perf_counter() - start
    err = err_bytes.decode(errors="replace")
    first = next((line for line in err.splitlines() if line.strip()), "")
    if "MemoryError" in err:
        capped, first = True, f"MemoryError at the {limit_mb} MB cap"
    peak_kb, cpu = (float(v) for v in usage_file.read_text().split()) \
        if usage_file.exists() else (0.0, float("nan"))
    if capped and not usage_file.exists():
        first = first or f"killed after {timeout:.0f} s"
    return Run(None if capped else child.returncode, wall, cpu, peak_kb / 1024, first,
               capped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=40)
    parser.add_argument("--only", nargs="*", default=None, help="bomb names to run")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--limit-mb", type=int, default=4096)
    parser.add_argument("--src", type=Path, default=ROOT,
                        help="the checkout whose import runs (default: this one)")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args(argv)
    src = args.src.resolve()
    sys.path.insert(0, str(src))
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="auditor-bombs-") as tmp:
        folder = Path(tmp)
        base, aid, db = build_export(folder, args.findings)
        made = bombs(base, folder)
        home = folder / "home"

        def go(path: Path) -> Run:
            return run_import(src, db, aid, path, home, args.timeout, args.limit_mb)

        normal = go(base)
        print(f"import of {src}; normal workbook: {args.findings} findings, "
              f"{base.stat().st_size / 1024:.0f} KB: exit {normal.code}, {normal.wall:.2f} s "
              f"wall, {normal.cpu:.2f} s CPU, {normal.rss_mb:.0f} MB peak RSS")
        print(f"{'bomb':<24}{'KB':>7}{'wall s':>9}{'CPU s':>8}{'x':>7}{'RSS MB':>9}"
              f"{'x':>7}{'exit':>6}  first line")
        for name, path in made.items():
            if args.only and name not in args.only:
                continue
            r = go(path)
            more = ">" if r.capped else ""
            print(f"{name:<24}{path.stat().st_size / 1024:>7.0f}{more:>1}{r.wall:>8.2f}"
                  f"{r.cpu:>8.2f}{r.cpu / max(normal.cpu, 1e-3):>7.1f}"
                  f"{more:>1}{r.rss_mb:>8.0f}{r.rss_mb / max(normal.rss_mb, 1):>7.1f}"
                  f"{'-' if r.code is None else r.code:>6}  {r.first[:150]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
