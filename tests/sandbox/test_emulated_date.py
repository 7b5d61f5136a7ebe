"""Date inside a run follows the emulator's clock: now_ms at the start, advancing at clock_speed."""
from __future__ import annotations

NOW_MS = 1_700_000_000_000


async def test_date_now_and_new_date_are_now_ms_on_a_frozen_clock(host, invocation):
    code = """
    export default {
      async run() {
        await new Promise((resolve) => setTimeout(resolve, 20));
        this.$emit({ now: Date.now(), constructed: new Date().getTime(), text: Date() });
      },
    };
    """
    result = await host.invoke(invocation(code, now_ms=NOW_MS, clock_speed=0.0))
    event = result.emits[0]["event"]
    assert event["now"] == NOW_MS
    assert event["constructed"] == NOW_MS
    assert event["text"].startswith("Tue Nov 14 2023 22:13:20")


async def test_date_advances_at_the_clock_speed(host, invocation):
    code = """
    export default {
      async run() {
        const before = Date.now();
        const realBefore = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 30));
        this.$emit({ emulated: Date.now() - before, real: performance.now() - realBefore, start: before });
      },
    };
    """
    result = await host.invoke(invocation(code, now_ms=NOW_MS, clock_speed=600.0))
    event = result.emits[0]["event"]
    assert NOW_MS <= event["start"] < NOW_MS + 60_000
    assert event["emulated"] >= 30 * 600 * 0.9
    assert abs(event["emulated"] - event["real"] * 600) <= 600 * 2


async def test_date_parse_utc_and_instanceof_keep_working(host, invocation):
    code = """
    export default {
      async run() {
        class Stamp extends Date {}
        this.$emit({
          parsed: Date.parse("2024-01-02T03:04:05Z"),
          utc: Date.UTC(2024, 0, 2),
          explicit: new Date(86400000).toISOString(),
          isDate: new Date() instanceof Date,
          subclass: new Stamp(0) instanceof Date,
          same: new Date().constructor === Date,
        });
      },
    };
    """
    result = await host.invoke(invocation(code))
    assert result.emits[0]["event"] == {
        "parsed": 1704164645000, "utc": 1704153600000, "explicit": "1970-01-02T00:00:00.000Z",
        "isDate": True, "subclass": True, "same": True,
    }


async def test_log_timestamps_are_emulated_time(host, invocation):
    result = await host.invoke(invocation("export default { async run() { console.log('x'); } };", now_ms=NOW_MS))
    assert result.logs[0]["ts"] == NOW_MS
