"""Secrets never reach a cassette or a run record: sensitive headers and the source's secret values."""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "[REDACTED]"
SENSITIVE_HEADERS = re.compile(r"^(authorization|proxy-authorization|cookie|set-cookie|x-.*-key|.*-token)$", re.I)
MIN_SECRET_CHARS = 4
NOT_SECRET = {"oauth_signer_uri"}     # an `$auth` value the emulator adds itself          # shorter values ("1", "us") would redact unrelated text


class Redactor:
    """Replaces secret values wherever they appear, and sensitive header values entirely."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        plain = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_CHARS}
        encoded = {quote(s, safe="") for s in plain} | {quote_plus(s) for s in plain}   # as they appear in URLs
        self.secrets = sorted(plain | encoded, key=len, reverse=True)
        self._byte_secrets = [s.encode() for s in self.secrets]

    def with_headers_of(self, headers: Iterable[tuple[str, str]]) -> Redactor:
        """Also redacts the values of these sensitive headers wherever they appear (an echoed token)."""
        values = set(self.secrets)
        for name, value in headers:
            if SENSITIVE_HEADERS.match(name):
                values.add(value)
                values.update(part for part in value.split()[1:])      # "Bearer <token>" → the token
        return Redactor(values)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        return value

    def body(self, value: bytes) -> bytes:
        for secret in self._byte_secrets:
            value = value.replace(secret, REDACTED.encode())
        return value

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[list[str]]:
        return [[name, REDACTED if SENSITIVE_HEADERS.match(name) else self.text(value)] for name, value in headers]


def secret_values(props: dict, secret_prop_names: Iterable[str]) -> set[str]:
    """Every string inside the props' `$auth` objects and the values of props marked `secret`."""
    found: set[str] = set()
    for value in props.values():
        if isinstance(value, dict) and isinstance(value.get("$auth"), dict):
            _strings({k: v for k, v in value["$auth"].items() if k not in NOT_SECRET}, found)
    for name in secret_prop_names:
        _strings(props.get(name), found)
    return found


def _strings(value: object, found: set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
