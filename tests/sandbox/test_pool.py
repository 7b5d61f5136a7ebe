"""Pre-started Node processes: a source's first invocation, or its first after a reload, does not wait
for Node to start; spares are replaced when they die and stopped with the host; limits still hold."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from emulator.sandbox import SandboxLimits
from tests.sandbox.processes import child_pids, wait_for_children

if not Path("/proc/self/stat").exists():
    pytest.skip("these tests read processes from /proc", allow_module_level=True)

REPORTS_ITS_PROCESS = """
export default { async run() { this.$emit({ pid: process.pid, cwd: process.cwd() }); } };
"""
IGNORES_SIGTERM = """
export default { async run() { process.on("SIGTERM", () => {}); this.$emit({ pid: process.pid }); } };
"""


def pid_of(result) -> int:
    assert result.outcome == "ok", result.error
    return result.emits[0]["event"]["pid"]


async def test_a_sources_first_invoke_runs_in_a_process_started_before_it(host, invocation):
    spares = await wait_for_children(lambda pids: len(pids) == 1)
    assert pid_of(await host.invoke(invocation(REPORTS_ITS_PROCESS))) in spares


async def test_the_first_inline_source_of_a_host_with_denied_files_takes_the_spare(make_host, invocation, tmp_path):
    host = await make_host(denied=((str(tmp_path / "state.json"), "the emulator's --state file"),))
    spares = await wait_for_children(lambda pids: len(pids) == 1)
    assert pid_of(await host.invoke(invocation(REPORTS_ITS_PROCESS))) in spares


async def test_a_reloaded_file_component_runs_in_a_spare_of_its_shape(host, component_file):
    worker = pid_of(await host.invoke(component_file("src/source.mjs", REPORTS_ITS_PROCESS)))
    await host.evict("dc_test")
    spares = await wait_for_children(lambda pids: len(pids - {worker}) == 2) - {worker}
    reloaded = await host.invoke(component_file("src/source.mjs", REPORTS_ITS_PROCESS + "// v2\n"))
    assert pid_of(reloaded) in spares


async def test_a_spare_works_in_the_folder_of_the_component_it_takes(host, component_file, tmp_path):
    first = pid_of(await host.invoke(component_file("a/source.mjs", REPORTS_ITS_PROCESS, source_id="dc_a")))
    spares = await wait_for_children(lambda pids: len(pids) == 3) - {first}
    result = await host.invoke(component_file("b/source.mjs", REPORTS_ITS_PROCESS, source_id="dc_b"))
    assert pid_of(result) in spares
    assert result.emits[0]["event"]["cwd"] == str(tmp_path / "b")


async def test_a_dead_spare_is_replaced(host, invocation):
    (spare,) = await wait_for_children(lambda pids: len(pids) == 1)
    os.kill(spare, signal.SIGKILL)
    replacements = await wait_for_children(lambda pids: len(pids) == 1 and spare not in pids)
    assert pid_of(await host.invoke(invocation(REPORTS_ITS_PROCESS))) in replacements


async def test_evict_does_not_wait_for_the_process_to_exit_but_it_is_reaped(host, invocation):
    worker = pid_of(await host.invoke(invocation(IGNORES_SIGTERM)))
    await host.evict("dc_test")
    assert worker in child_pids()
    await wait_for_children(lambda pids: worker not in pids)


async def test_close_leaves_no_process_running(make_host, invocation):
    host = await make_host()
    await host.invoke(invocation(IGNORES_SIGTERM))
    await wait_for_children(lambda pids: len(pids) == 2)
    await host.close()
    assert child_pids() == set()


async def test_a_pooled_process_has_the_memory_limit(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=20, memory_mb=64))
    (spare,) = await wait_for_children(lambda pids: len(pids) == 1)
    assert b"--max-old-space-size=64" in Path(f"/proc/{spare}/cmdline").read_bytes().split(b"\0")
    hog = "export default { async run() { const all = []; while (true) all.push(new Array(100000).fill(1)); } };"
    result = await host.invoke(invocation(hog))
    assert result.outcome == "memory"
    assert spare not in child_pids()


async def test_a_pooled_process_is_killed_at_the_timeout(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=0.5))
    (spare,) = await wait_for_children(lambda pids: len(pids) == 1)
    result = await host.invoke(invocation("export default { async run() { while (true) {} } };"))
    assert result.outcome == "timeout"
    assert spare not in child_pids()


async def test_inline_code_cannot_read_another_sources_inline_code(host, invocation):
    own_file = """
    import { fileURLToPath } from "node:url";
    export default { async run() { this.$emit({ file: fileURLToPath(import.meta.url) }); } };
    """
    first = await host.invoke(invocation(own_file, source_id="dc_first"))
    reader = """
    import fs from "node:fs";
    export default { async run(file) { fs.readFileSync(file); } };
    """
    result = await host.invoke(invocation(reader, source_id="dc_second", event=first.emits[0]["event"]["file"]))
    assert result.outcome == "error"
    assert result.error.get("code") == "ERR_ACCESS_DENIED"


async def test_prepare_starts_a_process_for_a_file_components_first_invoke(host, component_file):
    first = component_file("folder/source.mjs", REPORTS_ITS_PROCESS)
    before = await wait_for_children(lambda pids: len(pids) == 1)     # the host's inline-code spare
    await host.prepare(first)
    ready = await wait_for_children(lambda pids: len(pids - before) == 1) - before
    assert pid_of(await host.invoke(first)) in ready
