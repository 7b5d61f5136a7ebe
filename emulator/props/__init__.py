"""Static extraction of component metadata and `configurable_props` (tree-sitter, no code run).

The entry point is `emulator.props.extract`; `emulator.props.check` is `pd-emulator check`.
"""
