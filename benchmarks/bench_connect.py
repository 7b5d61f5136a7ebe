"""Connect through the official SDKs against the same operations on `/v1`, in the same run.

    python benchmarks/bench_connect.py [--deploys 30] [--lists 300]

Two figures per SDK, each a median latency over sequential calls (p90 alongside), with the client's
CPU time so the client is seen not to be the bottleneck:
- deploy to first event: `triggers.deploy` then `deployed_triggers.list_events` until the deploy
  hook's event is there, against `POST /v1/sources` then `GET /v1/sources/{id}/event_summaries`;
- events list: `list_events(n=20)` against `GET …/event_summaries?limit=20`.
The PyPI SDK's baseline uses httpx (the SDK's own HTTP client); the npm SDK's uses fetch in the same
Node process. The ratio is SDK / v1 latency: what Connect's routes plus the SDK cost on top of /v1.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, start_process, stop_process

HERE = Path(__file__).resolve().parent
KEY = "pd_emu_benchmark_key_0123456789abcdef"
PROJECT, CLIENT, SECRET = "proj_Bench01", "bench-client", "bench-secret-0123456789abcdef0123"
NODE_DIR = HERE / ".cache" / "connect-node"


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.9)]


def report(name: str, sdk: list[float], v1: list[float]) -> None:
    (sdk_p50, sdk_p90), (v1_p50, v1_p90) = summary(sdk), summary(v1)
    print(f"  {name:24s} SDK p50 {sdk_p50:7.2f} ms (p90 {sdk_p90:7.2f})   /v1 p50 {v1_p50:7.2f} ms "
          f"(p90 {v1_p90:7.2f})   → ratio {sdk_p50 / v1_p50:.2f}")


def python_sdk(url: str, deploys: int, lists: int) -> None:
    from pipedream import Pipedream

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with httpx.Client() as http, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as v1:
        pd = Pipedream(base_url=url, project_id=PROJECT, client_id=CLIENT, client_secret=SECRET,
                       project_environment="development", httpx_client=http)

        def sdk_deploy() -> str:
            trigger = pd.triggers.deploy(id="bench-ticket", external_user_id="bench-py")
            assert pd.deployed_triggers.list_events(trigger_id=trigger.id, external_user_id="bench-py")
            return trigger.id

        def v1_deploy() -> str:
            source = v1.post("/v1/sources", json={"key": "bench-ticket"}).json()["data"]
            assert v1.get(f"/v1/sources/{source['id']}/event_summaries").json()["data"]
            return source["id"]

        trigger_id, source_id = sdk_deploy(), v1_deploy()                 # warm: token, Node processes
        samples: dict[str, list[float]] = {"sdk_deploy": [], "v1_deploy": [], "sdk_events": [], "v1_events": []}
        for _ in range(deploys):
            samples["sdk_deploy"].append(_timed(sdk_deploy))
            samples["v1_deploy"].append(_timed(v1_deploy))
        for _ in range(lists):
            samples["sdk_events"].append(_timed(lambda: pd.deployed_triggers.list_events(
                trigger_id=trigger_id, external_user_id="bench-py", n=20)))
            samples["v1_events"].append(_timed(lambda: v1.get(f"/v1/sources/{source_id}/event_summaries",
                                                              params={"limit": 20}).json()))
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime) * 1000
    print(f"pipedream (PyPI) {_python_sdk_version()}, client CPU {cpu:.0f} ms")
    report("deploy to first event", samples["sdk_deploy"], samples["v1_deploy"])
    report("events list (n=20)", samples["sdk_events"], samples["v1_events"])


def node_sdk(url: str, deploys: int, lists: int) -> None:
    _ensure_node_sdk()
    shutil.copy(HERE / "connect" / "bench.mjs", NODE_DIR / "bench.mjs")
    env = {**os.environ, "PIPEDREAM_BASE_URL": url, "PIPEDREAM_PROJECT_ID": PROJECT, "PIPEDREAM_CLIENT_ID": CLIENT,
           "PIPEDREAM_CLIENT_SECRET": SECRET, "PIPEDREAM_PROJECT_ENVIRONMENT": "development",
           "EMULATOR_URL": url, "EMULATOR_KEY": KEY}
    done = subprocess.run(["node", "bench.mjs", str(deploys), str(lists)], cwd=NODE_DIR, env=env,
                          capture_output=True, text=True, timeout=600, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    version = json.loads((NODE_DIR / "node_modules/@pipedream/sdk/package.json").read_text())["version"]
    print(f"@pipedream/sdk (npm) {version}, client CPU {result['client_cpu_ms']:.0f} ms")
    report("deploy to first event", result["sdk_deploy_ms"], result["v1_deploy_ms"])
    report("events list (n=20)", result["sdk_events_ms"], result["v1_events_ms"])


def _ensure_node_sdk() -> None:
    if (NODE_DIR / "node_modules/@pipedream/sdk").is_dir():
        return
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    (NODE_DIR / "package.json").write_text('{"private": true, "type": "module"}\n')
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "@pipedream/sdk@^3.1.6"], cwd=NODE_DIR,
                   check=True, capture_output=True, timeout=300)


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _python_sdk_version() -> str:
    from importlib.metadata import version
    return version("pipedream")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=30)
    parser.add_argument("--lists", type=int, default=300)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = start_process(["-m", "emulator", "serve", str(HERE / "connect"), "--no-watch", "--port", str(port),
                              "--api-key", KEY, "--clock", "virtual", "--quiet", "--project-id", PROJECT,
                              "--client-id", CLIENT, "--client-secret", SECRET], f"{url}/_emulator/health")
    try:
        python_sdk(url, args.deploys, args.lists)
        node_sdk(url, args.deploys, args.lists)
    finally:
        stop_process(emulator)


if __name__ == "__main__":
    main()
