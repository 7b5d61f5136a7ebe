"""The real request, made by the host for a component (live and record modes).

Honours NODE_EXTRA_CA_CERTS (as Node would) and HTTP(S)_PROXY / NO_PROXY. Redirects are not
followed here: the component's client gets the 3xx and follows it, each hop a request of its own.
"""
from __future__ import annotations

import ssl

import aiohttp

from .cassette import DROPPED_RESPONSE_HEADERS
from .exchange import OutboundRequest, OutboundResponse

# Set by the client for the body it sends, or describing the connection: aiohttp sets its own.
# Accept-Encoding too: aiohttp asks only for what it can decode (the component gets the body decoded).
DROPPED_REQUEST_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive",
                           "accept-encoding"}
TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=30)


class NetworkError(Exception):
    """The request did not get a response; the message names the cause."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Network:
    """One aiohttp session for every source's live requests; close() at shutdown."""

    def __init__(self, *, extra_ca_certs: str | None = None) -> None:
        self._extra_ca_certs = extra_ca_certs
        self._session: aiohttp.ClientSession | None = None

    def _ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self._extra_ca_certs:
            context.load_verify_locations(cafile=self._extra_ca_certs)
        return context

    def _session_for_use(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(ssl=self._ssl_context())
            self._session = aiohttp.ClientSession(connector=connector, trust_env=True, timeout=TIMEOUT,
                                                  auto_decompress=True, skip_auto_headers=("User-Agent",))
        return self._session

    async def send(self, request: OutboundRequest) -> OutboundResponse:
        headers = [(name, value) for name, value in request.headers if name.lower() not in DROPPED_REQUEST_HEADERS]
        try:
            async with self._session_for_use().request(
                request.method, request.url, headers=headers, data=request.body or None,
                allow_redirects=False,
            ) as response:
                body = await response.read()
                kept = [(name, value) for name, value in response.headers.items()
                        if name.lower() not in DROPPED_RESPONSE_HEADERS]
                return OutboundResponse(status=response.status, headers=kept, body=body,
                                        status_text=response.reason or "")
        except aiohttp.ClientSSLError as error:
            raise NetworkError(f"TLS failed: {error}", "UNABLE_TO_VERIFY_LEAF_SIGNATURE") from None
        except aiohttp.ClientConnectorError as error:
            code = "ENOTFOUND" if "Name or service not known" in str(error) else "ECONNREFUSED"
            raise NetworkError(f"cannot connect: {error.os_error or error}", code) from None
        except aiohttp.ClientError as error:
            raise NetworkError(f"{type(error).__name__}: {error}", "ECONNRESET") from None
        except ValueError as error:          # an URL aiohttp cannot send
            raise NetworkError(f"invalid request: {error}", "ERR_INVALID_URL") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
