"""Where outbound requests go: one mode and cassette for the emulator, which a source may override."""
from __future__ import annotations

from dataclasses import dataclass

from .cassette import Cassette, CassetteError

MODES = ("live", "offline", "record", "replay")


@dataclass
class HttpSetting:
    """A mode and, for record/replay, its cassette (opened: read once, then appended to)."""

    mode: str = "live"
    cassette: Cassette | None = None

    @classmethod
    def open(cls, mode: str, cassette_path: str | None) -> HttpSetting:
        """Raises CassetteError (missing file in replay, no path where one is needed, not HAR)."""
        if mode not in MODES:
            raise CassetteError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode in ("record", "replay") and not cassette_path:
            raise CassetteError(f"mode {mode!r} needs a cassette file")
        cassette = Cassette.open(cassette_path, create=mode == "record") if cassette_path else None
        return cls(mode, cassette)

    def to_api(self) -> dict[str, object]:
        return {"mode": self.mode, "cassette": str(self.cassette.path) if self.cassette else None}
