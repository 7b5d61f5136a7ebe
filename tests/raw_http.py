"""Raw HTTP/1.1 over a socket, for requests no HTTP client would send (malformed, cut short)."""
from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Server:
    url: str
    key: str
    parser: str                    # "llhttp" or "python"
    internal_errors: list[str] | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        return host, int(port)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def exchange(server: Server, *parts: bytes, sock: socket.socket | None = None) -> Answer:
    """Send `parts` (a pause between them, so the server reads them apart) and read one whole answer."""
    own = sock is None
    sock = sock or socket.create_connection(server.address, timeout=15)
    try:
        for i, part in enumerate(parts):
            if i:
                time.sleep(0.2)
            sock.sendall(part)
        return read_answer(sock)
    finally:
        if own:
            sock.close()


def read_answer(sock: socket.socket) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed without an answer: {data!r}"
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed mid-answer"
        rest += chunk
    body = json.loads(rest[:length]) if headers.get("content-type", "").startswith("application/json") else rest
    return Answer(int(status_line.split(" ")[1]), headers, body)
