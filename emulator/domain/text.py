"""Text from components made safe to print, save and send: lone UTF-16 surrogates become U+FFFD.

JavaScript strings may hold half of a surrogate pair; Python keeps it in a str, and printing or
encoding it as UTF-8 then fails (a console line, a state file, a response).
"""
from __future__ import annotations

import re

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    return LONE_SURROGATE.sub("\ufffd", text)
