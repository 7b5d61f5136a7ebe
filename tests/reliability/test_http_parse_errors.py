"""Requests aiohttp's HTTP parser refuses are answered as our JSON errors, by both of its parsers.

Each malformed request goes over a raw socket to a real server: the in-process threaded emulator
(llhttp, aiohttp's C parser, unless this run set AIOHTTP_NO_EXTENSIONS) and a `pd-emulator serve`
process under AIOHTTP_NO_EXTENSIONS=1 (the pure-Python parser). These pin server/protocol's hooks into
aiohttp: an aiohttp that answers them some other way fails here.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.server.parse_errors import PURE_PYTHON_PARSER
from emulator.server.runner import ThreadedEmulator
from tests.raw_http import Server, exchange

HOST = b"Host: 127.0.0.1\r\n"
MALFORMED: list[tuple[str, bytes, int, str, Any, Any]] = [
    # (case, request, status, code, message (or {parser: message}), param (or {parser: param}))
    ("request line over 8 KB", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + HOST + b"\r\n",
     414, "request_line_too_long", "request line too long (max 8190 bytes)", None),
    ("header line over 8 KB", b"GET /v1/users/me HTTP/1.1\r\n" + HOST + b"X-Big: " + b"a" * 9000 + b"\r\n\r\n",
     431, "header_fields_too_large",
     {"llhttp": "header field too long (max 8190 bytes)", "python": "header field X-Big too long (max 8190 bytes)"},
     {"llhttp": None, "python": "X-Big"}),
    ("too many headers", b"GET /v1/users/me HTTP/1.1\r\n" + HOST + b"".join(b"X-H%d: 1\r\n" % i for i in range(200))
     + b"\r\n", 431, "header_fields_too_large", "too many header fields (max 128)", None),
    ("invalid method", b"G@T / HTTP/1.1\r\n" + HOST + b"\r\n",
     400, "malformed_request", "invalid HTTP method in the request line: 'G@T'", None),
    ("invalid version", b"GET / HTTP/1.x\r\n" + HOST + b"\r\n",
     400, "malformed_request", "invalid HTTP version in the request line (HTTP/1.0 or HTTP/1.1)", None),
    ("no HTTP version", b"GET / HTTQ/1.1\r\n" + HOST + b"\r\n",
     400, "malformed_request", "malformed request line (expected: METHOD /path HTTP/1.1)", None),
    ("control character in the URL", b"GET /a\x01b HTTP/1.1\r\n" + HOST + b"\r\n",
     400, "malformed_request", "invalid character in the request target (the URL in the request line)", None),
    ("bare LF line endings", b"GET / HTTP/1.1\nHost: 127.0.0.1\n\n",
     400, "malformed_request", "lines of a request must end with CRLF (\\r\\n)", None),
    ("bad chunk size", b"POST /v1/sources HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
     400, "malformed_request", "malformed chunked request body (invalid chunk size)", "Transfer-Encoding"),
    ("unsupported Transfer-Encoding", b"POST /v1/sources HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip\r\n\r\n",
     400, "malformed_request", "unsupported Transfer-Encoding (only chunked is accepted)", "Transfer-Encoding"),
    ("Content-Length not a number", b"POST /v1/sources HTTP/1.1\r\n" + HOST + b"Content-Length: abc\r\n\r\n",
     400, "malformed_request", "malformed Content-Length header (one non-negative integer)", "Content-Length"),
    ("negative Content-Length", b"POST /v1/sources HTTP/1.1\r\n" + HOST + b"Content-Length: -1\r\n\r\n",
     400, "malformed_request", "malformed Content-Length header (one non-negative integer)", "Content-Length"),
    ("two Content-Lengths", b"POST /v1/sources HTTP/1.1\r\n" + HOST + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
     400, "malformed_request", "duplicate Content-Length header", "Content-Length"),
    ("Content-Length and chunked", b"POST /v1/sources HTTP/1.1\r\n" + HOST
     + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     400, "malformed_request", "Content-Length and Transfer-Encoding both present: send one", "Transfer-Encoding"),
    ("control character in a header value", b"GET /v1/users/me HTTP/1.1\r\n" + HOST + b"X-A: a\x01b\r\n\r\n",
     400, "malformed_request",
     {"llhttp": "invalid character in header X-A",
      "python": "invalid header line (a character not allowed in a header name or value)"},
     {"llhttp": "X-A", "python": None}),
    ("space in a header name", b"GET /v1/users/me HTTP/1.1\r\n" + HOST + b"Bad Name: x\r\n\r\n",
     400, "malformed_request", "invalid header line (a character not allowed in a header name or value)", None),
    ("HTTP/1.1 without Host", b"GET /v1/users/me HTTP/1.1\r\n\r\n",
     400, "malformed_request", "an HTTP/1.1 request needs a Host header", "Host"),
]


def authorized_get(server: Server) -> bytes:
    return (f"GET /v1/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.key}\r\n\r\n").encode()


@pytest.fixture(scope="module")
def served_by_serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`pd-emulator serve` on the pure-Python parser."""
    folder = tmp_path_factory.mktemp("empty")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1", "AIOHTTP_NO_EXTENSIONS": "1"}
    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", str(folder), "--port", "0",
                                "--clock", "virtual", "--no-watch"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    printed = []
    url = key = ""
    deadline = time.monotonic() + 30
    while not (url and key) and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        printed.append(line)
        url = url or (re.search(r"ready at (http://\S+)", line) or ["", ""])[1]
        key = key or (re.search(r"API key\s+(\S+)", line) or ["", ""])[1]
    assert url and key, "serve did not start:\n" + "".join(printed)
    try:
        yield Server(url, key, "python")
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


