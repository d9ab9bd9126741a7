"""TUI benchmark: start-up to a ready audit screen, and one result key press, each beside
a bare Textual app measured in the same run.

    .venv/bin/python bench/tui.py [--runs 7] [--presses 60]

Start-up: from creating the app (the store is already open, as `auditor open` has it) to
the audit screen mounted with its tree built, against a bare app with one Static; both
through `App.run_test()` at 120x40. Key press: `pilot.press("c")` on an item (a result
written to the database, the item's line and its groups repainted) against a bare app
whose `c` is bound to an action that does nothing. Both on the ISO/IEC 27001 checklist
and on a synthetic checklist of 1,500 items. Targets: within 1.5x of the bare app.
Medians are printed; the database lives in a temporary folder on the local disk.

Wall times are what the Pilot waits: it returns once the process has been idle for one
20 ms window (`textual._wait`), so they move in steps of 20 ms and a key that does any
work takes three windows where a key that does nothing takes two (1.5x by itself). The
CPU time of the process over the same span (`time.process_time`) is printed beside them:
it measures the work without the steps.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.widgets import Static

from auditor.domain.checklist import Checklist, ChecklistItem
from auditor.domain.store import Store
from auditor.exchange.library import find
from auditor.ui.app import AuditorApp
from auditor.ui.screens.audit import AuditScreen

SIZE = (120, 40)


class BareApp(App):
    BINDINGS = [("c", "nothing", "Nothing")]

    def compose(self) -> ComposeResult:
        yield Static("bare")

    def action_nothing(self) -> None:
        pass


def synthetic_checklist(groups: int = 30, per_group: int = 50) -> Checklist:
    return Checklist(
        id="synthetic-1500", title="Synthetic 1,500 items", standard="none", version="1",
        items=tuple(
            ChecklistItem(
                ref=f"{g}", title=f"Group {g} of related requirements",
                children=tuple(
                    ChecklistItem(ref=f"{g}.{i}", title=f"Requirement {g}.{i} on something",
                                  prompts=(f"How is {g}.{i} done?",),
                                  evidence=("A record",))
                    for i in range(1, per_group + 1)
                ),
            )
            for g in range(1, groups + 1)
        ),
    )


Span = tuple[float, float]  # (wall seconds, CPU seconds)


def clocks() -> Span:
    return time.perf_counter(), time.process_time()


def since(began: Span) -> Span:
    wall, cpu = clocks()
    return wall - began[0], cpu - began[1]


async def start_bare() -> Span:
    began = clocks()
    async with BareApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
        took = since(began)
    return took


async def start_audit(store: Store, audit_id: int) -> Span:
    began = clocks()
    app = AuditorApp(store, open_audit=audit_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.tree.nodes_by_ref
        took = since(began)
    return took


async def keys_bare(presses: int) -> list[Span]:
    times = []
    async with BareApp().run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(presses):
            began = clocks()
            await pilot.press("c")
            times.append(since(began))
    return times


async def keys_audit(store: Store, audit_id: int,
                     presses: int) -> tuple[list[Span], list[Span], list[float]]:
    """Times of `c` (record conform) and of `n` (move to the next item not assessed)
    through the Pilot, and of the `c` handler alone (the write and the repaint requests,
    without the Pilot's waits and the frames drawn after it)."""
    record, move, handler = [], [], []
    app = AuditorApp(store, open_audit=audit_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        plain = screen.action_record

        def timed(result: str) -> None:
            began = time.perf_counter()
            plain(result)
            handler.append(time.perf_counter() - began)

        screen.action_record = timed
        for _ in range(presses):
            began = clocks()
            await pilot.press("c")
            record.append(since(began))
            began = clocks()
            await pilot.press("n")
            move.append(since(began))
    return record, move, handler


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def medians(spans: list[Span]) -> Span:
    return median_ms([s[0] for s in spans]), median_ms([s[1] for s in spans])


def run(name: str, checklist: Checklist, folder: Path, runs: int, presses: int) -> None:
    began = time.perf_counter()
    store = Store.open(f"sqlite:///{folder / (checklist.id + '.db')}", folder / "evidence",
                       "bench")
    opened = time.perf_counter() - began
    audit = store.create_audit(checklist, title="Bench", auditee="Bench Ltd")
    items = len(checklist.assessable_items())

    bare, ours = [], []
    for _ in range(runs):  # interleaved, so drifts in the machine hit both alike
        bare.append(asyncio.run(start_bare()))
        ours.append(asyncio.run(start_audit(store, audit.id)))
    (b, bc), (o, oc) = medians(bare), medians(ours)
    print(f"{name} ({items} items): start-up to audit screen {o:.0f} ms, bare app {b:.0f} ms,"
          f" ratio {o / b:.2f}x (target 1.5x); CPU {oc:.0f} ms vs {bc:.0f} ms; "
          f"store open {opened * 1000:.0f} ms")

    bare_keys = asyncio.run(keys_bare(presses))
    record, move, handler = asyncio.run(keys_audit(store, audit.id, min(presses, items // 2)))
    (kb, kbc), (kr, krc), (km, kmc) = medians(bare_keys), medians(record), medians(move)
    print(f"{name} ({items} items): result key {kr:.1f} ms, bare key {kb:.1f} ms, ratio "
          f"{kr / kb:.2f}x (target 1.5x); CPU {krc:.1f} ms vs {kbc:.1f} ms; the handler "
          f"(write + repaint requests) {median_ms(handler):.1f} ms; next-item key "
          f"{km:.1f} ms ({km / kb:.2f}x), CPU {kmc:.1f} ms")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="auditor-bench-", dir=Path.home()) as tmp:
        folder = Path(tmp)
        run("ISO/IEC 27001", find("iso27001-2022"), folder, args.runs, args.presses)
        run("synthetic", synthetic_checklist(), folder, args.runs, args.presses)


if __name__ == "__main__":
    main()
