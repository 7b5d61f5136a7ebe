"""The node command line follows the installed version's features."""
from __future__ import annotations

import pytest

from emulator.sandbox.node_runtime import NODE_DIR, NodeRuntime, find_node, parse_version


def argv_for(version: tuple[int, int, int]) -> list[str]:
    return NodeRuntime("node", version).worker_argv(read_paths=["/a", "/b"], memory_mb=64, in_fd=5, out_fd=6)


def test_node_18_runs_without_the_permission_model():
    argv = argv_for((18, 20, 0))
    assert not any("permission" in flag or flag.startswith("--allow") for flag in argv)
    assert "--max-old-space-size=64" in argv


def test_node_20_uses_the_experimental_permission_model_and_allows_the_loader_thread():
    argv = argv_for((20, 20, 2))
    assert "--experimental-permission" in argv
    readable = [f.removeprefix("--allow-fs-read=") for f in argv if f.startswith("--allow-fs-read")]
    assert {"/a", "/b", str(NODE_DIR)} == set(readable)
    assert "--allow-worker" in argv
    assert "--allow-child-process" not in argv and "--allow-fs-write" not in " ".join(argv)


def test_write_paths_are_writable_and_readable_and_nothing_else_is_writable():
    argv = NodeRuntime("node", (20, 20, 2)).worker_argv(read_paths=["/a"], memory_mb=64, in_fd=5, out_fd=6,
                                                        write_paths=["/t1"])
    assert [f for f in argv if f.startswith("--allow-fs-write")] == ["--allow-fs-write=/t1"]
    assert "--allow-fs-read=/t1" in argv


def test_early_node_20_passes_read_paths_as_one_comma_list():
    assert f"--allow-fs-read=/a,/b,{NODE_DIR}" in argv_for((20, 5, 0))


@pytest.mark.parametrize("version", [(22, 15, 0), (24, 1, 0)])
def test_node_with_in_thread_hooks_needs_no_worker_permission(version):
    argv = argv_for(version)
    assert "--permission" in argv
    assert "--allow-worker" not in argv


def test_containment_then_the_register_module_are_imported_before_the_runner():
    argv = argv_for((20, 20, 2))
    imports = [flag.rsplit("/", 1)[-1] for flag in argv if flag.startswith("--import=")]
    assert imports == ["containment.mjs", "register.mjs"]
    runner = next(i for i, flag in enumerate(argv) if flag.endswith("runner.mjs"))
    assert all(i < runner for i, flag in enumerate(argv) if flag.startswith("--import="))
    assert argv[runner + 1:runner + 3] == ["5", "6"]


@pytest.mark.parametrize(("text", "version"), [("v20.20.2\n", (20, 20, 2)), ("18.19.0", (18, 19, 0)), ("nope", None)])
def test_parse_version(text, version):
    assert parse_version(text) == version


def fake_node(path, version: str, calls) -> str:
    path.write_text(f"#!/bin/sh\necho called >> {calls}\necho {version}\n")
    path.chmod(0o755)
    return str(path)


async def test_node_is_asked_its_version_once_per_binary(tmp_path):
    calls = tmp_path / "calls"
    node = fake_node(tmp_path / "node", "v20.1.0", calls)
    assert (await find_node(node)).version == (20, 1, 0)
    assert (await find_node(node)).version == (20, 1, 0)
    assert calls.read_text().count("called") == 1


async def test_a_replaced_node_binary_is_asked_again(tmp_path):
    calls = tmp_path / "calls"
    node = fake_node(tmp_path / "node", "v20.1.0", calls)
    assert (await find_node(node)).version == (20, 1, 0)
    fake_node(tmp_path / "node", "v22.15.10", calls)
    assert (await find_node(node)).version == (22, 15, 10)
