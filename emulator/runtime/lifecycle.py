"""Sources from birth to deletion: props, hooks in the cloud's order, timers, endpoints, code swaps."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.domain.models import Component, Source, User
from emulator.domain.store import Store
from emulator.errors import ApiError, BadRequest, HookFailed
from emulator.props.prop_types import HTTP, driving_timer, has_prop_of_type
from emulator.runtime.component_factory import create_from_code, create_from_url
from emulator.runtime.configured_props import normalise_configured_props, outdated_values, with_interface_values
from emulator.runtime.dynamic_props import (
    ADDITIONAL_PROPS,
    ConfigureCall,
    additional_props,
    additional_props_failed,
    sandbox_props,
    uses_additional_props,
)
from emulator.runtime.invocation import Runtime
from emulator.runtime.timers import SourceTimers

PROPS_DID_NOT_FOLLOW = "its props did not follow the reload"
ACTIVATE_FAILED = "activate failed after reload"
RELOAD_NOTES = (PROPS_DID_NOT_FOLLOW, ACTIVATE_FAILED)     # a later reload's own outcome replaces them


class SourceLifecycle:
    def __init__(self, store: Store, runtime: Runtime, timers: SourceTimers, folders: list[Path], *,
                 follow_files: bool = False) -> None:
        self.store = store
        self.runtime = runtime
        self.timers = timers
        self.folders = folders
        self.is_owner: Callable[[User], bool] = lambda user: False     # the emulator's own key (services)
        self.follow_files = follow_files      # the dev server watches: a deployed file is followed on save

    async def resolve_component(self, user: User, params: dict[str, Any]) -> Component | None:
        """component_id, then component_code, then component_url, then key (the cloud's precedence)."""
        if params.get("component_id"):
            return self.store.get_component(user.id, params["component_id"])
        if params.get("component_code"):
            return create_from_code(self.store, user.id, params["component_code"], params.get("component_url"))
        if params.get("component_url"):
            return await create_from_url(self.store, user.id, params["component_url"], self.folders,
                                         any_file=self.is_owner(user),
                                         follow_files=self.follow_files,
                                         containment=self.runtime.sandbox.containment)
        if params.get("key"):
            return self.store.get_component(user.id, params["key"])
        return None

    async def create(self, user: User, params: dict[str, Any]) -> Source:
        component = await self.resolve_component(user, params)
        if component is None:
            raise BadRequest("one of component_id, component_code, component_url or key is required",
                             param="component_id")
        now = self.store.now_s()
        name = params.get("name") or component.name
        source = Source(id=self.store.ids.new("dc_"), user_id=user.id, component_id=component.id, name=name,
                        name_slug=self.store.unique_slug(user.id, name), configured_props={}, active=True,
                        created_at=now, updated_at=now, component_url=params.get("component_url"),
                        run_hooks=params.get("run_hooks", True))
        # additionalProps() runs before the source exists: when it throws, only its run is left (the answer names it).
        try:
            source.configurable_props, source.configured_props = await self._configure(
                user.id, component, source, params.get("configured_props") or {}, "deploy")
        except HookFailed:
            self.runtime.keep_runs_of_failed_deploy(source)
            raise
        self.store.add_source(source)
        try:
            await self._hook(source, "deploy")
            await self._hook(source, "activate")
        except HookFailed:
            # The source goes, as in the cloud; its hook runs stay listed (the answer names them).
            self.runtime.keep_runs_of_failed_deploy(source)
            await self.stop(source.id, remove=True)
            raise
        self.timers.start(source, component)
        for auto in self.store.auto_subscriptions_of(user.id):
            self.store.add_subscription(user.id, source.id, auto.listener_id, auto.event_name)
        self.runtime.bus.publish("source", action="created", source_id=source.id)
        return source

    async def update(self, user: User, source: Source, params: dict[str, Any]) -> Source:
        component = await self.resolve_component(user, params) or self.store.components[source.component_id]
        code_or_props_changed = component.id != source.component_id or "configured_props" in params
        previous = (source.component_id, source.configured_props, source.active, source.configurable_props)
        if code_or_props_changed:
            configurable, configured = await self._configure(
                user.id, component, source, params.get("configured_props") or {}, "update",
                stored=source.configured_props,
                declared_before=source.configurable(self.store.components[source.component_id]))
        if params.get("name"):
            source.name = params["name"]
            source.name_slug = self.store.unique_slug(user.id, params["name"], ignore_source=source.id)
        want_active = params.get("active", source.active)
        reschedule = code_or_props_changed or want_active != source.active
        if code_or_props_changed:
            if source.active:
                await self._quiet_hook(source, "deactivate")
            source.component_id, source.configured_props = component.id, configured
            source.configurable_props = configurable
            await self.runtime.sandbox.evict(source.id)
            if want_active:
                await self._activate_or_restore(source, previous)
        elif want_active != source.active:
            await (self._activate_or_restore(source, previous) if want_active
                   else self._quiet_hook(source, "deactivate"))
        source.active = want_active
        source.updated_at = self.store.now_s()
        self.store.changed()
        if reschedule:
            self.timers.start(source, self.store.components[source.component_id])
        self.runtime.bus.publish("source", action="updated", source_id=source.id)
        return source

    async def delete(self, source: Source) -> None:
        if source.active:
            await self._quiet_hook(source, "deactivate")
        await self.stop(source.id, remove=True)
        self.runtime.bus.publish("source", action="deleted", source_id=source.id, user_id=source.user_id)

    async def stop(self, source_id: str, *, remove: bool) -> None:
        """How a source stops (a delete, a failed deploy, a reset, a state import): no timer, no
        per-source runtime state, no Node process; with `remove`, also gone from the store.

        It leaves the store before anything awaits, so a run queued meanwhile finds it deleted.
        """
        self.timers.stop(source_id)
        if remove:
            self.store.remove_source(source_id)
        self.runtime.forget(source_id)
        await self.runtime.sandbox.evict(source_id)

    async def leave_code(self, source: Source) -> list[dict[str, Any]]:
        """Before a code swap: the running code's deactivate hook (its failure does not stop the swap).
        Returns the props the running code declares, for swap_code to tell what the new code changed."""
        declared = source.configurable(self.store.components[source.component_id])
        if source.active:
            await self._quiet_hook(source, "deactivate")
        return declared

    async def swap_code(self, source: Source, declared_before: list[dict[str, Any]]) -> None:
        """The component's code changed on disk (after leave_code): the props follow the new code (an http
        prop added gets its endpoint, a timer its default schedule, one removed is gone; additionalProps()
        runs again), then activate. Values the user configured stay. A paused source whose props no longer
        fit keeps them, with a status note, rather than holding back the new code for the others."""
        if (source.status_note or "").startswith(RELOAD_NOTES):
            source.status_note = None            # what an earlier version's reload said no longer holds
        try:
            await self._reconfigure(source, "reload", declared_before)
        except HookFailed as exc:
            if source.active:
                raise
            source.status_note = f"{PROPS_DID_NOT_FOLLOW}: {exc.message}"
            self.store.changed()
        if not source.active:
            return
        await self.runtime.sandbox.evict(source.id)
        try:
            await self._hook(source, "activate")
        except HookFailed as exc:
            source.status_note = f"{ACTIVATE_FAILED}: {exc.message}"
            raise

    async def restore_code(self, source: Source, declared_before: list[dict[str, Any]]) -> None:
        """The new code failed and the last good code is back: its props again, and start it again.
        `declared_before`: what the new code declared (its props may already be the source's)."""
        source.status_note = None
        try:
            await self._reconfigure(source, "reload", declared_before)
        except HookFailed:
            pass                  # the last good code's props were good: they stay as they are
        await self.runtime.sandbox.evict(source.id)
        if source.active:
            await self._quiet_hook(source, "activate")

    async def deactivate_for_missing_file(self, source: Source) -> None:
        if source.active:
            await self._quiet_hook(source, "deactivate")
        source.active = False
        source.status_note = "component file was deleted"
        self.timers.stop(source.id)
        self.store.changed()

    async def _activate_or_restore(self, source: Source,
                                   previous: tuple[str, dict[str, Any], bool, list[dict[str, Any]] | None]) -> None:
        try:
            await self._hook(source, "activate")
        except HookFailed:
            source.component_id, source.configured_props, source.active, source.configurable_props = previous
            await self.runtime.sandbox.evict(source.id)
            if source.active:
                await self._quiet_hook(source, "activate")
            raise

    async def _configure(self, user_id: str, component: Component, source: Source, given: Any, when: str,
                         stored: dict[str, Any] | None = None, declared_before: list[dict[str, Any]] | None = None,
                         ) -> tuple[list[dict[str, Any]] | None, dict[str, Any]]:
        """(the source's own configurable props, or None for the component's; its configured props).

        The static props are checked first (an account must be the user's before any code sees its
        credentials); then additionalProps(), when the component has it, runs with them in the sandbox
        (Connect's code path), and the whole list it gives is what the props are checked against.
        `stored`: the source's props so far, under `given`, declared by `declared_before`; those of a prop
        additionalProps() added before and no longer adds, and interface values the new code outdates
        (outdated_values), are dropped."""
        if not isinstance(given, dict):
            raise BadRequest("configured_props must be an object", param="configured_props")
        stored, before = stored or {}, declared_before or []
        static = component.configurable_props
        added_before = {p.get("name") for p in source.configurable_props or []} - {p.get("name") for p in static}
        outdated = outdated_values(before, static, stored)
        kept = {k: v for k, v in stored.items() if k not in added_before and k not in outdated}
        configured = self._configured(user_id, static, source, {**kept, **given})
        if not uses_additional_props(component):
            return None, configured
        call = ConfigureCall(component=component, props=sandbox_props(self.store, component, static, configured),
                             folders=[str(f) for f in self.folders])
        configurable, result = await additional_props(self.runtime.sandbox, self.runtime.clock, call)
        assert result is not None
        record = self.runtime.record_call(source, ADDITIONAL_PROPS, result)
        if configurable is None:
            raise additional_props_failed(call, result, when, run=record.to_api())
        if configurable == static:
            return None, configured           # it has none (or added none): the component's props
        added_now = {p.get("name") for p in configurable}
        outdated = outdated_values(before, configurable, stored)
        kept = {k: v for k, v in stored.items() if (k not in added_before or k in added_now) and k not in outdated}
        return configurable, self._configured(user_id, configurable, source, {**kept, **given})

    async def _reconfigure(self, source: Source, when: str, declared_before: list[dict[str, Any]]) -> None:
        """The code changed: the configured props follow it. With additionalProps(), it runs for them, and a
        throw or props that no longer fit is a HookFailed, so the reload keeps the last good version. Without,
        only the interface props follow (a value a new required prop lacks is the user's to set, as before)."""
        component = self.store.components[source.component_id]
        before = (source.configurable_props, source.configured_props)
        timer_before = driving_timer(declared_before, source.configured_props)
        if uses_additional_props(component):
            try:
                source.configurable_props, source.configured_props = await self._configure(
                    source.user_id, component, source, {}, when, stored=source.configured_props,
                    declared_before=declared_before)
            except HookFailed:
                raise
            except ApiError as exc:
                raise HookFailed(f"the props of source {source.id} no longer fit its component: {exc.message}",
                                 code=exc.code) from None
        else:
            declared = component.configurable_props
            outdated = outdated_values(declared_before, declared, source.configured_props)
            self._give_endpoint(source, declared)
            source.configurable_props = None
            source.configured_props = with_interface_values(
                declared, {k: v for k, v in source.configured_props.items() if k not in outdated},
                endpoint_url=self.runtime.endpoint_url(source))
        if (source.configurable_props, source.configured_props) != before:
            self.store.changed()
        if driving_timer(source.configurable(component), source.configured_props) != timer_before:
            self.timers.start(source, component)          # a timer prop came, went or changed

    def _give_endpoint(self, source: Source, configurable: list[dict[str, Any]]) -> None:
        """A source with an http prop has an endpoint id, the one it had before if it had one."""
        if has_prop_of_type(configurable, HTTP) and not source.endpoint_id:
            source.endpoint_id = self.store.ids.endpoint_id()

    def _configured(self, user_id: str, configurable: list[dict[str, Any]], source: Source,
                    given: dict[str, Any]) -> dict[str, Any]:
        self._give_endpoint(source, configurable)
        return normalise_configured_props(
            configurable, given, endpoint_url=self.runtime.endpoint_url(source),
            account_exists=lambda account_id: account_id in self.store.accounts
            and self.store.accounts[account_id].user_id == user_id)

    async def _hook(self, source: Source, method: str) -> None:
        if not source.run_hooks:
            return
        record = await self.runtime.invoke(source, method, trigger="hook")
        if record.outcome != "ok":
            message = (record.error or {}).get("message") or f"{method} hook failed ({record.outcome})"
            raise HookFailed(message, code=f"{method}_failed", run=record.to_api())

    async def _quiet_hook(self, source: Source, method: str) -> None:
        """A hook whose failure is logged and shown but does not stop the operation (deactivate)."""
        if not source.run_hooks:
            return
        await self.runtime.invoke(source, method, trigger="hook")
