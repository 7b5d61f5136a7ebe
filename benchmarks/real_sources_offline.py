"""How many real published sources deploy, activate, run and emit fully offline, answered by stubs.

Downloads the `@pipedream/<app>` packages named by benchmarks/real_sources/<app>/ from npm into the user
cache (as extraction_accuracy.py does), then for each `<source>.scenario.json` there: puts the emulator
in `offline` mode, loads the `<source>.stubs.json` written next to it (from reading the source and its
app file), deploys the real source (deploy + activate hooks), fires its timer or sends it a realistic
webhook request (signed as its app would sign it) or app event, checks what it emitted, and deletes it
(deactivate). Prints one row per source and, for each one that does not work offline, why.
Run: python benchmarks/real_sources_offline.py [--verbose] [app/source ...]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from real_sources.scenario import Outcome, Scenario, install, load_scenarios, play

from emulator.testing.fixtures import PdEmulator, fixture_config

# Every scenario's dates are written against this clock: 2026-01-05T12:00:00Z.
CLOCK_START_MS = 1_767_614_400_000


def table(outcomes: list[Outcome]) -> str:
    rows = [("source", "kind", "offline", "events", "requests", "why not")]
    for outcome in outcomes:
        rows.append((outcome.scenario.name, outcome.scenario.kind, "yes" if outcome.ok else "NO",
                     f"{outcome.events}/{outcome.scenario.expected_events}", outcome.requests_summary(),
                     "" if outcome.ok else outcome.reason + (f" ({outcome.scenario.spec['note']})"
                                                             if "note" in outcome.scenario.spec else "")))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
                     for row in rows)


async def run_all(scenarios: list[Scenario], modules: Path, verbose: bool) -> list[Outcome]:
    outcomes = []
    async with PdEmulator(fixture_config(start_ms=CLOCK_START_MS)) as emulator:
        for scenario in scenarios:
            started = time.perf_counter()
            outcome = await play(emulator, scenario, modules)
            outcome.seconds = time.perf_counter() - started
            outcomes.append(outcome)
            if verbose:
                print(f"{scenario.name}: {'ok' if outcome.ok else outcome.reason} ({outcome.seconds:.2f} s)")
                for line in outcome.details:
                    print(f"    {line}")
            await emulator.reset()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print each run's requests and errors")
    parser.add_argument("only", nargs="*", help="app or app/source names to run (default: all)")
    args = parser.parse_args()
    scenarios = load_scenarios(args.only)
    modules = install(sorted({s.package for s in scenarios}))
    started = time.perf_counter()
    outcomes = asyncio.run(run_all(scenarios, modules, args.verbose))
    seconds = time.perf_counter() - started
    print(table(outcomes))
    working = sum(o.ok for o in outcomes)
    apps = len({s.package for s in scenarios})
    kinds: dict[str, int] = {}
    for scenario in scenarios:
        kinds[scenario.kind] = kinds.get(scenario.kind, 0) + 1
    print(f"\n{working}/{len(outcomes)} real sources from {apps} apps work offline "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) in {seconds:.1f} s")
    summary: dict[str, Any] = {"sources": len(outcomes), "apps": apps, "offline_ok": working,
                               "seconds": round(seconds, 1)}
    print(summary)
    return 0 if working == len(outcomes) else 1


if __name__ == "__main__":
    os.environ.setdefault("NODE_NO_WARNINGS", "1")
    sys.exit(main())
