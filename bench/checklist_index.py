"""Many checklists installed: `auditor checklists list` and `auditor audits new` with 200
checklists in the user's folder, beside the same commands with only the 5 shipped ones,
each measured from outside the process in the same run.

    .venv/bin/python bench/checklist_index.py [--runs 5] [--count 200]

The 200 checklists are made from the shipped ISO/IEC 27001 checklist, each grown to a
realistic converted framework (about 300 items: the tree repeated under new refs), with
an id that is not the file's name, as `import-ciso -o` leaves it when the output file is
named after the library. `audits new` picks a checklist in the middle of the folder.

Cases (medians of interleaved runs after one warm-up round, which also builds the index):
`list` and `new` with 5 and with 200 installed, the ratio of each (target: within 1.5x),
and `cold list`: the first `checklists list` after the 200 were copied in (no index yet).

Also: writing a converted checklist (dump_checklist) with PyYAML's pure-Python emitter
against the C emitter (what `dump_checklist` uses when libyaml is there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.domain.checklist import Checklist, ChecklistItem  # noqa: E402
from auditor.exchange.checklist_yaml import dump_checklist, load_checklist  # noqa: E402
from auditor.exchange.library import shipped_dir  # noqa: E402

TARGET = 1.5


def auditor_command() -> list[str]:
    script = Path(sys.executable).with_name("auditor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "auditor"]


def _renamed(item: ChecklistItem, suffix: str) -> ChecklistItem:
    return ChecklistItem(ref=f"{item.ref}{suffix}", title=item.title, prompts=item.prompts,
                         evidence=item.evidence, guidance=item.guidance, tags=item.tags,
                         children=tuple(_renamed(c, suffix) for c in item.children))


def big_checklist(base: Checklist, n: int) -> Checklist:
    """About 300 items: the base tree, and the tree again under refs ending in `.b`."""
    return Checklist(id=f"ciso-bench-{n:03d}", title=f"Bench framework {n}",
                     standard=f"Bench {n}", version="1", description=base.description,
                     items=base.items + tuple(_renamed(i, ".b") for i in base.items))


def populate(home: Path, count: int) -> str:
    folder = home / "checklists"
    folder.mkdir(parents=True)
    base = load_checklist(shipped_dir() / "iso27001-2022.yaml")
    template = dump_checklist(big_checklist(base, 0))
    for n in range(count):
        text = template.replace("ciso-bench-000", f"ciso-bench-{n:03d}", 1) \
            .replace("Bench framework 0", f"Bench framework {n}", 1)
        (folder / f"library-{n:03d}.yaml").write_text(text, encoding="utf-8")
    return f"ciso-bench-{count // 2:03d}"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed


def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "AUDITOR_HOME": str(home), "AUDITOR_DB": str(home / "a.db"),
            "AUDITOR_USER": "Bench", "AUDITOR_KEY_FILE": str(home / "log.key")}


def emitter_figures(runs: int) -> tuple[float, float]:
    base = load_checklist(shipped_dir() / "iso27001-2022.yaml")
    data = big_checklist(base, 1).to_dict()
    options = {"sort_keys": False, "allow_unicode": True, "width": 100}
    medians = []
    for dumper in (yaml.SafeDumper, getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            yaml.dump(data, Dumper=dumper, **options)
            times.append(time.perf_counter() - start)
        medians.append(statistics.median(times))
    return medians[0], medians[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    command = auditor_command()
    work = Path(tempfile.mkdtemp(prefix="auditor-bench-index-"))
    try:
        few, many = work / "few", work / "many"
        few.mkdir()
        chosen = populate(many, args.count)
        envs = {"few": environment(few), "many": environment(many)}
        cold = timed([*command, "checklists", "list", "--json"], envs["many"])
        cases = {
            ("list", "few"): [*command, "checklists", "list", "--json"],
            ("list", "many"): [*command, "checklists", "list", "--json"],
            ("new", "few"): [*command, "audits", "new", "--checklist", "iso27001-2022",
                             "--title", "Bench", "--auditee", "Acme"],
            ("new", "many"): [*command, "audits", "new", "--checklist", chosen,
                              "--title", "Bench", "--auditee", "Acme"],
        }
        times: dict[tuple[str, str], list[float]] = {key: [] for key in cases}
        for round_ in range(args.runs + 1):
            for key, argv in cases.items():
                elapsed = timed(argv, envs[key[1]])
                if round_:
                    times[key].append(elapsed)
        print(f"{args.count} checklists installed (about 300 items each), "
              f"{args.runs} runs, medians:")
        print(f"  cold checklists list (no index yet): {cold:.3f} s")
        for what in ("list", "new"):
            few_s = statistics.median(times[(what, "few")])
            many_s = statistics.median(times[(what, "many")])
            ratio = many_s / few_s
            name = "checklists list" if what == "list" else "audits new"
            print(f"  {name}: 5 shipped {few_s:.3f} s, {args.count} installed "
                  f"{many_s:.3f} s, ratio {ratio:.2f}x "
                  f"({'within' if ratio <= TARGET else 'over'} the {TARGET}x target)")
        pure, fast = emitter_figures(args.runs)
        print(f"  writing one converted checklist: pure-Python emitter {pure * 1000:.0f} ms, "
              f"C emitter {fast * 1000:.0f} ms, ratio {pure / fast:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
