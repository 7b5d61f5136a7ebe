"""Every setting of an emulator, in one frozen dataclass; the environment is read once, here."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PORT = 8788
# The app's own environment configures both sides: an SDK and the emulator read the same variables.
CONNECT_VARIABLES = {"connect_project_id": "PIPEDREAM_PROJECT_ID", "connect_client_id": "PIPEDREAM_CLIENT_ID",
                     "connect_client_secret": "PIPEDREAM_CLIENT_SECRET"}


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    api_key: str | None = None            # None: generate one at start
    folders: tuple[str, ...] = ()         # watched component folders
    clock_mode: str = "real"
    speed: float = 1.0
    start_ms: int | None = None           # the clock's start time (virtual clocks default to the wall clock)
    state_file: str | None = None
    run_timeout_s: float = 30.0
    memory_mb: int = 256
    node_spares: int = 1                  # Node processes started ahead per component shape; 0: on demand
    watch: bool = True
    deploy: bool = False
    seed: int | None = None               # makes ids and emit ids repeatable
    max_body_bytes: int = 64 * 1024 * 1024
    max_request_line_bytes: int = 8190    # longer: 414; these three are what aiohttp's parser checks
    max_header_field_bytes: int = 8190    # one header's name and value; longer: 431
    max_header_count: int = 128           # more: 431
    http_max_body_bytes: int = 512 * 1024
    verbose: bool = False
    dashboard: bool = True
    http_mode: str = "live"               # outbound HTTP of components: live | offline | record | replay
    cassette: str | None = None           # the HAR file for record / replay
    extra_ca_certs: str | None = None     # trusted for live requests besides the system CAs (NODE_EXTRA_CA_CERTS)
    http_interception: bool = True        # False: workers run without the interceptors (benchmarks only)
    connect_project_id: str | None = None       # Connect's starting project and OAuth client (None: generated)
    connect_client_id: str | None = None
    connect_client_secret: str | None = None
    connect_retry_backoff_s: float = 0.2        # first pause between attempts of a trigger webhook delivery
    endpoint_origins: bool = False        # endpoint_url is http://<id>.localhost:<port> (browsers only resolve it)
    header_timeout_s: float = 15.0        # a connection must finish its request's headers within this
    sse_write_timeout_s: float = 15.0     # a stream's client must take what it was sent within this

    @classmethod
    def from_env(cls, **overrides: Any) -> Config:
        """Defaults, then PD_EMULATOR_* variables, then explicit overrides (the command line)."""
        env: dict[str, Any] = {}
        if os.environ.get("PD_EMULATOR_API_KEY"):
            env["api_key"] = os.environ["PD_EMULATOR_API_KEY"]
        if os.environ.get("PD_EMULATOR_PORT"):
            env["port"] = int(os.environ["PD_EMULATOR_PORT"])
        if os.environ.get("NODE_EXTRA_CA_CERTS"):
            env["extra_ca_certs"] = os.environ["NODE_EXTRA_CA_CERTS"]
        for field_name, variable in CONNECT_VARIABLES.items():
            if os.environ.get(variable):
                env[field_name] = os.environ[variable]
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)

    def folder_paths(self) -> list[Path]:
        return [Path(f).resolve() for f in self.folders]
