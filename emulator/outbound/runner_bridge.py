"""From the sandbox's `http` notice to OutboundHttp and back: the reply for Node, the run's entry."""
from __future__ import annotations

from typing import Any

from .control import OutboundHttp
from .exchange import OutboundRequest
from .redaction import Redactor


async def answer_runner_request(outbound: OutboundHttp, invocation: Any,
                                params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`invocation` is the sandbox's Invocation (source_id, secrets)."""
    request = OutboundRequest.from_runner(params)
    exchange = await outbound.answer(invocation.source_id, request, Redactor(invocation.secrets).with_headers_of(request.headers))
    return exchange.to_runner(), exchange.to_api()
