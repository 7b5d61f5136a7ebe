"""Connect fixtures: the threaded emulator with the Connect test components, a webhook receiver, the SDK."""
from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from emulator.client.http import EmulatorClient, request_headers
from emulator.testing.fixtures import PdEmulatorServer, fixture_config

COMPONENTS = Path(__file__).parent / "components"


@pytest.fixture(scope="module")
def connect_server() -> Iterator[PdEmulatorServer]:
    """One emulator per module with the Connect test components; each test starts it empty."""
    server = PdEmulatorServer(fixture_config([COMPONENTS])).start()
    yield server
    server.stop()


@pytest.fixture
def emu(connect_server: PdEmulatorServer) -> Iterator[PdEmulatorServer]:
    connect_server.reset()
    yield connect_server
    assert not connect_server.problems(), connect_server.problems()


def control(server: PdEmulatorServer) -> EmulatorClient:
    """Calls with the emulator's own key: its control API and /v1."""
    return EmulatorClient(server.url, server.api_key)


def advance(server: PdEmulatorServer, seconds: int) -> dict[str, Any]:
    """Move the emulator's virtual clock; timers due meanwhile run before this returns."""
    return control(server).ok("POST", "/_emulator/clock/advance", json={"seconds": seconds})


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """A real HTTP server on a free port that records every POST; `statuses` answers them in turn."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, count: int, path: str | None = None, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [r for r in self.received if path is None or r.path == path]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} deliveries to {path or 'any path'}, got {len(found)}: {found}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    hooks = WebhookReceiver()
    yield hooks
    hooks.close()


@pytest.fixture
def pipedream_sdk(monkeypatch: pytest.MonkeyPatch, emu: PdEmulatorServer) -> Iterator[Callable[..., Any]]:
    """`pipedream_sdk("development")`: the PyPI SDK as an app starts it, configured by its environment only.

    The SDK reads PIPEDREAM_* as default arguments when it is imported, so each client comes from a
    fresh import made after the variables are set.
    """
    def make(environment: str = "development", **extra_env: str) -> Any:
        for name, value in {**emu.connect.env(environment), **extra_env}.items():
            monkeypatch.setenv(name, value)
        for name in [m for m in sys.modules if m == "pipedream" or m.startswith("pipedream.")]:
            del sys.modules[name]
        import pipedream
        client = pipedream.Pipedream()
        made.append(client)
        return client

    made: list[Any] = []
    yield make
    for client in made:
        close_sdk(client)


def close_sdk(client: Any) -> None:
    """Close the SDK's two httpx clients: its API client, and the one its token provider keeps apart."""
    wrapper = client._client_wrapper
    wrapper.httpx_client.httpx_client.close()
    provider = getattr(wrapper._token, "__self__", None)
    auth_client = getattr(provider, "_auth_client", None)
    if auth_client is not None:
        auth_client._raw_client._client_wrapper.httpx_client.httpx_client.close()


class ConnectApi(EmulatorClient):
    """Plain HTTP calls to one project's Connect routes, as an access token of its client makes them."""

    def __init__(self, server: PdEmulatorServer, environment: str | None = "development",
                 token: str | None = None) -> None:
        settings = server.connect
        self.server, self.project_id, self.environment = server, settings.project_id, environment
        self.token = token or access_token(server.url, settings.client_id, settings.client_secret)
        super().__init__(f"{server.url}/v1/connect/{settings.project_id}", self.token)

    def headers(self) -> dict[str, str]:
        return request_headers(self.token, {"x-pd-environment": self.environment} if self.environment else {})

    def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        headers = {**({"x-pd-environment": self.environment} if self.environment else {}), **kwargs.pop("headers", {})}
        return super().call(method, path, headers=headers, **kwargs)

    def account(self, external_user_id: str, app: str = "acme", credentials: dict[str, Any] | None = None) -> str:
        token = self.ok("POST", "/tokens", json={"external_user_id": external_user_id})["token"]
        return self.ok("POST", "/accounts", json={"app_slug": app, "connect_token": token,
                                                  "cfmap_json": json.dumps(credentials or {"api_key": "k"})})["id"]

    def deploy(self, external_user_id: str, key: str, configured_props: dict[str, Any] | None = None,
               **params: Any) -> dict[str, Any]:
        body = {"id": key, "external_user_id": external_user_id, "configured_props": configured_props or {}, **params}
        return self.ok("POST", "/triggers/deploy", json=body)["data"]


def access_token(base_url: str, client_id: str, client_secret: str) -> str:
    return EmulatorClient(base_url).ok("POST", "/v1/oauth/token", json={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})["access_token"]


@pytest.fixture
def api(emu: PdEmulatorServer) -> ConnectApi:
    return ConnectApi(emu)
