"""Subcommands of the `alicloud-storage` CLI, one module each; the package itself exports nothing."""
from __future__ import annotations

__all__: list[str] = []
