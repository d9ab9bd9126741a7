"""The team server's write cost: one item result through the store on PostgreSQL, against
a raw psycopg single-row commit on the same server in the same run (interleaved, so both
see the same load); then 8 concurrent writer processes for 30 s: writes per second and
failures.

    python bench/server.py [--url postgresql+psycopg://...] [--n 500] [--seconds 30]

Without --url (or AUDITOR_TEST_PG) a throwaway cluster is started on a unix socket
(tests/pg_cluster.py), which is "loopback" at its cheapest; give a URL with host=127.0.0.1
for TCP. Targets: the store's p99 within 2x of the raw commit's; 0 failures.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WARMUP = 30
RESULTS = ("conform", "na")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def fresh_database(admin_url: str, name: str) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    from auditor.domain.server import upgrade_server

    plain = make_url(admin_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(plain.render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade_server(url)
    return url


def single_writes(url: str, evidence: Path, n: int) -> tuple[list[float], list[float]]:
    import psycopg
    from sqlalchemy.engine import make_url

    from auditor.domain.store import Store
    from auditor.exchange import library

    store = Store.open(url, evidence, "bench")
    audit = store.create_audit(library.find("iso9001-2015"), title="Bench", auditee="A").id
    raw = psycopg.connect(make_url(url).set(drivername="postgresql")
                          .render_as_string(hide_password=False))
    raw.execute("CREATE TABLE IF NOT EXISTS bench_item (id int PRIMARY KEY, notes text)")
    raw.execute("INSERT INTO bench_item VALUES (1, '') ON CONFLICT DO NOTHING")
    raw.commit()
    ours, theirs = [], []
    for i in range(WARMUP + n):
        start = time.perf_counter()
        store.record_result(audit, "4.1", RESULTS[i % 2])
        mid = time.perf_counter()
        raw.execute("UPDATE bench_item SET notes = %s WHERE id = 1", (f"n{i}",))
        raw.commit()
        end = time.perf_counter()
        if i >= WARMUP:
            ours.append(mid - start)
            theirs.append(end - mid)
    raw.close()
    store.close()
    return ours, theirs


def writer(url: str, evidence: str, audit: int, seconds: float, seed: int, out) -> None:
    from auditor.domain.errors import AuditorError
    from auditor.domain.store import Store

    refs = ("4.1", "4.2", "4.3", "5.1.1", "5.2.1", "6.3", "7.4", "8.3.4")
    store = Store.open(url, Path(evidence), f"writer-{seed}")
    done = failed = 0
    first = ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            store.set_item_text(audit, refs[(seed + done) % len(refs)],
                                notes=f"w{seed} n{done}")
            done += 1
        except (AuditorError, Exception) as exc:  # counted, never hidden: the target is 0
            failed += 1
            first = first or f"{type(exc).__name__}: {exc}"
    store.close()
    out.put((done, failed, first))


def concurrent(url: str, evidence: Path, writers: int, seconds: float) -> tuple[int, int]:
    from auditor.domain.store import Store
    from auditor.exchange import library

    store = Store.open(url, evidence, "bench")
    audit = store.create_audit(library.find("iso9001-2015"), title="Team", auditee="A").id
    store.close()
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=writer, args=(url, str(evidence), audit, seconds,
                                                          seed, out))
             for seed in range(writers)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    store = Store.open(url, evidence, "bench")
    problems = store.verify_audit(audit)["problems"]
    store.close()
    if problems:
        print(f"verify after the concurrent run: {problems[:3]}")
    for _, _, first in results:
        if first:
            print(f"a writer's first failure: {first}")
    return sum(r[0] for r in results), sum(r[1] for r in results) + len(problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("AUDITOR_TEST_PG"))
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    os.environ.setdefault("AUDITOR_KEY_FILE", str(Path(tempfile.mkdtemp()) / "log.key"))
    cluster = None
    if not args.url:
        import pg_cluster

        cluster = Path(tempfile.mkdtemp(prefix="auditor-bench-pg-"))
        args.url = pg_cluster.start(cluster)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            evidence = Path(scratch) / "evidence"
            url = fresh_database(args.url, "auditor_bench")
            ours, theirs = single_writes(url, evidence, args.n)
            p50, p99 = percentile(ours, 50), percentile(ours, 99)
            r50, r99 = percentile(theirs, 50), percentile(theirs, 99)
            print(f"one item result through the store on PostgreSQL ({args.n} writes): "
                  f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, mean "
                  f"{statistics.mean(ours) * 1000:.2f} ms")
            print(f"raw psycopg single-row commit: p50 {r50 * 1000:.2f} ms, p99 "
                  f"{r99 * 1000:.2f} ms")
            print(f"ratio store/raw: p50 {p50 / r50:.2f}x, p99 {p99 / r99:.2f}x "
                  "(target: p99 within 2x)")
            url = fresh_database(args.url, "auditor_bench_team")
            writes, failures = concurrent(url, evidence, args.writers, args.seconds)
            print(f"{args.writers} concurrent writers for {args.seconds:.0f} s: {writes} "
                  f"writes, {writes / args.seconds:.0f} writes/s, {failures} failures "
                  "(target: 0)")
    finally:
        if cluster is not None:
            import pg_cluster

            pg_cluster.stop(cluster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
