"""The checks that keep the package's shape: layering (import-linter), no import cycles, ruff, mypy.

The contracts live in pyproject.toml ([tool.importlinter]); ARCHITECTURE.md explains them.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold() -> None:
    result = _run(sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; "
                                        "sys.exit(c.main(['--no-cache'], standalone_mode=False))")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = grimp.build_graph("emulator")
    cycles = [sorted(group) for group in _strongly_connected(graph) if len(group) > 1]
    assert cycles == []


def test_ruff_finds_nothing_in_the_package_tests_or_benchmarks() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "--no-cache", "emulator", "tests", "benchmarks", "fixtures")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_package() -> None:
    result = _run(sys.executable, "-m", "mypy", "emulator")
    assert result.returncode == 0, result.stdout + result.stderr


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: each group of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