@pytest.fixture(scope="module", params=["in-process", "serve"])
def server(request: pytest.FixtureRequest) -> Server:
    if request.param == "serve":
        return request.getfixturevalue("served_by_serve")
    emulator: ThreadedEmulator = request.getfixturevalue("served")
    assert emulator.emulator is not None
    return Server(emulator.url, emulator.api_key, "python" if PURE_PYTHON_PARSER else "llhttp",
                  emulator.emulator.internal_errors)


def expected(value: Any, parser: str) -> Any:
    return value[parser] if isinstance(value, dict) else value


@pytest.mark.parametrize(("case", "raw", "status", "code", "message", "param"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_each_malformed_request_gets_a_json_error_naming_the_problem(
        server: Server, case: str, raw: bytes, status: int, code: str, message: Any, param: Any) -> None:
    answer = exchange(server, raw)
    body = {"error": expected(message, server.parser), "code": code}
    if expected(param, server.parser) is not None:
        body["param"] = expected(param, server.parser)
    assert (answer.status, answer.body) == (status, body), case
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    assert exchange(server, authorized_get(server)).status == 200, f"not serving after: {case}"
    if server.internal_errors is not None:
        assert server.internal_errors == []


def test_a_refused_request_carries_the_headers_of_every_json_error(server: Server) -> None:
    """The same headers as an error the middleware renders; the connection closes after it."""
    routed = exchange(server, b"GET /no/such/route HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert routed.status == 404
    with socket.create_connection(server.address, timeout=15) as sock:
        refused = exchange(server, b"G@T / HTTP/1.1\r\n" + HOST + b"\r\n", sock=sock)
        assert sock.recv(1) == b""                  # closed: the parser lost track of where requests start
    assert set(refused.headers) - {"connection"} == set(routed.headers) - {"connection"}


def test_a_malformed_request_after_a_good_one_on_the_same_connection(server: Server) -> None:
    with socket.create_connection(server.address, timeout=15) as sock:
        assert exchange(server, authorized_get(server), sock=sock).status == 200
        answer = exchange(server, b"GET /v1/users/me HTTP/1.1\r\n" + HOST + b"X-A: a\x00b\r\n\r\n", sock=sock)
    assert answer.status == 400 and answer.body["code"] == "malformed_request"


def test_a_chunked_body_that_breaks_after_its_headers_were_read_is_answered(server: Server) -> None:
    """The handler is already reading the body when the bad chunk arrives: llhttp used to leave it
    waiting for the rest forever (no answer at all)."""
    head = (f"POST /v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.key}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n").encode()
    answer = exchange(server, head, b"zz\r\n1\r\n}\r\n0\r\n\r\n")
    assert (answer.status, answer.body) == (400, {"error": "malformed chunked request body (invalid chunk size)",
                                                  "code": "malformed_request", "param": "Transfer-Encoding"})
    assert exchange(server, authorized_get(server)).status == 200
    if server.internal_errors is not None:
        assert server.internal_errors == []


def test_a_client_leaving_mid_body_is_no_internal_error(served: ThreadedEmulator) -> None:
    server = Server(served.url, served.api_key, "")
    with socket.create_connection(server.address, timeout=15) as sock:
        sock.sendall((f"POST /v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.key}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":").encode())
        time.sleep(0.3)
    time.sleep(0.3)
    assert exchange(server, authorized_get(server)).status == 200
    assert served.emulator is not None and served.emulator.internal_errors == []


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_body_that_does_not_decode_as_its_content_encoding_says(server: Server, coding: str) -> None:
    raw = (f"POST /v1/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.key}\r\n"
           f"Content-Type: application/json\r\nContent-Encoding: {coding}\r\nContent-Length: 10\r\n\r\n0123456789")
    answer = exchange(server, raw.encode())
    assert (answer.status, answer.body) == (400, {
        "error": f"request body does not decode as its Content-Encoding says: '{coding}'",
        "code": "malformed_request", "param": "Content-Encoding"})
    if server.internal_errors is not None:
        assert server.internal_errors == []
