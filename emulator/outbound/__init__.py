"""Outbound HTTP of components: every request a source's Node process makes is answered here —
by a stub, a HAR cassette, the network, or refused — and recorded, secrets redacted."""
from __future__ import annotations

from .cassette import Cassette, CassetteError
from .control import OutboundHttp
from .modes import MODES, HttpSetting
from .stubs import Stub, StubError, parse_stub

__all__ = ["MODES", "Cassette", "CassetteError", "HttpSetting", "OutboundHttp", "Stub", "StubError", "parse_stub"]
