"""The matching and redaction rules on their own (they are also tested through real Node)."""
from __future__ import annotations

import pytest

from emulator.outbound.cassette import request_key
from emulator.outbound.exchange import OutboundRequest
from emulator.outbound.redaction import REDACTED, Redactor, secret_values
from emulator.outbound.stubs import StubError, contains, parse_stub


@pytest.mark.parametrize(("pattern", "url", "matches"), [
    ("https://a.test/x/*/y", "https://a.test/x/1/y", True),
    ("https://a.test/x/*/y", "https://a.test/x/1/2/y", False),
    ("https://a.test/x/**", "https://a.test/x/1/2/y", True),
    ("https://a.test/v*/me", "https://a.test/v2/me", True),
    ("https://a.test/x", "https://a.test/x/", False),
    ("https://a.test/x", "http://a.test/x", False),
    ("https://a.test/x.json", "https://a.test/xajson", False),          # "." is literal
])
def test_url_patterns(pattern: str, url: str, matches: bool) -> None:
    stub = parse_stub({"url": pattern}, "hs_1")
    assert stub.matches(OutboundRequest("GET", url, []), None) is matches


def test_request_json_is_a_subset_compared_as_data() -> None:
    assert contains({"a": 1, "b": {"c": [1, 2], "d": 0}}, {"b": {"c": [1, 2]}})
    assert contains({"n": 1.0}, {"n": 1})
    assert not contains({"n": True}, {"n": 1})
    assert not contains({"b": {"c": [2, 1]}}, {"b": {"c": [1, 2]}})


def test_cassette_keys_ignore_query_order_and_default_ports() -> None:
    assert request_key("get", "https://a.test:443/p?b=2&a=1&a=0") == request_key("GET", "https://A.test/p?a=0&a=1&b=2")
    assert request_key("GET", "https://a.test/p?a=1&a=1") != request_key("GET", "https://a.test/p?a=1")


def test_redaction_covers_headers_and_secret_values_wherever_they_appear() -> None:
    props = {"app": {"$auth": {"api_key": "sk_secret_1", "nested": {"t": "tok/with space"}, "oauth_signer_uri": "x"}},
             "password": "p4ssw0rd", "label": "visible"}
    redactor = Redactor(secret_values(props, ["password"]))
    assert redactor.text("https://a.test/?k=sk_secret_1&t=tok%2Fwith%20space&u=tok%2Fwith+space") == \
        f"https://a.test/?k={REDACTED}&t={REDACTED}&u={REDACTED}"
    assert redactor.body(b'{"p": "p4ssw0rd", "l": "visible"}') == b'{"p": "[REDACTED]", "l": "visible"}'
    assert redactor.headers([("X-Api-Key", "k"), ("Accept", "sk_secret_1"), ("Set-Cookie", "a=b")]) == \
        [["X-Api-Key", REDACTED], ["Accept", REDACTED], ["Set-Cookie", REDACTED]]


def test_a_stub_error_names_the_entry_and_field() -> None:
    with pytest.raises(StubError) as raised:
        parse_stub({"url": "https://a.test/", "times": -1}, "hs_1", where="[3].")
    assert raised.value.field == "[3].times"
