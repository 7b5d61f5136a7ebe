"""What was wrong with a request aiohttp's HTTP parser refused, said the same way by both of its parsers.

aiohttp parses with llhttp (the C extension) or, under `AIOHTTP_NO_EXTENSIONS=1`, in pure Python; the two
word their errors differently (llhttp: "Invalid header value char:\\n\\n  b'X-A: a\\\\x01b'\\n  ^"; Python:
"Invalid HTTP header: b'a\\\\x01b'"). `describe_parse_error` turns either into one `ApiError` naming
the problem and, where the parser tells it, the header involved. It never echoes more than a short,
escaped token of what the client sent.
"""
from __future__ import annotations

import re

from aiohttp import http_parser, web_protocol
from aiohttp.http_exceptions import (
    BadHttpMethod,
    BadStatusLine,
    ContentLengthError,
    HttpProcessingError,
    InvalidHeader,
    InvalidURLError,
    LineTooLong,
    TransferEncodingError,
)

from emulator.errors import ApiError, HeaderFieldsTooLarge, MalformedRequest, RequestLineTooLong

# The parser aiohttp's server uses, chosen when aiohttp is imported (the C one unless it is unavailable
# or AIOHTTP_NO_EXTENSIONS is set): the two report a too long request line differently.
PURE_PYTHON_PARSER = web_protocol.HttpRequestParser is http_parser.HttpRequestParserPy
_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_SHOWN_CHARS = 40


def describe_parse_error(exc: BaseException, *, max_headers: int | None = None) -> ApiError:
    """The error answered for a request the parser refused (`exc`: its HttpProcessingError)."""
    if isinstance(exc, web_protocol.RequestPayloadError) and isinstance(exc.__cause__, HttpProcessingError):
        exc = exc.__cause__
    if isinstance(exc, LineTooLong):
        return _line_too_long(exc)
    message = exc.message if isinstance(exc, HttpProcessingError) else str(exc)
    reason = _reason(exc, message).lower()
    if reason == "too many headers received":
        return HeaderFieldsTooLarge("too many header fields" + (f" (max {max_headers})" if max_headers else ""))
    if isinstance(exc, BadHttpMethod):
        if "https traffic" in reason:
            return MalformedRequest("TLS (https://) traffic on an HTTP port: the emulator speaks plain http://")
        return MalformedRequest(f"invalid HTTP method in the request line{_quoted(_method(message))}")
    if isinstance(exc, InvalidURLError):
        return MalformedRequest("invalid character in the request target (the URL in the request line)")
    if isinstance(exc, BadStatusLine):
        return _bad_request_line(reason)
    if isinstance(exc, ContentLengthError):
        return MalformedRequest("request body ended before its Content-Length", param="Content-Length")
    if isinstance(exc, TransferEncodingError) or "chunk" in reason:
        return MalformedRequest(f"malformed chunked request body ({_chunk_problem(reason)})",
                                param="Transfer-Encoding")
    return _header_problem(exc, message, reason)


def _reason(exc: BaseException, message: str) -> str:
    """The parser's own words, without the part quoting what the client sent."""
    if not PURE_PYTHON_PARSER:
        # llhttp: "<reason>:\n\n  b'<the line>'\n  ^", a bad request line prefixed "Bad status line:\n  "
        return message.removeprefix("Bad status line:\n  ").split(":\n", 1)[0]
    if isinstance(exc, InvalidHeader):
        return "content-length" if exc.hdr.lower() == "content-length" else "invalid http header"
    if isinstance(exc, BadHttpMethod):
        return "https traffic" if "HTTPS traffic" in message else "bad http method"
    if isinstance(exc, BadStatusLine | InvalidURLError):
        quoted = re.search(r"'(.*)'$", message)      # "Bad status line 'GET / HTTP/1.x'"
        parts = quoted[1].split(" ") if quoted else []
        if len(parts) == 3 and parts[2].startswith("HTTP/") and not re.fullmatch(r"HTTP/\d\.\d", parts[2]):
            return "invalid http version"
        return "bad status line"
    if isinstance(exc, TransferEncodingError):      # its message is the chunk-size line itself, or one of these
        return next((m for m in ("Not enough data", "Unexpected LF") if message.startswith(m)), "chunk size")
    return message


