"""Where outbound requests go: one mode and cassette for the emulator, which a source may override."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cassette import Cassette, CassetteError

MODES = ("live", "offline", "record", "replay")


# pytest-recording's record modes, as (mode, replay_first, start_empty); "once" depends on the file.
RECORD_MODES = ("none", "once", "new_episodes", "all")


@dataclass
class HttpSetting:
    """A mode and, for record/replay, its cassette (opened: read once, then appended to).

    replay_first: in record mode, requests the cassette holds are replayed and only new ones
    recorded (pytest-recording's `new_episodes`)."""

    mode: str = "live"
    cassette: Cassette | None = None
    replay_first: bool = False

    @classmethod
    def open(cls, mode: str, cassette_path: str | None, *, replay_first: bool = False,
             start_empty: bool = False) -> HttpSetting:
        """Raises CassetteError (missing file in replay, no path where one is needed, not HAR)."""
        if mode not in MODES:
            raise CassetteError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if mode in ("record", "replay") and not cassette_path:
            raise CassetteError(f"mode {mode!r} needs a cassette file")
        cassette = None
        if cassette_path:
            cassette = (Cassette.empty(cassette_path) if start_empty
                        else Cassette.open(cassette_path, create=mode == "record"))
        return cls(mode, cassette, replay_first)

    @classmethod
    def for_record_mode(cls, record_mode: str, cassette_path: str) -> HttpSetting:
        """The setting pytest-recording's `--record-mode` names for this cassette file."""
        if record_mode not in RECORD_MODES:
            raise CassetteError(f"record mode must be one of {', '.join(RECORD_MODES)}, got {record_mode!r}")
        if record_mode == "all":
            return cls.open("record", cassette_path, start_empty=True)
        if record_mode == "new_episodes":
            return cls.open("record", cassette_path, replay_first=True)
        if record_mode == "once" and not Path(cassette_path).exists():
            return cls.open("record", cassette_path)
        return cls.open("replay", cassette_path)

    def to_api(self) -> dict[str, object]:
        return {"mode": self.mode, "cassette": str(self.cassette.path) if self.cassette else None}
