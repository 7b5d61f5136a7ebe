"""Plugin tests run example test files as a user's project would: pytester, strict settings."""
from __future__ import annotations

import pytest
import requests  # noqa: F401

# Imported once here: pytester unloads what an in-process run imported, and re-importing these
# per run is slow (the emulator) or breaks them (requests' cookie jar classes).
import emulator.testing.fixtures  # noqa: F401

# A user's project as strict as ours: strict pytest-asyncio, strict markers, warnings as errors.
# Unrelated plugins of this environment are off: each in-process run would re-import them.
STRICT_INI = """
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest -p no:anyio -p no:benchmark
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""

TIMER_SOURCE = """
export default {
  key: "counter", name: "Counter", version: "0.1.0", type: "source",
  props: {
    db: "$.service.db",
    timer: { type: "$.interface.timer", default: { intervalSeconds: 900 } },
    label: { type: "string", label: "Label" },
  },
  async run() {
    const count = (this.db.get("count") ?? 0) + 1;
    this.db.set("count", count);
    console.log(`count ${count}`);
    this.$emit({ label: this.label, count }, { summary: `${this.label} ${count}` });
  },
};
"""

FAILING_SOURCE = """
export default {
  key: "failing", name: "Failing", version: "0.1.0", type: "source",
  props: {},
  async run() {
    console.log("about to fail");
    throw new Error("the upstream API said no");
  },
};
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """An empty user project (no conftest) with a timer source `counter.mjs` and `failing.mjs`."""
    pytester.makeini(STRICT_INI)
    pytester.makefile(".mjs", counter=TIMER_SOURCE, failing=FAILING_SOURCE)
    return pytester
