"""Which configured values new code outdates, and the interface values it gets (runtime/configured_props)."""
from __future__ import annotations

from emulator.runtime.configured_props import outdated_values, with_interface_values

MINUTE = {"name": "timer", "type": "$.interface.timer", "default": {"intervalSeconds": 60}}
TWO_MINUTES = {**MINUTE, "default": {"intervalSeconds": 120}}
HTTP = {"name": "http", "type": "$.interface.http"}
LABEL = {"name": "label", "type": "string"}
AT_MINUTE = {"cron": None, "interval_seconds": 60}


def test_a_timer_at_the_old_default_takes_the_new_one_and_one_set_by_hand_stays() -> None:
    assert outdated_values([MINUTE], [TWO_MINUTES], {"timer": AT_MINUTE}) == {"timer"}
    assert outdated_values([MINUTE], [TWO_MINUTES], {"timer": {"cron": None, "interval_seconds": 30}}) == set()
    assert outdated_values([MINUTE], [MINUTE], {"timer": AT_MINUTE}) == set()


def test_an_interface_prop_removed_or_retyped_is_outdated_and_plain_values_never_are() -> None:
    configured = {"http": {"endpoint_url": "http://x/http/en1"}, "timer": AT_MINUTE, "label": "mine"}
    assert outdated_values([HTTP, MINUTE, LABEL], [LABEL], configured) == {"http", "timer"}
    as_string = {"name": "timer", "type": "string"}
    assert outdated_values([as_string], [MINUTE], {"timer": "every day"}) == {"timer"}     # to an interface
    assert outdated_values([LABEL], [], {"label": "mine"}) == set()
    assert outdated_values([], [MINUTE], {"timer": {"intervalSeconds": 30}}) == set()       # not declared before


def test_interface_values_are_filled_in_and_a_bad_schedule_falls_back_to_the_default() -> None:
    filled = with_interface_values([HTTP, TWO_MINUTES, LABEL], {"label": "mine"}, endpoint_url="http://x/http/en1")
    assert filled == {"label": "mine", "http": {"endpoint_url": "http://x/http/en1"},
                      "timer": {"cron": None, "interval_seconds": 120}}
    kept = with_interface_values([MINUTE], {"timer": {"intervalSeconds": 30}}, endpoint_url=None)
    assert kept["timer"] == {"cron": None, "interval_seconds": 30}                          # raw form normalised
    assert with_interface_values([MINUTE], {"timer": "every day"}, endpoint_url=None)["timer"] == AT_MINUTE
    no_schedule = {**MINUTE, "default": {"cron": "not a cron"}}
    assert "timer" not in with_interface_values([no_schedule], {"timer": "x"}, endpoint_url=None)
