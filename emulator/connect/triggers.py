"""Deployed triggers from deploy to delete: a Connect record beside a Source that does the running."""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from emulator.connect.natives import HTTP_KEY, TIMER_KEY, native_of
from emulator.connect.registry import display_name
from emulator.domain.connect_models import DeployedTrigger, ExternalUser, TriggerWebhook
from emulator.domain.connect_state import ConnectState
from emulator.domain.models import Component, Source
from emulator.domain.store import Store
from emulator.errors import BadRequest, HookFailed, Unprocessable
from emulator.runtime.configured_props import normalise_configured_props
from emulator.runtime.invocation import Runtime
from emulator.runtime.lifecycle import SourceLifecycle

WORKFLOW_ID = re.compile(r"^p_[A-Za-z0-9]+$")
URL = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
HTTP = "$.interface.http"


@dataclass
class DeployRequest:
    owner: ExternalUser
    component: Component
    configurable: list[dict[str, Any]]
    configured: dict[str, Any]
    webhook_url: str | None
    workflow_id: str | None
    emit_on_deploy: bool


def check_workflow_ids(ids: Any, param: str) -> list[str]:
    if not isinstance(ids, list) or not all(isinstance(i, str) and WORKFLOW_ID.match(i) for i in ids):
        raise BadRequest(f"{param} must be workflow ids like p_abc123", param=param)
    return list(dict.fromkeys(ids))


def check_webhook_urls(urls: Any, param: str = "webhook_urls") -> list[str]:
    if not isinstance(urls, list) or not all(isinstance(u, str) and URL.match(u) for u in urls):
        raise BadRequest(f"{param} must be a list of http(s)://host… URLs", param=param)
    return list(dict.fromkeys(urls))


