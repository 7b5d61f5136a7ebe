"""Records of an imported state document: each item checked and turned into its dataclass."""
from __future__ import annotations

import dataclasses
from typing import Any

from emulator.errors import BadRequest


def parse_records(items: Any, where: str, cls: type) -> list[Any]:
    """`items` (found at `where`, e.g. "sources" or "connect.triggers") as `cls` records; unknown fields
    are dropped; BadRequest names the first bad item (param `where.index`)."""
    if not isinstance(items, list):
        raise BadRequest(f"{where} must be a list", param=where)
    fields = {f.name for f in dataclasses.fields(cls)}
    records = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"{where}[{index}] must be an object", param=f"{where}.{index}")
        try:
            records.append(cls(**{k: v for k, v in item.items() if k in fields}))
        except TypeError as exc:
            missing = str(exc).split("missing", 1)[-1].strip() if "missing" in str(exc) else str(exc)
            raise BadRequest(f"{where}[{index}] is missing {missing}", param=f"{where}.{index}") from None
    return records
