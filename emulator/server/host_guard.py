"""Refuse requests whose `Host` names a host this emulator is not (DNS rebinding).

A web page on `attacker.example` whose name is made to resolve to 127.0.0.1 reaches a local server
with its own name in `Host`; a browser never sends a foreign name otherwise. IP literals cannot be
rebound, so they always pass, as do `localhost`, `*.localhost` (endpoint origins), the bound host
and `*.m.pipedream.net` (cloud-style endpoint URLs behind a proxy).
"""
from __future__ import annotations

import functools
import ipaddress

from aiohttp import web

from emulator.errors import ApiError

ALWAYS_ALLOWED = ("localhost",)
ALLOWED_SUFFIXES = (".localhost", ".m.pipedream.net")


class MisdirectedHost(ApiError):
    status, code = 421, "unknown_host"


def host_name(host_header: str) -> str:
    """The name part of a Host header: `[::1]:80` → `::1`, `Example:80` → `example`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if ":" in host else host


def is_allowed_host(name: str, bound_host: str) -> bool:
    name = name.rstrip(".")
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return name in ALWAYS_ALLOWED or name == bound_host.lower() or name.endswith(ALLOWED_SUFFIXES)


@functools.lru_cache(maxsize=256)          # every request asks, with one or two Host values
def _allowed_header(header: str, bound_host: str) -> bool:
    return is_allowed_host(host_name(header), bound_host)


def refuse_foreign_host(request: web.Request, bound_host: str) -> None:
    """Raises MisdirectedHost (421) when the request's Host is not a name of this emulator."""
    header = request.headers.get("Host")
    if header is not None and not _allowed_header(header, bound_host):
        raise MisdirectedHost(f"Host {header[:100]!r} is not a name of this emulator: it answers to localhost, "
                              "IP addresses, *.localhost, *.m.pipedream.net and the host it is bound to "
                              "(a foreign name means a DNS-rebinding web page)", param="Host")