class ConnectTriggers:
    """Deploy, update and delete deployed triggers; every run goes through the Runtime like a source's."""

    def __init__(self, store: Store, runtime: Runtime, lifecycle: SourceLifecycle, quiet: set[str]) -> None:
        self.store, self.runtime, self.lifecycle = store, runtime, lifecycle
        self.quiet = quiet                    # triggers deploying with emit_on_deploy false: nothing delivered

    @property
    def connect(self) -> ConnectState:
        return self.store.connect

    # props -------------------------------------------------------------------------------------
    def normalise(self, owner: ExternalUser, configurable: list[dict[str, Any]], given: Any,
                  endpoint_url: str | None) -> dict[str, Any]:
        """Validated and normalised as for /v1 sources; app props must name an account of this external user."""
        if not isinstance(given, dict):
            raise BadRequest("configured_props must be an object", param="configured_props")
        problems = self.account_problems(owner, configurable, given)
        try:
            configured = normalise_configured_props(configurable, given, endpoint_url=endpoint_url,
                                                    account_exists=lambda _account_id: True)
        except Unprocessable as exc:
            problems += [d for d in exc.details or [] if d["param"] not in {p["param"] for p in problems}]
        if problems:
            raise BadRequest("invalid configured_props: " + "; ".join(p["error"] for p in problems),
                             param=problems[0]["param"], details=problems, code="invalid_configured_props")
        return configured

    def account_problems(self, owner: ExternalUser, configurable: list[dict[str, Any]],
                          given: dict[str, Any]) -> list[dict[str, str]]:
        problems = []
        for prop in configurable:
            name = str(prop.get("name"))
            value = given.get(name)
            if prop.get("type") != "app" or not isinstance(value, dict) or "authProvisionId" not in value:
                continue
            link = self.connect.accounts.get(str(value["authProvisionId"]))
            if link is None or (link.project_id, link.environment, link.external_user_id) != (
                    owner.project_id, owner.environment, owner.external_user_id):
                error = f"{name}: account {value['authProvisionId']} is not an account of this external user"
            elif prop.get("app") and link.app_slug != prop["app"]:
                error = f"{name}: account {link.id} is for app {link.app_slug}, the prop needs {prop['app']}"
            else:
                continue
            problems.append({"param": f"configured_props.{name}", "error": error})
        return problems

    # deploy ------------------------------------------------------------------------------------
    async def deploy(self, request: DeployRequest) -> tuple[DeployedTrigger, TriggerWebhook | None]:
        """Trigger and webhook first (deploy-hook events reach it), then deploy, activate, timers."""
        owner, component = request.owner, request.component
        native = native_of(component)
        if native and component.key == TIMER_KEY:
            _check_native_timer(request.configured.get("cron"))
        now = self.store.now_s()
        name = f"{display_name(component)} - {owner.owner_id}"
        source = Source(id=self.store.ids.new(native["id_prefix"] if native else "dc_"), user_id=owner.owner_id,
                        component_id=component.id, name=name, name_slug=self.store.unique_slug(owner.owner_id, name),
                        configured_props={}, active=True, created_at=now, updated_at=now)
        if request.configurable != component.configurable_props:
            source.configurable_props = request.configurable      # additionalProps() added some
        if any(p.get("type") == HTTP for p in request.configurable):
            source.endpoint_id = self.store.ids.new("en").lower()
        source.configured_props = self.normalise(owner, request.configurable, request.configured,
                                                 self.runtime.endpoint_url(source))
        trigger = DeployedTrigger(id=source.id, project_id=owner.project_id, environment=owner.environment,
                                  external_user_id=owner.external_user_id, owner_id=owner.owner_id,
                                  type=native["interface"] if native else "DeployedComponent",
                                  component_key=component.key or "", configurable_props=request.configurable,
                                  emit_on_deploy=request.emit_on_deploy,
                                  workflow_ids=[request.workflow_id] if request.workflow_id else [],
                                  timezone=_timezone(request.configured.get("cron")), schedule_changed_at=now)
        webhook = None
        self.connect.triggers[trigger.id] = trigger
        if request.webhook_url:
            webhook = self.connect.add_webhook(owner.project_id, owner.environment, trigger.id, request.webhook_url)
            trigger.webhook_ids.append(webhook.id)
        self.store.add_source(source)
        try:
            await self._deploy_hook(source, trigger)
            await self._hook(source, "activate")
        except HookFailed:
            await self.lifecycle.stop(source.id, remove=True)
            self.connect.remove_trigger(trigger)
            raise
        self._start_timer(source)
        self.runtime.bus.publish("source", action="created", source_id=source.id)
        return trigger, webhook

    async def _deploy_hook(self, source: Source, trigger: DeployedTrigger) -> None:
        if trigger.emit_on_deploy:
            await self._hook(source, "deploy")
            return
        self.quiet.add(source.id)
        try:
            record = await self.runtime.invoke(source, "deploy", trigger="hook")
        finally:
            self.quiet.discard(source.id)
        for event_id in record.emitted:
            event = self.store.events.find(source.id, event_id)
            if event is not None:
                position = tuple(int(part) for part in event_id.split("-"))
                self.store.events.delete_range(source.id, event.channel, position, position)  # type: ignore[arg-type]
        if record.emitted:
            record.logs.append({"level": "info", "ts": self.store.now_ms(),
                                "message": f"emit_on_deploy is false: {len(record.emitted)} event(s) of the deploy "
                                           "hook discarded"})
            record.emitted.clear()
        _raise_if_failed(record, "deploy")

    async def _hook(self, source: Source, method: str) -> None:
        _raise_if_failed(await self.runtime.invoke(source, method, trigger="hook"), method)

    def _start_timer(self, source: Source) -> None:
        self.lifecycle.timers.start(source, self.store.components[source.component_id])

    # update and delete --------------------------------------------------------------------------
    async def update(self, trigger: DeployedTrigger, params: dict[str, Any]) -> None:
        source = self.store.sources[trigger.id]
        owner = self.connect.external_user(trigger.project_id, trigger.environment, trigger.external_user_id)
        configured = None
        if "configured_props" in params:
            if self.store.components[source.component_id].key == TIMER_KEY:
                _check_native_timer((params["configured_props"] or {}).get("cron"))
            configured = self.normalise(owner, trigger.configurable_props, params["configured_props"],
                                        self.runtime.endpoint_url(source))
        if params.get("name"):
            source.name = params["name"]
            source.name_slug = self.store.unique_slug(owner.owner_id, params["name"], ignore_source=source.id)
        if "emit_on_deploy" in params:
            trigger.emit_on_deploy = bool(params["emit_on_deploy"])
        want_active = params.get("active", source.active)
        if configured is not None:
            previous = source.configured_props
            if source.active:
                await self.runtime.invoke(source, "deactivate", trigger="hook")
            source.configured_props = configured
            await self.runtime.sandbox.evict(source.id)
            if want_active:
                await self._activate_or_restore(source, previous)
            trigger.schedule_changed_at = self.store.now_s()
            if "cron" in configured:
                trigger.timezone = _timezone(params["configured_props"].get("cron"))
        elif want_active != source.active:
            if want_active:
                await self._hook(source, "activate")
            else:
                await self.runtime.invoke(source, "deactivate", trigger="hook")
        restart = configured is not None or want_active != source.active
        source.active = want_active
        source.updated_at = self.store.now_s()
        if restart:
            self._start_timer(source)
        self.store.changed()
        self.runtime.bus.publish("source", action="updated", source_id=source.id)

    async def _activate_or_restore(self, source: Source, previous: dict[str, Any]) -> None:
        try:
            await self._hook(source, "activate")
        except HookFailed:
            source.configured_props = previous
            await self.runtime.sandbox.evict(source.id)
            await self.runtime.invoke(source, "activate", trigger="hook")
            raise

    async def delete(self, trigger: DeployedTrigger, *, ignore_hook_errors: bool) -> None:
        """deactivate, then the trigger, its events, webhooks, pipelines and endpoint; a throw keeps it."""
        source = self.store.sources.get(trigger.id)
        if source is not None and source.active:
            record = await self.runtime.invoke(source, "deactivate", trigger="hook")
            if not ignore_hook_errors:
                _raise_if_failed(record, "deactivate")
            source.active = False
        if source is not None:
            await self.lifecycle.delete(source)
        self.connect.remove_trigger(trigger)


def _raise_if_failed(record: Any, method: str) -> None:
    if record.outcome != "ok":
        message = (record.error or {}).get("message") or f"{method} hook failed ({record.outcome})"
        raise HookFailed(message, code=f"{method}_failed")


def _check_native_timer(value: Any) -> None:
    if not isinstance(value, dict) or not ({"intervalSeconds", "interval_seconds", "cron"} & set(value)):
        raise BadRequest('configured_props.cron must be {"intervalSeconds": N} or {"cron": "<5 fields>", '
                         '"timezone"?}', param="configured_props.cron")
    timezone = value.get("timezone")
    if timezone is not None:
        try:
            zoneinfo.ZoneInfo(str(timezone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise BadRequest(f"configured_props.cron.timezone {timezone!r} is not an IANA time zone",
                             param="configured_props.cron.timezone") from None


def _timezone(value: Any) -> str:
    return str(value.get("timezone") or "UTC") if isinstance(value, dict) else "UTC"


__all__ = ["HTTP_KEY", "TIMER_KEY", "ConnectTriggers", "DeployRequest"]
