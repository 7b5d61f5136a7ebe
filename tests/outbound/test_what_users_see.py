"""Outbound requests where users look: the console (blocked always, all with --verbose),
`pd-emulator logs`, and `serve --http/--cassette`."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from emulator.cli.main import main
from emulator.devserver.console import Console
from emulator.server.runner import Emulator
from tests.cli.conftest import Cli, _server, cli  # noqa: F401  (fixtures)
from tests.conftest import ApiClient
from tests.outbound.conftest import CALLER, Upstream, call, create_caller

HOST = "https://api.example.test"


@pytest.mark.parametrize("verbose", [False, True])
async def test_console_prints_blocked_requests_always_and_the_rest_with_verbose(
        emu: Emulator, api: ApiClient, upstream: Upstream, verbose: bool) -> None:
    out = io.StringIO()
    emu.services.bus.printers.append(Console(out, verbose=verbose))
    source = await create_caller(api)
    await api.ok("POST", "/_emulator/http/stubs", json={"url": f"{HOST}/stubbed", "json": {}})
    await api.ok("PUT", f"/_emulator/sources/{source['id']}/http", json={"mode": "offline"})
    await call(api, source["id"], {"client": "fetch", "url": f"{HOST}/stubbed"},
               {"client": "fetch", "method": "POST", "url": f"{HOST}/blocked"})
    lines = [line for line in out.getvalue().splitlines() if line[2:].startswith("net")]
    blocked = f"net   {source['id']} POST {HOST}/blocked BLOCKED: POST {HOST}/blocked was blocked"
    assert any(line[2:].startswith(blocked) for line in lines), lines
    stubbed = [line for line in lines if f"GET {HOST}/stubbed → 200 (stub hs_" in line]
    assert len(stubbed) == (1 if verbose else 0)


def test_logs_list_each_runs_requests(cli: Cli) -> None:
    source = cli.deploy(CALLER.replace('service: { type: "app", app: "service" },', ""))
    cli.api.call("PUT", "/_emulator/http", {"mode": "offline"})
    try:
        cli.api.call("POST", "/_emulator/http/stubs", {"url": f"{HOST}/ok", "json": [1]})
        cli.api.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": {"calls": [
            {"client": "fetch", "url": f"{HOST}/ok"}, {"client": "fetch", "url": f"{HOST}/nope"}]}})
        code, out, _ = cli("logs", source["id"], "-n", "1")
    finally:
        cli.api.call("PUT", "/_emulator/http", {"mode": "live"})
    assert code == 0
    http_lines = [line.strip() for line in out.splitlines() if line.strip().startswith("http")]
    assert http_lines[0].startswith(f"http  GET {HOST}/ok → 200 (stub hs_")
    assert http_lines[1].startswith(f"http  GET {HOST}/nope BLOCKED: GET {HOST}/nope was blocked")


def test_serve_refuses_to_replay_a_missing_cassette(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.har"
    code = main(["serve", str(tmp_path), "--port", "0", "--http", "replay", "--cassette", str(missing)])
    assert code == 2
    assert f"cassette {missing} does not exist" in capsys.readouterr().out


def test_sample_command_emits_the_sample_event(cli: Cli) -> None:
    source = cli.deploy("""export default { key: "s", name: "S", version: "0.0.1", type: "source", props: {},
      async run() {}, sampleEmit: { id: "x1", text: "hello" } };""", name="sampled")
    code, out, _ = cli("sample", "sampled")
    assert code == 0
    assert "emit" in out and "sample event" in out and '"hello"' in out
    code, out, _ = cli("sample", source["id"], "--format", "json")
    assert code == 0 and "deduped" not in out


WRAPPING_SDK = """
export default { key: "sdk", name: "SDK", version: "0.0.1", type: "source", props: {},
  async run(event) {
    for (let attempt = 0; attempt < (event.attempts ?? 1); attempt++) {
      try { await fetch("https://api.vendor.test/v1/charges?limit=3"); } catch {}
    }
    if (event.hang) await new Promise(() => {});
    throw new Error("An error occurred with our connection to Vendor.");
  } };
"""


@pytest.mark.emulator_config(http_mode="offline", run_timeout_s=2.0)
async def test_a_failed_runs_error_names_the_request_an_sdk_hid(api: ApiClient) -> None:
    source = (await api.ok("POST", "/v1/sources", json={"component_code": WRAPPING_SDK}))["data"]
    run = await call_run(api, source["id"], {"attempts": 3})
    message = run["error"]["message"]
    assert message.startswith("An error occurred with our connection to Vendor. [after 3 unanswered requests, "
                              "the last: GET https://api.vendor.test/v1/charges?limit=3 was blocked")
    timed_out = await call_run(api, source["id"], {"hang": True})
    assert timed_out["outcome"] == "timeout"
    assert "GET https://api.vendor.test/v1/charges?limit=3 was blocked" in timed_out["error"]["message"]


async def call_run(api: ApiClient, source_id: str, event: dict) -> dict:
    return (await api.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": event}))["data"]
