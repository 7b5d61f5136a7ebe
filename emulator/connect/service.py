"""Everything Connect adds to one emulator, built once with the app's services."""
from __future__ import annotations

from dataclasses import dataclass

from emulator.config import Config
from emulator.connect.delivery import ConnectDelivery, Notifier
from emulator.connect.natives import install_natives
from emulator.connect.state import ConnectState
from emulator.connect.triggers import ConnectTriggers
from emulator.domain.store import Store
from emulator.server.services import Services


@dataclass
class ConnectService:
    store: Store
    triggers: ConnectTriggers
    delivery: ConnectDelivery
    notifier: Notifier
    starting_project_id: str = ""

    @property
    def state(self) -> ConnectState:
        return self.store.connect


def build_connect(services: Services) -> ConnectService:
    store, config = services.store, services.config
    delivery = ConnectDelivery(store.connect, first_backoff_s=config.connect_retry_backoff_s)
    triggers = ConnectTriggers(store, services.runtime, services.lifecycle, delivery.quiet)
    service = ConnectService(store=store, triggers=triggers, delivery=delivery, notifier=Notifier(delivery))
    store.events.listeners.append(delivery.on_event)

    def seed() -> None:
        install_natives(store)
        if not store.users:
            return                      # mid-import: the users come next, then another seed
        project = store.connect.ensure_project(
            service.starting_project_id or config.connect_project_id, store.default_user().id,
            config.connect_client_id, config.connect_client_secret)
        service.starting_project_id = project.id

    store.connect.on_replaced.append(seed)
    seed()
    return service


def check_project_id(config: Config) -> str | None:
    """A message when the configured project id is not of the `proj_` form (serve exits with it)."""
    from emulator.connect.state import PROJECT_ID
    value = config.connect_project_id
    if value is not None and not PROJECT_ID.match(value):
        return f"project id {value!r} must look like proj_ followed by letters and digits (e.g. proj_Xk29aPq)"
    return None
