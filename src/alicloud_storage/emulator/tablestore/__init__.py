"""Emulated Tablestore: the front, the wide-table and time series engines, and their SQLite storage.

Each module declares its own ``__all__``; the package itself exports nothing.
"""
from __future__ import annotations

__all__: list[str] = []
