"""The emulated OSS: handlers -> engine (buckets, objects, multipart, listings) ->
metadata (SQLite) + blob store (files under the data directory, or memory)."""
from __future__ import annotations

__all__: list[str] = []
