"""Control-plane operations on a whole emulator: the initial state, reset, state import, endpoint URLs."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.domain.state_document import apply_state, import_state, parse_state
from emulator.domain.store import Store
from emulator.runtime.activity_bus import ActivityBus
from emulator.runtime.invocation import Runtime
from emulator.runtime.lifecycle import SourceLifecycle
from emulator.runtime.timers import SourceTimers


class ControlPlane:
    """Whole-emulator operations; owns the emulator's own API key, which survives every reset."""

    def __init__(self, store: Store, runtime: Runtime, lifecycle: SourceLifecycle, timers: SourceTimers,
                 bus: ActivityBus) -> None:
        self.store, self.runtime, self.lifecycle, self.timers, self.bus = store, runtime, lifecycle, timers, bus
        self.api_key = ""
        self.on_reset: list[Callable[[], None]] = []     # what else a reset empties (outbound stubs, modes)

    def load(self, state: dict[str, Any] | None, api_key: str | None) -> None:
        """Before the start: the saved state (if any), and a user holding the emulator's own key."""
        if state is not None:
            import_state(self.store, state)
        if not self.store.users or (api_key and self.store.user_for_key(api_key) is None):
            self.store.create_user(username="dev", api_key=api_key)
        self.api_key = api_key or self.store.default_user().api_key

    async def stop_all_sources(self) -> None:
        for source_id in list(self.store.sources):
            await self.lifecycle.stop(source_id, remove=False)

    async def reset(self, *, keep_users: bool) -> None:
        await self.stop_all_sources()
        self.store.reset(keep_users=keep_users)
        self.runtime.runs.clear()
        for hook in self.on_reset:
            hook()
        if not self.store.users:
            self.store.create_user(username="dev", api_key=self.api_key)
        self.bus.publish("reset", keep_users=keep_users)

    async def replace_state(self, state: Any) -> None:
        """Import a state document (already schema-checked); timers resume from it."""
        parsed = parse_state(self.store, state)
        await self.stop_all_sources()
        apply_state(self.store, parsed)
        self.runtime.runs.clear()
        self._keep_own_key()
        self.refresh_endpoint_urls()
        self.timers.resume_all()
        self.bus.publish("state_imported", sources=len(self.store.sources))

    def refresh_endpoint_urls(self) -> None:
        """Stored endpoint URLs follow the server's current address (a restart may change the port)."""
        for source in self.store.sources.values():
            for name, value in source.configured_props.items():
                if isinstance(value, dict) and set(value) == {"endpoint_url"}:
                    source.configured_props[name] = {"endpoint_url": self.runtime.endpoint_url(source)}

    def _keep_own_key(self) -> None:
        # The emulator's own key keeps working: it is what the banner and the fixtures hand out.
        if self.store.user_for_key(self.api_key) is None:
            self.store.create_user(username="dev", api_key=self.api_key)
