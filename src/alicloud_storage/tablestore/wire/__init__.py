"""The Tablestore wire formats, shared by the client and the emulator.

Modules: ``pb`` (protobuf messages), ``plainbuffer`` (row codec, with ``crc8``) and
``timeseries_rows`` (FlatBuffer rows); the package itself exports nothing.
"""
from __future__ import annotations

__all__: list[str] = []
