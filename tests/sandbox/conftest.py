"""Fixtures for the sandbox tests: a real SandboxHost over real Node, components as real files."""
from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from emulator.sandbox import Invocation, SandboxHost, SandboxLimits
from tests.sandbox.processes import OWN_PROCESS_MARKERS

if shutil.which("node") is None:
    pytest.skip("Node.js is not installed", allow_module_level=True)

FAST_LIMITS = SandboxLimits(timeout_s=5.0)
NOW_MS = 1_700_000_000_000
EMIT_EVENT = """
export default {
  async run(event) { this.$emit({ echoed: event }, { id: "one" }); },
};
"""

InvocationFactory = Callable[..., Invocation]


@pytest.fixture
def invocation() -> InvocationFactory:
    """invocation(code, method="run", **fields): inline code, no props, empty db, a frozen clock."""

    def build(code: str, method: str = "run", **fields: Any) -> Invocation:
        values: dict[str, Any] = {
            "source_id": "dc_test", "path": None, "props": {}, "db": {}, "now_ms": NOW_MS, "clock_speed": 0.0,
        }
        values.update(fields)
        return Invocation(method=method, code=textwrap.dedent(code), **values)

    return build


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """write_file(relative, text): writes dedented text under tmp_path and returns the path."""

    def write(relative: str, text: str) -> Path:
        file = tmp_path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text))
        return file

    return write


@pytest.fixture
def component_file(tmp_path: Path, write_file: Callable[[str, str], Path],
                   invocation: InvocationFactory) -> InvocationFactory:
    """component_file(relative, code, method="run", **fields): the component as a file under tmp_path."""

    def build(relative: str, code: str, method: str = "run", **fields: Any) -> Invocation:
        file = write_file(relative, code)
        fields.setdefault("read_roots", [str(tmp_path)])
        OWN_PROCESS_MARKERS.add(str(tmp_path))
        return invocation(file.read_text(), method, path=str(file), **fields)

    return build


@pytest.fixture
async def make_host() -> AsyncIterator[Callable[..., Awaitable[SandboxHost]]]:
    """make_host(limits, **options): a started host; every one is closed after the test."""
    hosts: list[SandboxHost] = []
    OWN_PROCESS_MARKERS.clear()

    async def build(limits: SandboxLimits = FAST_LIMITS, **options: Any) -> SandboxHost:
        host = SandboxHost(limits, **options)
        await host.start()
        if host._pool is not None:                 # None when there is no Node to run
            OWN_PROCESS_MARKERS.add(str(host._pool._root))
        hosts.append(host)
        return host

    yield build
    for host in hosts:
        await host.close()


@pytest.fixture
async def host(make_host: Callable[..., Awaitable[SandboxHost]]) -> SandboxHost:
    return await make_host()


@pytest.fixture
def other_source_answers(invocation: InvocationFactory) -> Callable[[SandboxHost], Awaitable[None]]:
    """Checks that another source on the same host still runs and answers a ping."""

    async def check(host: SandboxHost) -> None:
        result = await host.invoke(invocation(EMIT_EVENT, source_id="dc_other", event=2))
        assert result.outcome == "ok", result.error
        assert result.emits[0]["event"] == {"echoed": 2}
        assert await host.ping("dc_other")

    return check


