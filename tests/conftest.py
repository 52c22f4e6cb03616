"""Shared test setup: the emulator fixtures of our pytest plugin (alicloud_storage.testing).

The plugin is normally loaded through its pytest11 entry point; an environment installed
before the entry point existed loads it here instead.
"""
from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    manager = config.pluginmanager
    if not manager.hasplugin("alicloud_storage") and not manager.hasplugin("alicloud_storage.testing"):
        manager.import_plugin("alicloud_storage.testing")
