"""The one SSE decoder of the emulator's clients follows the event-stream format, not just our server's habits."""
from __future__ import annotations

from emulator.client.sse import SseDecoder, SseMessage, messages_from_lines

STREAM = [":sse-handshake", "", "retry: 1000", "", "id: 7", "event: run", "data: {\"a\":", "data:1}", "",
          "data: plain", ""]


def test_messages_carry_id_event_and_multi_line_data_and_skip_comments_and_retry() -> None:
    assert list(messages_from_lines(STREAM)) == [
        SseMessage(data='{"a":\n1}', id="7", event="run"), SseMessage(data="plain")]


def test_comments_are_messages_only_when_asked_for() -> None:
    assert next(messages_from_lines(STREAM, comments=True)) == SseMessage(comment="sse-handshake")


def test_the_last_event_id_is_remembered_for_a_reconnect() -> None:
    decoder = SseDecoder()
    for line in STREAM:
        decoder.feed(line + "\r\n")
    assert decoder.last_event_id == "7"
