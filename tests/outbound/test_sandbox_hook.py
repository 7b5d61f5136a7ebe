"""The sandbox side on its own: a SandboxHost hands each request to its `on_http`, lists the
answered ones in the result in the order made, and can start workers without interception."""
from __future__ import annotations

import base64
from typing import Any

from emulator.sandbox import Invocation, SandboxHost, SandboxLimits
from tests.outbound.conftest import Upstream

CALLS_TWICE = """
export default {
  props: { url: { type: "string" } },
  async run() {
    const [a, b] = await Promise.all([fetch(this.url + "/a"), fetch(this.url + "/b")]);
    this.$emit({ a: await a.text(), b: await b.text() });
  },
};
"""


def invocation(url: str) -> Invocation:
    return Invocation(source_id="dc_hook", method="run", code=CALLS_TWICE, path=None, props={"url": url}, db={},
                      now_ms=1_700_000_000_000)


async def test_on_http_answers_and_the_result_lists_requests_in_order(upstream: Upstream) -> None:
    asked: list[str] = []

    async def on_http(inv: Invocation, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        asked.append(params["url"])
        text = params["url"].rsplit("/", 1)[1].upper().encode()
        reply = {"status": 200, "headers": [["content-type", "text/plain"]],
                 "body_base64": base64.b64encode(text).decode()}
        return reply, {"url": params["url"], "source": inv.source_id}

    async with SandboxHost(SandboxLimits(timeout_s=10), on_http=on_http) as host:
        result = await host.invoke(invocation(upstream.url))
    assert result.outcome == "ok", result.error
    assert result.emits[0]["event"] == {"a": "A", "b": "B"}
    assert sorted(asked) == [f"{upstream.url}/a", f"{upstream.url}/b"]
    assert [r["url"] for r in result.requests] == [f"{upstream.url}/a", f"{upstream.url}/b"]
    assert upstream.received == []


async def test_without_interception_requests_go_straight_to_the_network(upstream: Upstream) -> None:
    async def on_http(inv: Invocation, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        raise AssertionError("not intercepted, so never asked")

    async with SandboxHost(SandboxLimits(timeout_s=10), on_http=on_http, intercept_http=False) as host:
        result = await host.invoke(invocation(upstream.url))
    assert result.outcome == "ok", result.error
    assert len(upstream.received) == 2 and result.requests == []