def _line_too_long(exc: LineTooLong) -> ApiError:
    line, limit = (*exc.args, "", "?")[:2]
    if _is_request_line(line):
        return RequestLineTooLong(f"request line too long (max {limit} bytes)")
    name = _header_name(bytes(line)) if PURE_PYTHON_PARSER else None
    where = f" {name}" if name else ""
    return HeaderFieldsTooLarge(f"header field{where} too long (max {limit} bytes)", param=name)


def _is_request_line(line: bytes | bytearray | str) -> bool:
    """llhttp reports the URL it was collecting (a bytearray, its own buffer) and a header's name or value
    (bytes); the Python parser reports the whole line, `METHOD SP target…` or `Name: value…`."""
    if not PURE_PYTHON_PARSER:
        return isinstance(line, bytearray)
    return isinstance(line, bytes | bytearray) and re.match(_TOKEN + rb" ", bytes(line)) is not None


def _header_name(line: bytes) -> str | None:
    match = re.match(rb"(" + _TOKEN + rb"):", line)
    return match.group(1).decode("ascii") if match and len(match.group(1)) <= _SHOWN_CHARS else None


def _bad_request_line(reason: str) -> ApiError:
    if "crlf" in reason:
        return MalformedRequest("lines of a request must end with CRLF (\\r\\n)")
    if "version" in reason:
        return MalformedRequest("invalid HTTP version in the request line (HTTP/1.0 or HTTP/1.1)")
    return MalformedRequest("malformed request line (expected: METHOD /path HTTP/1.1)")


def _chunk_problem(reason: str) -> str:
    if "not enough data" in reason:
        return "it ended before its last chunk"
    if "unexpected lf" in reason:
        return "a line feed in a chunk extension"
    if "chunk size" in reason:
        return "invalid chunk size"
    return reason


def _header_problem(exc: BaseException, message: str, reason: str) -> ApiError:
    if "content-encoding" in reason:          # "can not decode content-encoding: gzip"
        coding = reason.split("content-encoding:", 1)[-1].split()[:1]
        return MalformedRequest(f"request body does not decode as its Content-Encoding says{_quoted(''.join(coding))}",
                                param="Content-Encoding")
    if "content-length" in reason:
        if "duplicate" in reason:
            return MalformedRequest("duplicate Content-Length header", param="Content-Length")
        if "transfer-encoding" in reason:
            return MalformedRequest("Content-Length and Transfer-Encoding both present: send one",
                                    param="Transfer-Encoding")
        return MalformedRequest("malformed Content-Length header (one non-negative integer)", param="Content-Length")
    if "transfer-encoding" in reason:
        return MalformedRequest("unsupported Transfer-Encoding (only chunked is accepted)", param="Transfer-Encoding")
    if "line ending" in reason or "crlf" in reason:
        return MalformedRequest("lines of a request must end with CRLF (\\r\\n)")
    if "host" in reason and "missing" in reason:
        return MalformedRequest("an HTTP/1.1 request needs a Host header", param="Host")
    if "header" in reason:
        name = None if PURE_PYTHON_PARSER else _header_name(_quoted_data(message))
        return MalformedRequest(f"invalid character in header {name}" if name else
                                "invalid header line (a character not allowed in a header name or value)",
                                param=name)
    return MalformedRequest(f"malformed HTTP request: {_printable(reason)}")


def _quoted_data(message: str) -> bytes:
    """The line llhttp quotes in its message (`b'X-A: a\\\\x01b'`), as the bytes it was."""
    match = re.search(r"\n  b(['\"])(.*)\1\n", message)
    if not match:
        return b""
    return match.group(2).encode("latin-1", "replace").decode("unicode_escape").encode("latin-1", "replace")


def _method(message: str) -> str:
    """The method token the parser quotes (Python: `… line 'G@T'`; llhttp: `b'G@T / HTTP/1.1'`)."""
    match = re.search(r"b?'([^ ']*)", message)
    return match.group(1) if match else ""


def _quoted(text: str) -> str:
    return f": {_printable(text)!r}" if text else ""


def _printable(text: str) -> str:
    shown = "".join(c if " " <= c <= "~" else "?" for c in text[:_SHOWN_CHARS])
    return shown + ("…" if len(text) > _SHOWN_CHARS else "")
