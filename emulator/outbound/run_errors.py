"""A failed run's error names the request behind it: SDKs often wrap a refused connection in their
own message ("An error occurred with our connection to Stripe."), and a timed-out run may have
been retrying a blocked request all along."""
from __future__ import annotations

from typing import Any


def with_unanswered_requests(error: dict[str, Any], requests: list[dict[str, Any]]) -> dict[str, Any]:
    """The error, its message extended with the last blocked or failed request unless it names it."""
    unanswered = [r for r in requests if r.get("error")]
    if not unanswered:
        return error
    last = unanswered[-1]
    message = str(error.get("message") or "")
    if last["url"] in message:
        return error
    count = len(unanswered)
    lead = f"after {count} unanswered requests, the last: " if count > 1 else ""
    return {**error, "message": f"{message} [{lead}{last['error']}]"}
