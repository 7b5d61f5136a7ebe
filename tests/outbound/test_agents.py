"""Clients with their own agents and socket habits are intercepted as they meant their requests.

agent-base agents (proxy-agent, https-proxy-agent, used by apify-client and many SDKs) report a
default port of 80 for https once the call stack is not Node's own; clients like Stripe's end a
request only when its socket has connected. Both go through real Node here.
"""
from __future__ import annotations

from emulator.testing.fixtures import PdEmulator

# Sends one https request the way each client does, and emits what came back.
AGENT_CALLER = """
import https from "node:https";

// What agent-base does once the interception changed the call stack: it believes it is plain http.
class StackGuessingAgent extends https.Agent {
  get defaultPort() { return 80; }
  set defaultPort(value) {}
}

function send({ url, agent, endOnConnect }) {
  return new Promise((resolve, reject) => {
    // Options rather than a URL, as axios (follow-redirects) passes them: no port unless the URL has one.
    const { protocol, hostname, port, pathname, search } = new URL(url);
    const options = { protocol, hostname, path: pathname + search, method: "GET",
                      agent: agent === "guessing" ? new StackGuessingAgent() : undefined, ...(port ? { port } : {}) };
    const request = https.request(options, (response) => {
        let text = "";
        response.on("data", (chunk) => { text += chunk; });
        response.on("end", () => resolve({ status: response.statusCode, body: text }));
      });
    request.on("error", reject);
    if (endOnConnect) {
      // As stripe-node does: write and end only once the socket is connected.
      request.once("socket", (socket) => {
        if (socket.connecting) socket.once("secureConnect", () => request.end());
        else request.end();
      });
    } else {
      request.end();
    }
  });
}

export default {
  key: "agent-caller", name: "Agent caller", version: "0.0.1", type: "source",
  async run(event) { this.$emit(await send(event), { summary: "sent" }); },
};
"""


async def send(pd: PdEmulator, **request: object) -> dict:
    source = await pd.deploy(AGENT_CALLER)
    run = await pd.run(source["id"], request)
    assert run["outcome"] == "ok", run["error"]
    [event] = await pd.events(source["id"])
    return {"event": event["event"], "requests": run["requests"]}


async def test_an_agent_guessing_port_80_for_https_still_reaches_443(pd_emulator: PdEmulator) -> None:
    pd_emulator.http.stub("GET", "https://api.example.com/v2/webhooks", json={"ok": True})

    sent = await send(pd_emulator, url="https://api.example.com/v2/webhooks", agent="guessing")

    assert sent["event"] == {"status": 200, "body": '{"ok": true}'}
    [request] = sent["requests"]
    assert request["url"] == "https://api.example.com/v2/webhooks" and request["answered_by"] == "stub"


async def test_an_explicit_https_port_is_kept(pd_emulator: PdEmulator) -> None:
    pd_emulator.http.stub("GET", "https://api.example.com:8443/v2/webhooks", json={"port": 8443})

    sent = await send(pd_emulator, url="https://api.example.com:8443/v2/webhooks", agent="guessing")

    assert sent["event"]["body"] == '{"port": 8443}'
    assert sent["requests"][0]["url"] == "https://api.example.com:8443/v2/webhooks"


async def test_a_client_that_ends_its_request_on_connect_gets_its_answer(pd_emulator: PdEmulator) -> None:
    pd_emulator.http.stub("GET", "https://api.stripe.com/v1/charges", json={"object": "list", "data": []})

    sent = await send(pd_emulator, url="https://api.stripe.com/v1/charges", endOnConnect=True)

    assert sent["event"] == {"status": 200, "body": '{"object": "list", "data": []}'}
    assert [r["answered_by"] for r in sent["requests"]] == ["stub"]
