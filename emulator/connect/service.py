"""Everything Connect adds to one emulator, built once with the app's services."""
from __future__ import annotations

from dataclasses import dataclass

from emulator.config import Config
from emulator.connect.delivery import ConnectDelivery, Notifier
from emulator.connect.natives import install_natives
from emulator.connect.triggers import ConnectTriggers
from emulator.domain.connect_state import PROJECT_ID, ConnectState
from emulator.domain.store import Store
from emulator.runtime.invocation import Runtime
from emulator.runtime.lifecycle import SourceLifecycle


@dataclass(frozen=True)
class ConnectSettings:
    """The starting project and client: what an SDK pointed at this emulator needs."""

    base_url: str
    project_id: str
    client_id: str
    client_secret: str

    def env(self, environment: str = "development") -> dict[str, str]:
        """The five `PIPEDREAM_*` variables both SDKs read (for `monkeypatch.setenv` or a child's env)."""
        return {"PIPEDREAM_BASE_URL": self.base_url, "PIPEDREAM_PROJECT_ID": self.project_id,
                "PIPEDREAM_CLIENT_ID": self.client_id, "PIPEDREAM_CLIENT_SECRET": self.client_secret,
                "PIPEDREAM_PROJECT_ENVIRONMENT": environment}


@dataclass
class ConnectService:
    store: Store
    triggers: ConnectTriggers
    delivery: ConnectDelivery
    notifier: Notifier
    starting_project_id: str = ""
    starting_client: tuple[str, str] | None = None

    def label(self, source_id: str) -> str | None:
        """`proj_…/development/user-123` for a deployed trigger (console lines name its owner)."""
        trigger = self.store.connect.triggers.get(source_id)
        return f"{trigger.project_id}/{trigger.environment}/{trigger.external_user_id}" if trigger else None

    def settings(self, base_url: str) -> ConnectSettings:
        assert self.starting_client is not None
        return ConnectSettings(base_url, self.starting_project_id, *self.starting_client)

    @property
    def state(self) -> ConnectState:
        return self.store.connect


def build_connect(config: Config, store: Store, runtime: Runtime, lifecycle: SourceLifecycle) -> ConnectService:
    """Connect over the emulator's store and runtime; the starting project is seeded now and after resets."""
    delivery = ConnectDelivery(store.connect, first_backoff_s=config.connect_retry_backoff_s,
                               publish=runtime.bus.publish, runs=runtime.runs)
    triggers = ConnectTriggers(store, runtime, lifecycle, delivery.quiet)
    service = ConnectService(store=store, triggers=triggers, delivery=delivery, notifier=Notifier(delivery))
    store.events.listeners.append(delivery.on_event)

    def seed() -> None:
        """The starting project: the flag/env one, else the one we had, else a loaded state's first, else new."""
        install_natives(store)
        owner = store.default_user().id if store.users else ""     # none mid-reset: the next user is the default
        projects = store.connect.projects
        project_id = (config.connect_project_id
                      or (service.starting_project_id if service.starting_project_id in projects else None)
                      or next(iter(projects), None) or service.starting_project_id or None)
        client_id, secret = (None, None)
        if project_id == config.connect_project_id:
            client_id, secret = config.connect_client_id, config.connect_client_secret
        if project_id == service.starting_project_id and service.starting_client:
            client_id, secret = service.starting_client
        project = store.connect.ensure_project(project_id, owner, client_id, secret)
        service.starting_project_id = project.id
        # The same client after a reset or an import: an SDK's environment stays valid all session.
        client = next((c for c in project.clients if c["client_id"] == client_id), project.clients[0])
        service.starting_client = (client["client_id"], client["client_secret"])

    store.connect.on_replaced.append(seed)
    store.connect.on_replaced.append(delivery.failures.clear)
    seed()
    return service


def check_project_id(config: Config) -> str | None:
    """A message when the configured project id is not of the `proj_` form (serve exits with it)."""
    value = config.connect_project_id
    if value is not None and not PROJECT_ID.match(value):
        return f"project id {value!r} must look like proj_ followed by letters and digits (e.g. proj_Xk29aPq)"
    return None
