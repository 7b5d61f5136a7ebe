"""The aiohttp flavour of `client/http`: the same calls, headers, body rules and errors, awaited.

`await client.get(path)` → (status, body); `await client.ok(method, path)` → the body of a 2xx or
`CallRefused`. Other keyword arguments (e.g. `allow_redirects`) go to aiohttp as they are; so does a
`data=` that is a stream or a multipart form.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from emulator.client.http import (
    CallRefused,
    CallTimedOut,
    NoAnswer,
    decode_body,
    encode_body,
    is_success,
    request_headers,
    with_query,
)


class AsyncEmulatorClient:
    """Calls to one emulator with one key over an aiohttp session (its own, unless one is handed in).

    `session`, `base` and `key` stay public: a test may send a raw request through `client.session`.
    `timeout` (seconds per call) defaults to the session's.
    """

    def __init__(self, session: aiohttp.ClientSession | None, base: str, key: str | None = None, *,
                 timeout: float | None = None) -> None:
        self._owns_session = session is None
        self.session = session if session is not None else aiohttp.ClientSession()
        self.base, self.key, self.timeout = base.rstrip("/"), key, timeout

    async def call(self, method: str, path: str, *,
                   timeout: float | aiohttp.ClientTimeout | None = None,  # noqa: ASYNC109 (as aiohttp's own)
                   **kwargs: Any) -> tuple[int, Any]:
        """One call; any status is answered as (status, decoded body)."""
        limit = self._timeout(timeout)
        try:
            async with self.open(method, path, timeout=limit, **kwargs) as response:
                return response.status, decode_body(await response.read(), response.charset)
        except TimeoutError as exc:
            raise CallTimedOut(method, path, self.base, limit.total if limit else None) from exc
        except aiohttp.ClientConnectionError as exc:
            raise NoAnswer(method, path, self.base, exc) from exc

    def open(self, method: str, path: str, *, key: str | None = None, json: Any = None, data: Any = None,
             params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
             timeout: float | aiohttp.ClientTimeout | None = None, **kwargs: Any) -> Any:
        """The response itself, for a stream or a test that reads headers: `async with client.open(…) as response`.

        The same key, body and query rules as `call`; aiohttp's errors are not translated.
        """
        content_type = None
        if json is not None or isinstance(data, str | bytes | Mapping):
            data, content_type = encode_body(json, data)
        limit = self._timeout(timeout)
        if limit is not None:
            kwargs["timeout"] = limit
        return self.session.request(method, with_query(self.base + path, params), data=data,
                                    headers=request_headers(key or self.key, headers, content_type), **kwargs)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """The body of a 2xx answer; any other status raises `CallRefused`."""
        status, body = await self.call(method, path, **kwargs)
        if not is_success(status):
            raise CallRefused(method, path, status, body)
        return body

    async def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("DELETE", path, **kwargs)

    def _timeout(self, timeout: float | aiohttp.ClientTimeout | None) -> aiohttp.ClientTimeout | None:
        limit = timeout if timeout is not None else self.timeout
        return aiohttp.ClientTimeout(total=limit) if isinstance(limit, int | float) else limit

    async def close(self) -> None:
        """Closes the session if this client opened it."""
        if self._owns_session:
            await self.session.close()

    async def __aenter__(self) -> AsyncEmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
