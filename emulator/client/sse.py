"""Reading server-sent events: one decoder of the event-stream format for every client of the emulator.

`SseDecoder` turns lines into messages (the WHATWG rules: `field: value` lines, `:` comments, a blank
line ends a message); `messages()` reads an aiohttp response with it, `messages_from_lines()` any
iterable of lines (the CLI's urllib response).
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SseMessage:
    data: str = ""
    id: str | None = None
    event: str | None = None             # None: an unnamed message (the cloud's are)
    comment: str | None = None           # a `:` line, yielded only when asked for

    def json(self) -> Any:
        return json.loads(self.data)


class SseDecoder:
    def __init__(self, *, comments: bool = False) -> None:
        self.comments = comments
        self.last_event_id: str | None = None
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None

    def feed(self, line: str) -> SseMessage | None:
        """One line (its end of line optional); a message when the line completes one."""
        line = line.rstrip("\r\n")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return SseMessage(comment=line[1:].strip()) if self.comments else None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None

    def _dispatch(self) -> SseMessage | None:
        if self._id is not None:
            self.last_event_id = self._id
        message = SseMessage("\n".join(self._data), self._id, self._event) if self._data else None
        self._data, self._event, self._id = [], None, None
        return message


class _StreamingResponse(Protocol):
    @property
    def content(self) -> AsyncIterator[bytes]: ...


async def messages(response: _StreamingResponse, *, comments: bool = False) -> AsyncIterator[SseMessage]:
    """The messages of an aiohttp response, as they arrive, until the stream ends."""
    decoder = SseDecoder(comments=comments)
    async for raw in response.content:
        message = decoder.feed(raw.decode("utf-8"))
        if message is not None:
            yield message


def messages_from_lines(lines: Iterable[bytes | str], *, comments: bool = False) -> Iterator[SseMessage]:
    decoder = SseDecoder(comments=comments)
    for raw in lines:
        message = decoder.feed(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if message is not None:
            yield message
