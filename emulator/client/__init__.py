"""Clients of a running emulator (the CLI's, the tests', the benchmarks'): `http` (the rules and the blocking
client), `async_http` (the same over aiohttp), `sse` (reading event streams); nothing of the server side."""
