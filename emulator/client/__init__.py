"""Clients of a running emulator (the CLI's, the tests', the benchmarks'); nothing of the server side."""
