"""Converting large CISO Assistant libraries: `import_ciso` on generated frameworks of
8,000, 16,000 and 32,000 requirement nodes, beside loading the same file with PyYAML's
C safe loader alone (the least any conversion must do), measured in the same run.

    .venv/bin/python bench/ciso_import.py [--runs 3] [--sizes 8000,16000,32000]

Each library has the shape of a large real one: sections, clauses under them, and six
assessable requirements under each clause, half without a ref_id (refs made), each with a
question and its answer choices, typical evidence, and an English translation block.

Printed for each size: the conversion, the YAML load, and their ratio; then the ratio of
each size's conversion time to the previous size's (target: about 2x per doubling, that is
linear). Times are the CPU time of this process (others' work on the machine does not
count), best of --runs, each conversion into a fresh output file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.exchange.ciso import import_ciso  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def library(n: int) -> dict:
    fw = "urn:bench:risk:framework:big"
    nodes: list[dict] = []
    section = 0
    while len(nodes) < n:
        section += 1
        s = f"urn:bench:risk:req_node:big:s{section}"
        nodes.append({"urn": s, "parent_urn": fw, "ref_id": str(section),
                      "assessable": False, "name": f"Section {section}",
                      "translations": {"fr": {"name": f"Section {section} (fr)"}}})
        for c in range(1, 9):
            if len(nodes) >= n:
                break
            cu = f"{s}:c{c}"
            nodes.append({"urn": cu, "parent_urn": s, "ref_id": f"{section}.{c}",
                          "assessable": False, "name": f"Clause {section}.{c}"})
            for r in range(1, 7):
                if len(nodes) >= n:
                    break
                ru = f"{cu}:r{r}"
                node = {"urn": ru, "parent_urn": cu, "assessable": True,
                        "description": f"The organisation shall keep record {r} of "
                                       f"{section}.{c}.",
                        "typical_evidence": "- policy\n- records",
                        "questions": {f"{ru}:q": {"type": "unique_choice",
                                                  "text": f"Is record {r} kept?",
                                                  "choices": [{"urn": f"{ru}:q:{k}",
                                                               "value": v}
                                                              for k, v in enumerate(
                                                                  ("yes", "no"))]}}}
                if r % 2:
                    node["ref_id"] = f"{section}.{c}.{r}"
                nodes.append(node)
    return {"urn": "urn:bench:risk:library:big", "locale": "en", "ref_id": "big",
            "name": "Big", "version": 1,
            "objects": {"framework": {"urn": fw, "ref_id": "big", "name": "Big framework",
                                      "requirement_nodes": nodes[:n]}}}


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        action()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="8000,16000,32000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    previous = None
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        print(f"{'nodes':>7} {'MB':>5} {'import-ciso':>12} {'yaml load':>10} {'ratio':>6} "
              f"{'per doubling':>13}")
        for n in sizes:
            source = work / f"lib{n}.yaml"
            source.write_text(yaml.dump(library(n), Dumper=DUMPER, allow_unicode=True,
                                        sort_keys=False), encoding="utf-8")
            text = source.read_text(encoding="utf-8")
            load = best(args.runs, lambda text=text: yaml.load(text, Loader=LOADER))
            outputs = iter(work / f"out{n}-{run}.yaml" for run in range(args.runs))
            convert = best(args.runs, lambda source=source, outputs=outputs: import_ciso(
                source, next(outputs)))
            growth = f"{convert / previous:.2f}x" if previous else "-"
            print(f"{n:>7} {source.stat().st_size / 1e6:>5.1f} {convert:>11.2f}s "
                  f"{load:>9.2f}s {convert / load:>5.1f}x {growth:>13}")
            previous = convert


if __name__ == "__main__":
    main()
