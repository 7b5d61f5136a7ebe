"""OutboundHttp: answers each request a component makes — stub, cassette, network or refusal —
and keeps what happened for the run record, the console and the pytest plugin."""
from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .cassette import CassetteError
from .exchange import Exchange, OutboundRequest, OutboundResponse
from .modes import HttpSetting
from .network import Network, NetworkError
from .oauth_signer import CredentialsLookup, is_signer_request, sign
from .redaction import Redactor
from .stubs import StubRegistry

RECENT_EXCHANGES = 1000

ExchangeListener = Callable[[str, Exchange], None]


class OutboundHttp:
    """The emulator's outbound HTTP policy; one per emulator."""

    def __init__(self, *, mode: str = "live", cassette: str | None = None, extra_ca_certs: str | None = None,
                 new_id: Callable[[str], str], credentials: CredentialsLookup = lambda source_id, account_id: None
                 ) -> None:
        self.setting = self.initial = HttpSetting.open(mode, cassette)
        self.per_source: dict[str, HttpSetting] = {}
        self.stubs = StubRegistry()
        self.network = Network(extra_ca_certs=extra_ca_certs)
        self.new_id = new_id
        self.credentials = credentials
        self.recent: deque[tuple[str, Exchange]] = deque(maxlen=RECENT_EXCHANGES)
        self.listeners: list[ExchangeListener] = []
        self.counts = {"network": 0, "stub": 0, "cassette": 0, "blocked": 0}
        self._recording = asyncio.Lock()

    def use(self, setting: HttpSetting) -> None:
        """Makes an already opened setting the emulator's (the pytest plugin's record modes)."""
        self.setting = setting

    def setting_for(self, source_id: str | None) -> HttpSetting:
        return self.per_source.get(source_id or "", self.setting)

    def set_mode(self, mode: str, cassette: str | None, source_id: str | None = None) -> HttpSetting:
        """Raises CassetteError when the mode or cassette cannot be used; nothing changes then."""
        setting = HttpSetting.open(mode, cassette)
        if source_id is None:
            self.setting = setting
        else:
            self.per_source[source_id] = setting
        return setting

    def clear_source(self, source_id: str) -> None:
        self.per_source.pop(source_id, None)

    def requests(self, source_id: str | None = None) -> list[Exchange]:
        """The requests made, oldest first (the most recent RECENT_EXCHANGES)."""
        return [exchange for owner, exchange in self.recent if source_id is None or owner == source_id]

    def reset(self) -> None:
        """Back to the start: the configured mode, no API stubs, no overrides, nothing recorded."""
        self.stubs.clear()
        self.per_source.clear()
        self.recent.clear()
        self.counts = dict.fromkeys(self.counts, 0)
        self.setting = self.initial
        if self.setting.cassette:
            self.setting.cassette.rewind()

    async def answer(self, source_id: str, request: OutboundRequest, redactor: Redactor) -> Exchange:
        """Decides and performs: stubs first, then the mode of the source (or the emulator)."""
        started_wall, started = datetime.now(UTC), time.perf_counter()
        setting = self.setting_for(source_id)
        exchange = Exchange(request=request, answered_by="blocked", redactor=redactor)
        if is_signer_request(request):
            exchange.answered_by, exchange.stub_id = "stub", "oauth_signer"
            exchange.response = sign(request, source_id, self.credentials)
        elif (stub := self.stubs.match(request, source_id)) is not None:
            if stub.delay_ms:
                await asyncio.sleep(stub.delay_ms / 1000)
            exchange.answered_by, exchange.stub_id, exchange.response = "stub", stub.id, stub.response()
        elif (recorded := self._recorded(setting, request, redactor)) is not None:
            exchange.answered_by, exchange.response = "cassette", recorded
        elif setting.mode in ("replay", "offline"):
            exchange.error = self._refusal(request, setting, source_id, redactor)
        else:
            try:
                exchange.response = await self.network.send(request)
                exchange.answered_by = "network"
            except NetworkError as failure:
                exchange.answered_by, exchange.error = "network", f"{redactor.text(request.describe)} failed: {failure}"
                exchange.error_code = failure.code
            if exchange.response is not None and setting.mode == "record" and setting.cassette:
                async with self._recording:          # parallel requests append (and write the file) in turn
                    await asyncio.to_thread(setting.cassette.append, request, exchange.response,
                                            started=started_wall, redactor=redactor,
                                            duration_ms=(time.perf_counter() - started) * 1000)
        exchange.duration_ms = (time.perf_counter() - started) * 1000
        self._note(source_id, exchange)
        return exchange

    @staticmethod
    def _recorded(setting: HttpSetting, request: OutboundRequest, redactor: Redactor) -> OutboundResponse | None:
        if setting.cassette is None or not (setting.mode in ("replay", "offline") or setting.replay_first):
            return None
        return setting.cassette.find(request, redactor)

    def _refusal(self, request: OutboundRequest, setting: HttpSetting, source_id: str, redactor: Redactor) -> str:
        """Why the request was blocked and how to answer it; the URL's secrets (a `?token=`) redacted,
        since the text reaches the run's error, its logs and the console."""
        where = "the source's" if source_id in self.per_source else "the emulator's"
        if setting.mode == "replay":
            why = (f"{where} cassette {setting.cassette.path if setting.cassette else ''} holds no such request "
                   f"(mode replay)")
            how = "record it (mode \"record\") or add a stub"
        else:
            why = f"{where} HTTP mode is offline and no stub answers it"
            how = "add a stub (POST /_emulator/http/stubs, a *.stubs.json file, or pd_emulator.http.stub) or replay a cassette"
        return f"{redactor.text(request.describe)} was blocked: {why}. To answer it, {how}."

    def _note(self, source_id: str, exchange: Exchange) -> None:
        self.recent.append((source_id, exchange))
        self.counts[exchange.answered_by] = self.counts.get(exchange.answered_by, 0) + 1
        for listener in self.listeners:
            listener(source_id, exchange)

    def to_api(self) -> dict[str, Any]:
        return {**self.setting.to_api(), "stubs": len(self.stubs.all()), "counts": dict(self.counts),
                "sources": {source_id: s.to_api() for source_id, s in self.per_source.items()}}

    async def close(self) -> None:
        await self.network.close()


__all__ = ["CassetteError", "OutboundHttp"]
