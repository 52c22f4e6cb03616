"""Emulated STS: AssumeRole and GetCallerIdentity on their own listener (see app.py).

Modules: ``app`` (the aiohttp application), ``verify`` (signature and replay checks),
``errors`` (the service's error codes); the package itself exports nothing.
"""
from __future__ import annotations

__all__: list[str] = []
