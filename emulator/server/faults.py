"""Injected faults: make matching API requests fail or slow down, to test clients' retries."""
from __future__ import annotations

import asyncio
import fnmatch
import random
from dataclasses import dataclass
from typing import Any

from aiohttp import web

CONTROL_PREFIX = "/_emulator"


@dataclass
class Fault:
    path: str                 # glob over the request path, e.g. "/v1/sources*"
    method: str | None
    status: int | None
    rate: float
    delay_ms: int
    remaining: int | None     # None: until cleared

    def to_api(self) -> dict[str, Any]:
        return {"path": self.path, "method": self.method, "status": self.status, "rate": self.rate,
                "delay_ms": self.delay_ms, "count": self.remaining}


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self.faults: list[Fault] = []
        self._random = random.Random(seed)

    def add(self, params: dict[str, Any]) -> Fault:
        fault = Fault(path=params["path"], method=(params.get("method") or "").upper() or None,
                      status=params.get("status", 503 if "delay_ms" not in params else None),
                      rate=params.get("rate", 1.0), delay_ms=params.get("delay_ms", 0),
                      remaining=params.get("count"))
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def match(self, request: web.Request) -> Fault | None:
        if request.path.startswith(CONTROL_PREFIX):
            return None
        for fault in self.faults:
            if fault.method and fault.method != request.method:
                continue
            if not fnmatch.fnmatchcase(request.path, fault.path):
                continue
            if self._random.random() >= fault.rate:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
            return fault
        return None

    async def apply(self, fault: Fault) -> web.Response | None:
        if fault.delay_ms:
            await asyncio.sleep(fault.delay_ms / 1000)
        if fault.status and fault.status >= 400:
            return web.json_response({"error": f"injected fault: HTTP {fault.status} (POST /_emulator/faults)",
                                      "code": "injected_fault"}, status=fault.status)
        return None
