"""How often static extraction gives exactly what Node computes by importing real published sources.

Downloads `@pipedream/<app>` packages from npm into benchmarks/.cache (git-ignored), then for every
source component (type "source") compares the static extractor, alone and completed by Node, with
Node's own import, and times both. Run: python benchmarks/extraction_accuracy.py [--verbose]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulator.props.extract import ExtractionError, ModuleCache, extract_file, is_component_file
from emulator.props.node_import import differences, static_view
from emulator.sandbox.props_import import complete_with_node, import_with_node_sync

CACHE = Path(__file__).resolve().parent / ".cache"
# Component packages published on npm (not every app has one: github, rss or http do not).
PACKAGES = ["slack", "notion", "gitlab", "google_drive", "linear_app", "monday", "mysql", "postgresql",
            "shopify", "microsoft_outlook", "quickbooks", "youtube_data_api", "docusign", "ramp", "brex",
            "apify", "sftp", "clio", "aws", "canva", "launchdarkly", "procore", "pipedream", "notiff_io"]


def install(packages: list[str]) -> Path:
    """npm install the packages (and their dependencies, which Node's import needs) into the cache."""
    modules = CACHE / "node_modules" / "@pipedream"
    missing = [p for p in packages if not (modules / p / "package.json").is_file()]
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        if not (CACHE / "package.json").exists():
            (CACHE / "package.json").write_text('{"name": "pd-extraction-corpus", "private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts",
                        *[f"@pipedream/{p}" for p in missing]], cwd=CACHE, check=True)
    return modules


def component_files(package_dir: Path) -> list[Path]:
    files = [p for p in sorted(package_dir.rglob("*")) if p.suffix in (".mjs", ".js", ".cjs")
             and "node_modules" not in p.relative_to(package_dir).parts]
    return [p for p in files if is_component_file(str(p))]


def extract_all(files: list[Path], *, cache: ModuleCache | None) -> tuple[dict[Path, object], float]:
    """Static extraction of every file, and the seconds it took."""
    started = time.perf_counter()
    results: dict[Path, object] = {}
    for file in files:
        try:
            results[file] = extract_file(str(file), cache=cache)
        except ExtractionError as error:
            results[file] = error
    return results, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every difference")
    parser.add_argument("--all-components", action="store_true",
                        help="compare actions and every other component too, not only sources")
    parser.add_argument("packages", nargs="*", default=PACKAGES)
    args = parser.parse_args()
    modules = install(args.packages)
    candidates = [f for p in args.packages for f in component_files(modules / p)]

    static, static_seconds = extract_all(candidates, cache=None)
    cached_seconds = extract_all(candidates, cache=ModuleCache())[1]

    started = time.perf_counter()
    node_results = dict(zip(candidates, import_with_node_sync([str(f) for f in candidates], timeout_s=600)))
    node_seconds = time.perf_counter() - started

    sources = [f for f in candidates if args.all_components or node_results[f].get("type") == "source"
               or (not isinstance(static[f], ExtractionError) and static[f].type == "source")]
    matched, completed, node_failed, report = 0, 0, 0, []
    for file in sources:
        node, extraction = node_results[file], static[file]
        name = file.relative_to(modules)
        if not node.get("ok"):
            node_failed += 1
            report.append(f"{name}: node could not import it: {node.get('error', '').splitlines()[0]}")
            continue
        if isinstance(extraction, ExtractionError):
            report.append(f"{name}: static extraction failed: {extraction}")
            continue
        found = differences(static_view(extraction), node)
        if not found:
            matched += 1
            completed += 1
            continue
        if extraction.needs_completion:
            finished = asyncio.run(complete_with_node(str(file), extraction, timeout_s=60))
            completed += not differences(static_view(finished), node)
        report.append(f"{name}: {len(found)} difference(s), needs_completion={extraction.needs_completion}")
        report.extend(f"    {line}" for line in (found if args.verbose else found[:4]))
        report.extend(f"    warning {w}" for w in (extraction.warnings if args.verbose else extraction.warnings[:2]))

    comparable = len(sources) - node_failed
    print("\n".join(report))
    kind = "components compared" if args.all_components else "sources"
    print(f"\npackages: {len(args.packages)}, component files: {len(candidates)}, {kind}: {len(sources)}"
          f" ({node_failed} not importable by node)")
    print(f"static alone identical:      {matched}/{comparable} = {100 * matched / max(comparable, 1):.1f} %")
    print(f"with node completion:        {completed}/{comparable} = {100 * completed / max(comparable, 1):.1f} %")
    rates = {"static": len(candidates) / static_seconds, "static_cached": len(candidates) / cached_seconds,
             "node": len(candidates) / node_seconds}
    print(f"static extraction, each file on its own: {rates['static']:.0f} files/s ({static_seconds:.2f} s), "
          f"{rates['static'] / rates['node']:.1f}x node")
    print(f"static extraction, shared ModuleCache:  {rates['static_cached']:.0f} files/s ({cached_seconds:.2f} s), "
          f"{rates['static_cached'] / rates['node']:.1f}x node")
    print(f"node import, one process for all files: {rates['node']:.0f} files/s ({node_seconds:.2f} s)")
    print(json.dumps({"sources": comparable, "static_identical": matched, "with_completion": completed,
                      **{f"{k}_files_per_s": round(v, 1) for k, v in rates.items()}}))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NODE_NO_WARNINGS", "1")
    sys.exit(main())
