"""Connect's native triggers, HTTP requests and a custom interval: components with fixed code of our own."""
from __future__ import annotations

from typing import Any

from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.props.extract import extract_code
from emulator.runtime.component_factory import build_component

NATIVE_OWNER = "pd-connect-native"          # a user id no /v1 user has: /v1 never lists them
HTTP_KEY, TIMER_KEY = "http-new-requests", "schedule-custom-interval"

_HTTP_CODE = """export default {
  key: "http-new-requests", name: "New Requests (HTTP / Webhook)", version: "0.1.0", type: "source",
  props: { http: { type: "$.interface.http" } },
  async run(event) {
    this.$emit(event, { summary: `${event.method} ${event.path}` });
  },
};
"""
_TIMER_CODE = """export default {
  key: "schedule-custom-interval", name: "Custom Interval", version: "0.1.0", type: "source",
  props: { cron: { type: "$.interface.timer", default: { intervalSeconds: 900 } } },
  async run(event) {
    this.$emit(event, { summary: `timer fired at ${event.timestamp}` });
  },
};
"""
NATIVES: dict[str, dict[str, Any]] = {
    HTTP_KEY: {"id": "sc_nativeHttp", "code": _HTTP_CODE, "name": "New Requests (HTTP / Webhook)",
               "interface": "HttpInterface", "id_prefix": "hi_",
               "configurable_props": [{"name": "http", "type": "$.interface.http", "customResponse": True}]},
    TIMER_KEY: {"id": "sc_nativeTimer", "code": _TIMER_CODE, "name": "Custom Interval",
                "interface": "TimerInterface", "id_prefix": "ti_",
                "configurable_props": [{"name": "cron", "type": "$.interface.timer",
                                        "default": {"intervalSeconds": 900}}]},
}


def install_natives(store: Store) -> None:
    """(Re-)register the native components, e.g. after a reset cleared every user's components.

    Their code's HTTP prop has no customResponse, so the endpoint answers at once; the registry
    shows the cloud's props (NATIVES) instead."""
    for native in NATIVES.values():
        if native["id"] in store.components:
            continue
        component = build_component(store, extract_code(native["code"]), native["code"], user_id=NATIVE_OWNER,
                                    component_id=native["id"])
        store.components[component.id] = component


def native_of(component: Component) -> dict[str, Any] | None:
    return NATIVES.get(component.key or "") if component.user_id == NATIVE_OWNER else None
