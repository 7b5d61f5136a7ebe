"""Local upstream servers (plain and TLS) and a component that calls them with each HTTP client."""
from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

# Calls event.url with event.client (fetch | http | https | axios) and emits what came back, or the
# error the client raised (name, message, code) so a test can read what the component saw.
CALLER = """
import http from "node:http";
import https from "node:https";
import { axios } from "@pipedream/platform";

function viaNode(module, { method = "GET", url, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const request = module.request(url, { method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => { text += chunk; });
      response.on("end", () => resolve({ status: response.statusCode, body: text }));
    });
    request.on("error", reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

async function call(self, spec) {
  if (spec.client === "http") return viaNode(http, spec);
  if (spec.client === "https") return viaNode(https, spec);
  if (spec.client === "axios") {
    const data = await axios(self, { method: spec.method ?? "GET", url: spec.url, headers: spec.headers,
                                     data: spec.body, responseType: "text", transformResponse: (x) => x });
    return { status: 200, body: data };
  }
  const response = await fetch(spec.url, { method: spec.method ?? "GET", headers: spec.headers, body: spec.body });
  return { status: response.status, body: await response.text() };
}

export default {
  key: "caller", name: "Caller", version: "0.0.1", type: "source",
  props: {
    service: { type: "app", app: "service" },
    token: { type: "string", secret: true, optional: true },
  },
  async run(event) {
    const results = [];
    for (const spec of event.calls ?? [event]) {
      try {
        results.push(await call(this, spec));
      } catch (error) {
        results.push({ error: { name: error.name, message: error.message, code: error.code ?? error.cause?.code } });
      }
    }
    this.$emit({ results, ca: process.env.NODE_EXTRA_CA_CERTS ?? null, proxy: process.env.HTTPS_PROXY ?? null },
               { summary: "called" });
  },
};
"""


@dataclass
class Upstream:
    """A loopback API: every path answers JSON describing the request it got."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    runner: web.AppRunner | None = None

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def start_upstream(ssl_context: ssl.SSLContext | None = None) -> Upstream:
    upstream = Upstream(url="")

    async def answer(request: web.Request) -> web.Response:
        seen = {"method": request.method, "path": request.path, "query": request.query_string,
                "headers": dict(request.headers), "body": await request.text()}
        upstream.received.append(seen)
        if request.path == "/status/404":
            return web.json_response({"error": "nope"}, status=404)
        if request.path == "/redirect":
            raise web.HTTPFound("/final")
        if request.path == "/gzip":
            response = web.json_response({"compressed": "x" * 2000})
            response.enable_compression(web.ContentCoding.gzip)
            return response
        return web.json_response({"seen": seen, "n": len(upstream.received)},
                                 headers={"Set-Cookie": "session=abc123; Path=/"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = runner.addresses[0][1]
    upstream.url = f"{'https' if ssl_context else 'http'}://{'localhost' if ssl_context else '127.0.0.1'}:{port}"
    upstream.runner = runner
    return upstream


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    server = await start_upstream()
    yield server
    await server.stop()


def write_self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost / 127.0.0.1 (its own CA) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
async def tls_upstream(tmp_path: Path) -> AsyncIterator[tuple[Upstream, Path]]:
    cert_file, key_file = write_self_signed_cert(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    server = await start_upstream(context)
    yield server, cert_file
    await server.stop()


def emitted(run: dict[str, Any]) -> dict[str, Any]:
    """The one event a Caller run emitted (the run must have succeeded)."""
    assert run["outcome"] == "ok", run["error"]
    return run["events"][0]["event"]


def body_json(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


API_KEY_SECRET = "sk_live_SECRET123"
TOKEN_SECRET = "tok_SECRET456"


async def create_caller(api: Any) -> dict[str, Any]:
    """A Caller source whose app account holds API_KEY_SECRET and whose secret prop is TOKEN_SECRET."""
    account = await api.ok("POST", "/_emulator/accounts", json={"app": "service", "auth": {"api_key": API_KEY_SECRET}})
    body = await api.ok("POST", "/v1/sources", json={
        "component_code": CALLER,
        "configured_props": {"service": {"authProvisionId": account["id"]}, "token": TOKEN_SECRET}})
    return body["data"]


async def call(api: Any, source_id: str, *calls: dict[str, Any]) -> dict[str, Any]:
    """Runs the Caller with these calls; the run record (with `events`)."""
    body = await api.ok("POST", f"/_emulator/sources/{source_id}/run", json={"event": {"calls": list(calls)}})
    return body["data"]
