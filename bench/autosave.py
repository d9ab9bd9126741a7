"""Autosave cost: one item result recorded through the store, against a raw sqlite3 commit.

The TUI saves on every key press: notes through `Store.set_item_text`, a result key through
`Store.record_result`. Each call is one committed transaction (WAL, synchronous=FULL) plus
its hash-chained change-log entry. The baseline is the cheapest durable write SQLite can
do: an UPDATE of one row committed on its own connection with the same pragmas, in the
same folder, measured in the same run and interleaved with the store's calls so both see
the same disk.

    python bench/autosave.py [--n 1000] [--dir FOLDER]

Target: the store's p99 within 2x of raw sqlite3's p99.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.domain.store import Store
from auditor.exchange import library

WARMUP = 50
RESULTS = ("conform", "na")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, notes TEXT)")
    conn.execute("INSERT OR IGNORE INTO item (id, notes) VALUES (1, '')")
    return conn


def raw_commit(conn: sqlite3.Connection, text: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE item SET notes = ? WHERE id = 1", (text,))
    conn.execute("COMMIT")


def timed(fn, *args, **kwargs) -> tuple[float, float]:
    """Wall time, and this thread's CPU time: the part that is our code, not the disk."""
    cpu, start = time.thread_time(), time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start, time.thread_time() - cpu


def run(n: int, folder: Path) -> dict[str, list[tuple[float, float]]]:
    store = Store.open(f"sqlite:///{folder / 'auditor.db'}", folder / "evidence", "bench")
    raw = raw_connection(folder / "raw.db")
    try:
        checklist = library.find("iso9001-2015")
        audit = store.create_audit(checklist, title="Autosave bench", auditee="Bench Ltd")
        refs = [item.ref for item in checklist.assessable_items()]
        samples: dict[str, list[tuple[float, float]]] = {
            "set_item_text": [], "record_result": [], "raw": []}
        note = ""
        for i in range(WARMUP + n):
            ref = refs[i % len(refs)]
            # A note grows by one key press at a time, as it does while typing.
            note = (note + "abcdefghij"[i % 10])[-400:]
            t_text = timed(store.set_item_text, audit.id, ref, notes=note)
            t_result = timed(store.record_result, audit.id, ref, RESULTS[i % 2])
            t_raw = timed(raw_commit, raw, note)
            if i >= WARMUP:
                samples["set_item_text"].append(t_text)
                samples["record_result"].append(t_result)
                samples["raw"].append(t_raw)
        broken = store.verify_trail()
        if broken is not None:
            raise SystemExit(f"bench: change log broken at entry {broken.entry_id}")
        return samples
    finally:
        raw.close()
        store.close()


def report(samples: dict[str, list[tuple[float, float]]]) -> None:
    wall = {k: [w for w, _c in v] for k, v in samples.items()}
    cpu = {k: [c for _w, c in v] for k, v in samples.items()}
    raw50, raw99 = percentile(wall["raw"], 50), percentile(wall["raw"], 99)
    cpu50 = percentile(cpu["raw"], 50)
    print(f"{'path':<16}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
          f"{'p50/raw':>9}{'p99/raw':>9}{'cpu p50':>9}{'cpu/raw':>9}")
    for name in ("set_item_text", "record_result", "raw"):
        s = wall[name]
        p50, p99, c50 = percentile(s, 50), percentile(s, 99), percentile(cpu[name], 50)
        print(f"{name:<16}{len(s):>6}{p50 * 1e3:>9.3f}{p99 * 1e3:>9.3f}"
              f"{statistics.fmean(s) * 1e3:>9.3f}{p50 / raw50:>9.2f}{p99 / raw99:>9.2f}"
              f"{c50 * 1e3:>9.3f}{c50 / cpu50:>9.2f}")
    worst = max(percentile(wall[k], 99) for k in ("set_item_text", "record_result"))
    worst50 = max(percentile(wall[k], 50) for k in ("set_item_text", "record_result"))
    verdict = "within" if worst <= 2 * raw99 else "NOT within"
    print(f"store p99 / raw p99 = {worst / raw99:.2f} ({verdict} the 2x target); "
          f"store p50 / raw p50 = {worst50 / raw50:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="records measured (>= 1000)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="folder for the two databases (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.n < 1000:
        parser.error("--n must be at least 1000 for a meaningful p99")
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="auditor-bench-") as tmp:
        samples = run(args.n, Path(tmp))
    report(samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
