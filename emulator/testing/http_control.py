"""`pd_emulator.http`: send a request to a source's endpoint (call it), and control what the
sources' own outbound requests get (`stub`, `requests`, `mode`).

The control methods are synchronous: the fixture's emulator runs on the test's own loop.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from emulator.outbound.control import OutboundHttp
from emulator.outbound.modes import HttpSetting
from emulator.outbound.stubs import StubError, parse_stub

UNSET: Any = object()


class HttpControl:
    def __init__(self, outbound: OutboundHttp, new_id: Callable[[str], str],
                 send: Callable[..., Awaitable[Any]]) -> None:
        self._outbound, self._new_id, self._send = outbound, new_id, send

    def __call__(self, source_id: str, method: str = "POST", path: str = "/", **kwargs: Any) -> Awaitable[Any]:
        """Sends a request to the source's HTTP endpoint (await it); see PdEmulator.http_request."""
        return self._send(source_id, method, path, **kwargs)

    def stub(self, method: str | None = None, url: str = "", *, json: Any = UNSET, body: str | None = None,
             status: int = 200, headers: dict[str, str] | None = None, times: int | None = None,
             source_id: str | None = None, delay_ms: int = 0, request_json: dict[str, Any] | None = None,
             request_text: str | None = None) -> dict[str, Any]:
        """Answers matching outbound requests (see POST /_emulator/http/stubs); returns the stub.

        A wrong field raises ValueError naming it."""
        fields: dict[str, Any] = {"method": method, "url": url, "status": status, "headers": headers or {},
                                  "times": times, "source_id": source_id, "delay_ms": delay_ms}
        for name, value in (("json", json), ("body", body), ("request_json", request_json),
                            ("request_text", request_text)):
            if value is not UNSET and value is not None:
                fields[name] = value
        try:
            stub = parse_stub(fields, self._new_id("hs_"))
        except StubError as error:
            raise ValueError(str(error)) from None
        return self._outbound.stubs.add(stub).to_api()

    def requests(self, source_id: str | None = None) -> list[dict[str, Any]]:
        """The outbound requests made (by `source_id`, or all), oldest first, as runs list them."""
        return [exchange.to_api() for exchange in self._outbound.requests(source_id)]

    def mode(self, mode: str, cassette: str | Path | None = None, *, source_id: str | None = None) -> None:
        """live | offline | record | replay, for the emulator or one source."""
        self._outbound.set_mode(mode, str(cassette) if cassette else None, source_id)


class ThreadedHttpControl:
    """`pd_emulator_server.http`: the same `stub`, `requests` and `mode`, each run on the
    emulator's own thread (`run_on_loop` is PdEmulatorServer.control)."""

    def __init__(self, outbound: OutboundHttp, new_id: Callable[[str], str],
                 run_on_loop: Callable[[Any], Any]) -> None:
        self._inner = HttpControl(outbound, new_id, _no_endpoint_requests)
        self._run_on_loop = run_on_loop

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        async def on_loop() -> Any:
            return getattr(self._inner, method)(*args, **kwargs)
        return self._run_on_loop(on_loop())

    def stub(self, method: str | None = None, url: str = "", **fields: Any) -> dict[str, Any]:
        return self._call("stub", method, url, **fields)

    def requests(self, source_id: str | None = None) -> list[dict[str, Any]]:
        return self._call("requests", source_id)

    def mode(self, mode: str, cassette: str | Path | None = None, *, source_id: str | None = None) -> None:
        self._call("mode", mode, cassette, source_id=source_id)


async def _no_endpoint_requests(*args: Any, **kwargs: Any) -> Any:
    raise TypeError("send requests to a source's endpoint with your own client (pd_emulator_server.url)")


def apply_record_mode(outbound: OutboundHttp, record_mode: str, cassette: Path) -> None:
    """`@pytest.mark.pd_cassette` with `--pd-record-mode` (pytest-recording's meanings)."""
    outbound.use(HttpSetting.for_record_mode(record_mode, str(cassette)))
