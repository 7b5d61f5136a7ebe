"""One warm Node process per source: reused, replaced when it dies or its code changes, stopped on evict."""
from __future__ import annotations

import asyncio

from aiohttp import web

from emulator.sandbox import SandboxHost, SandboxLimits

COUNTING = """
let loads = 0;
loads += 1;
export default {
  props: { db: "$.service.db" },
  async run(event) {
    const runs = (this.db.get("runs") ?? 0) + 1;
    this.db.set("runs", runs);
    if (event === "hang") await new Promise(() => {});
    this.$emit({ runs, loads });
  },
};
"""


async def test_the_process_stays_warm_between_runs(host, invocation):
    first = await host.invoke(invocation(COUNTING))
    second = await host.invoke(invocation(COUNTING, db=first.db))
    assert first.emits[0]["event"] == {"runs": 1, "loads": 1}
    assert second.emits[0]["event"] == {"runs": 2, "loads": 1}


async def test_db_survives_a_killed_and_restarted_process(make_host, invocation):
    host = await make_host(SandboxLimits(timeout_s=0.5))
    first = await host.invoke(invocation(COUNTING))
    killed = await host.invoke(invocation(COUNTING, db=first.db, event="hang"))
    assert killed.outcome == "timeout"
    assert killed.db == first.db
    third = await host.invoke(invocation(COUNTING, db=first.db))
    assert third.emits[0]["event"] == {"runs": 2, "loads": 1}


async def test_evict_stops_the_process_and_the_next_run_starts_fresh(host, invocation):
    await host.invoke(invocation(COUNTING))
    assert await host.ping("dc_test")
    await host.evict("dc_test")
    assert not await host.ping("dc_test")
    after = await host.invoke(invocation(COUNTING))
    assert after.emits[0]["event"]["loads"] == 1
    assert await host.ping("dc_test")


async def test_changed_code_runs_in_a_fresh_process(host, invocation):
    await host.invoke(invocation(COUNTING))
    changed = await host.invoke(invocation(COUNTING.replace("loads += 1", "loads += 10")))
    assert changed.emits[0]["event"]["loads"] == 10


async def test_ping_is_false_for_a_source_that_never_ran(host):
    assert not await host.ping("dc_unknown")


async def test_different_sources_run_in_parallel(host, invocation, aiohttp_server):
    """Source A waits on a request that only returns after source B has finished a run."""
    b_done = asyncio.Event()

    async def wait_for_b(request: web.Request) -> web.Response:
        await b_done.wait()
        return web.Response(text="b finished first")

    app = web.Application()
    app.router.add_get("/", wait_for_b)
    server = await aiohttp_server(app, host="127.0.0.1")
    waiting = """
    export default {
      props: { url: { type: "string" } },
      async run() { this.$emit({ text: await (await fetch(this.url)).text() }); },
    };
    """
    url = str(server.make_url("/"))
    a = asyncio.create_task(host.invoke(invocation(waiting, source_id="dc_a", props={"url": url})))
    b = await host.invoke(invocation(COUNTING, source_id="dc_b"))
    assert b.outcome == "ok" and not a.done()
    b_done.set()
    assert (await a).emits[0]["event"] == {"text": "b finished first"}


async def test_a_host_without_node_answers_with_a_crash(make_host, invocation):
    host = await make_host(node="definitely-not-a-node-binary")
    assert host.node_version() is None
    result = await host.invoke(invocation(COUNTING))
    assert result.outcome == "crash"
    assert result.error["name"] == "NodeUnavailable"


async def test_node_version_is_reported(host):
    assert host.node_version().startswith("v")


async def test_close_stops_every_worker(make_host, invocation):
    host = await make_host()
    await host.invoke(invocation(COUNTING, source_id="dc_1"))
    await host.invoke(invocation(COUNTING, source_id="dc_2"))
    await host.close()
    assert not await host.ping("dc_1")
    assert not await host.ping("dc_2")


async def test_a_closed_host_can_start_again_and_run_inline_code(invocation):
    host = SandboxHost()
    await host.start()
    assert (await host.invoke(invocation(COUNTING))).outcome == "ok"
    await host.close()
    await host.start()
    try:
        assert (await host.invoke(invocation(COUNTING))).outcome == "ok"
    finally:
        await host.close()
