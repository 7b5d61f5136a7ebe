"""Prefixed ids, event ids and emit ids, all drawn from one seedable random source.

Resource ids sort in creation order (a base62 sequence number, then random characters), so a
pagination cursor that names a deleted item still has a position. Past 62**4 creations the
sequence part grows (see `sequence_text`) and keeps sorting after every shorter one.
"""
from __future__ import annotations

import random
import re

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order: sorts as text
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
ENDPOINT_RANDOM_CHARS = 15                    # 15 × log2(36) ≈ 77 bits: endpoint URLs are unguessable
EVENT_ID = re.compile(r"^([0-9]{1,16})-([0-9]{1,9})$")


SHORT_SEQUENCES = 62 ** 4
# Longer sequences start with 8 "z": after every short one, whatever its 4 random characters are.
LONG_SEQUENCE_MARK = "z" * 8


def sequence_text(sequence: int) -> str:
    """Text that sorts like the number: 4 base62 digits, then the mark, a digit count and the digits."""
    if sequence < SHORT_SEQUENCES:
        return to_base62(sequence, 4)
    digits = to_base62_digits(sequence)
    return f"{LONG_SEQUENCE_MARK}{BASE62[len(digits)]}{digits}"


def to_base62_digits(number: int) -> str:
    chars = []
    while number:
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(reversed(chars)) or "0"


def to_base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(reversed(chars))


class IdFactory:
    """Makes every id the emulator hands out; `seed` makes a run repeatable."""

    def __init__(self, seed: int | None = None, sequence: int = 0) -> None:
        self._random = random.Random(seed)
        # Secrets (API keys, endpoint ids) come from the OS unless a seed asks for repeatable runs:
        # a Mersenne Twister's next outputs can be computed from ids it has already handed out.
        self._secret_random: random.Random = random.SystemRandom() if seed is None else self._random
        self.sequence = sequence

    def new(self, prefix: str) -> str:
        """`dc_` + 4 sequence characters + 4 random ones: unique, ordered, short like the cloud's."""
        self.sequence += 1
        return f"{prefix}{sequence_text(self.sequence)}{self.random_text(4)}"

    def random_text(self, length: int) -> str:
        return "".join(self._random.choice(BASE62) for _ in range(length))

    def emit_id(self, now_ms: int) -> str:
        """A 27-character KSUID-like id: 4 bytes of seconds then 16 random bytes, in base62."""
        value = ((now_ms // 1000) & 0xFFFFFFFF) << 128 | self._random.getrandbits(128)
        return to_base62(value, 27)

    def api_key(self) -> str:
        return "pd_emu_" + "".join(self._secret_random.choice(BASE62) for _ in range(32))

    def endpoint_id(self) -> str:
        """`en` + lowercase letters and digits, like the cloud's `<id>.m.pipedream.net` hosts."""
        return "en" + "".join(self._secret_random.choice(BASE36) for _ in range(ENDPOINT_RANDOM_CHARS))


def event_id(ms: int, n: int) -> str:
    return f"{ms}-{n}"


def parse_event_id(text: str) -> tuple[int, int] | None:
    match = EVENT_ID.match(text)
    return (int(match[1]), int(match[2])) if match else None
