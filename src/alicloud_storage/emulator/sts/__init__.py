"""Emulated STS: AssumeRole and GetCallerIdentity on their own listener (see service.py).

Modules: ``service`` (the service and its endpoint), ``verify`` (the POP verify side:
request -> caller, refusals -> STS errors), ``errors`` (the service's error table); the
package itself exports nothing.
"""
from __future__ import annotations

__all__: list[str] = []
