"""aiohttp's server, with requests its HTTP parser refuses answered as our JSON errors.

aiohttp answers a request it cannot parse (a line over the size limit, a bad method or version, broken
chunked encoding, an invalid Content-Length or header character) itself, in plain text, before any
middleware runs: `RequestHandler.handle_error` builds that answer, and there is no public hook for it
(aio-libs/aiohttp#3287, #6463). So each connection gets a `JsonErrorRequestHandler`, made by
`JsonErrorServer`, which `JsonErrorAppRunner` puts in place of aiohttp's `Server`.
tests/reliability/test_http_parse_errors.py pins every part of this, with both parsers.
"""
from __future__ import annotations

import itertools
import logging
from typing import Any

from aiohttp import web, web_protocol
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.streams import StreamReader

from emulator.server.middleware import error_response
from emulator.server.parse_errors import describe_parse_error

log = logging.getLogger("emulator")

# The private parts of aiohttp this relies on (pinned by tests/reliability/test_http_parse_errors.py).
_KNOWS_AIOHTTP_INTERNALS = (hasattr(web_protocol, "_ErrInfo")
                            and "_messages" in getattr(web_protocol.RequestHandler, "__slots__", ()))


class JsonErrorRequestHandler(web_protocol.RequestHandler):
    """One connection; its parse errors are answered as `{"error", "code"[, "param"]}`."""

    __slots__ = ("_last_body",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_body: StreamReader | None = None

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):
            return super().handle_error(request, status, exc, message)
        # A hostile or confused client is no error of ours: no traceback on the console.
        log.debug("refused a malformed request from %s: %r", request.remote, exc)
        if request.writer.output_size > 0:
            raise ConnectionError("the connection broke after a response had started")
        error = describe_parse_error(exc, max_headers=self.max_headers)
        response = error_response(error.status, error.body())
        response.force_close()          # the parser cannot find where the next request would start
        return response

    def data_received(self, data: bytes) -> None:
        if not _KNOWS_AIOHTTP_INTERNALS:    # a newer aiohttp: its own behaviour, never a broken connection
            super().data_received(data)
            return
        queued = len(self._messages)
        super().data_received(data)
        for message, body in itertools.islice(self._messages, queued, None):
            if isinstance(message, web_protocol._ErrInfo):
                self._fail_last_body(message.exc)
            else:
                self._last_body = body

    def _fail_last_body(self, exc: BaseException | None) -> None:
        """llhttp drops the body of the request in flight when its framing breaks (bad chunked encoding
        after the headers were read): its handler, or aiohttp discarding what the handler did not read,
        would wait for the rest forever. The parse error aiohttp queued as the next "request" is handed
        to that body instead, so reading it fails (answered 400) and the connection closes. The pure
        Python parser does this itself."""
        body = self._last_body
        if body is None or body.is_eof() or body.exception() is not None or exc is None:
            return
        failure = web.RequestPayloadError(str(exc))
        failure.__cause__ = exc
        body.set_exception(failure, exc)

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """aiohttp reports a broken body it finds while discarding what a handler did not read as an
        "Unhandled exception"; it was answered (or the client left), so it is only worth a debug line."""
        error = kw.get("exc_info")
        if isinstance(error, web.RequestPayloadError | HttpProcessingError):
            log.debug("request body refused: %r", error)
            return
        super().log_exception(*args, **kw)


class JsonErrorServer(web.Server):
    """aiohttp's `Server`, making a `JsonErrorRequestHandler` for each connection."""

    def __call__(self) -> web_protocol.RequestHandler:
        return JsonErrorRequestHandler(self, loop=self._loop, **self._kwargs)


class JsonErrorAppRunner(web.AppRunner):
    """`AppRunner` whose server is a `JsonErrorServer` (the app's startup and cleanup as usual)."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # The same server, built by the app with its handler and request factory; only the protocol
        # factory changes. Server keeps no per-class state, so this is all a subclass would do.
        server.__class__ = JsonErrorServer
        return server
