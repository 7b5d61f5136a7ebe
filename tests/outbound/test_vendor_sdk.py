"""A real vendor SDK (Stripe's, from npm) inside a real source, answered by stubs and refused offline.

The SDK is installed once with npm into a folder of the user's cache, with the source beside it, as a
source author's project would have it; the SDK makes its requests through node:https with its own agent.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from emulator.testing.fixtures import PdEmulator, fixture_config

STRIPE_VERSION = "17.7.0"
PROJECT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pd-emulator" / f"test-stripe-{STRIPE_VERSION}"
START_MS = 1_767_614_400_000      # 2026-01-05T12:00:00Z

NEW_CHARGES = """\
import Stripe from "stripe";

export default {
  key: "stripe-new-charges", name: "New Charges", version: "0.1.0", type: "source", dedupe: "unique",
  props: {
    stripe: { type: "app", app: "stripe" },
    db: "$.service.db",
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
  },
  async run() {
    const stripe = new Stripe(this.stripe.$auth.api_key, { maxNetworkRetries: 0 });
    const since = this.db.get("since") ?? 0;
    const charges = await stripe.charges.list({ created: { gt: since }, limit: 10 });
    for (const charge of charges.data.reverse()) {
      this.$emit(charge, { id: charge.id, summary: `${charge.amount / 100} ${charge.currency}`, ts: charge.created * 1000 });
    }
    if (charges.data.length) this.db.set("since", Math.max(...charges.data.map((c) => c.created)));
  },
};
"""

CHARGES = {"object": "list", "url": "/v1/charges", "has_more": False, "data": [
    {"id": "ch_3Qb2", "object": "charge", "amount": 4200, "currency": "eur", "created": 1767614300, "paid": True},
    {"id": "ch_3Qb1", "object": "charge", "amount": 1999, "currency": "usd", "created": 1767614200, "paid": True},
]}


@pytest.fixture(scope="module")
def stripe_project() -> Path:
    """A folder with `stripe` installed from npm (once per machine) and the source beside it."""
    if not (PROJECT / "node_modules" / "stripe" / "package.json").is_file():
        if shutil.which("npm") is None:
            pytest.fail("npm is needed to install the Stripe SDK for this test")
        # Installed beside the cache and renamed into place: parallel workers never see half a folder.
        staging = PROJECT.with_name(f"{PROJECT.name}.{os.getpid()}.tmp")
        staging.mkdir(parents=True, exist_ok=True)
        (staging / "package.json").write_text(json.dumps({"name": "pd-emulator-test-stripe", "private": True}))
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", f"stripe@{STRIPE_VERSION}"],
                       cwd=staging, check=True, capture_output=True, timeout=300)
        try:
            staging.rename(PROJECT)
        except OSError:              # another worker finished first
            shutil.rmtree(staging, ignore_errors=True)
    source = PROJECT / "new-charges.mjs"
    if not source.is_file() or source.read_text() != NEW_CHARGES:
        source.write_text(NEW_CHARGES)
    return PROJECT


@pytest.fixture
async def emulator(stripe_project: Path):
    async with PdEmulator(fixture_config(start_ms=START_MS)) as pd:
        yield pd      # offline: what no stub answers fails


async def deploy_new_charges(pd: PdEmulator, project: Path) -> dict:
    account = await pd.call("POST", "/_emulator/accounts", json={"app": "stripe", "auth": {"api_key": "sk_test_emulator_4eC39HqLyjWDarjtT1zdp7dc"}})
    return await pd.deploy(project / "new-charges.mjs", configured_props={"stripe": {"authProvisionId": account["id"]}})


async def test_the_stripe_sdk_gets_its_answer_from_a_stub(emulator: PdEmulator, stripe_project: Path) -> None:
    stub = emulator.http.stub("GET", "https://api.stripe.com/v1/charges", json=CHARGES)
    source = await deploy_new_charges(emulator, stripe_project)

    await emulator.clock.advance(60)

    events = await emulator.events(source["id"])
    assert [e["event"]["id"] for e in events] == ["ch_3Qb1", "ch_3Qb2"]
    assert [e["metadata"]["summary"] for e in events] == ["19.99 usd", "42 eur"]
    [run] = [r for r in await emulator.logs(source["id"]) if r.get("requests")]
    [request] = run["requests"]
    assert request["answered_by"] == "stub" and request["stub_id"] == stub["id"] and request["status"] == 200
    assert request["url"].startswith("https://api.stripe.com/v1/charges?")
    assert "created%5Bgt%5D=0" in request["url"] or "created[gt]=0" in request["url"]


async def test_the_stub_sees_the_sdk_query_on_the_next_poll(emulator: PdEmulator, stripe_project: Path) -> None:
    emulator.http.stub("GET", "https://api.stripe.com/v1/charges", json=CHARGES)
    emulator.http.stub("GET", "https://api.stripe.com/v1/charges?created[gt]=1767614300", json={**CHARGES, "data": []})
    source = await deploy_new_charges(emulator, stripe_project)

    await emulator.clock.advance(120)

    assert len(await emulator.events(source["id"])) == 2
    assert (await emulator.db(source["id"]))["since"] == 1767614300


async def test_an_unstubbed_sdk_request_fails_the_run_naming_it(emulator: PdEmulator, stripe_project: Path) -> None:
    source = await deploy_new_charges(emulator, stripe_project)

    run = await emulator.run(source["id"], {})

    assert run["outcome"] == "error", run
    # Stripe wraps the refusal in its own "An error occurred with our connection to Stripe.".
    assert "GET https://api.stripe.com/v1/charges?" in run["error"]["message"]
    assert "no stub answers it" in run["error"]["message"]
    [request] = run["requests"]
    assert request["answered_by"] == "blocked" and request["method"] == "GET"
    assert request["url"].startswith("https://api.stripe.com/v1/charges")
    assert await emulator.events(source["id"]) == []
