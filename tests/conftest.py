"""Shared test setup: the emulator fixtures of our pytest plugin (alicloud_storage.testing).

The plugin is normally loaded through its pytest11 entry point; an environment installed
before the entry point existed loads it here instead.

Test files that drive the official SDKs are left out where those SDKs cannot be installed
(the newest-protobuf pass of dev.py). So that they can never vanish silently from the pass
that must run them, dev.py sets ALICLOUD_STORAGE_REQUIRE_OFFICIAL=1 there and the session
fails at once if any official SDK is missing.
"""
from __future__ import annotations

import importlib.util
import os

import pytest

_OFFICIAL_SDKS = (
    "tablestore", "alibabacloud_sts20150401", "alibabacloud_credentials", "alibabacloud_oss_v2", "oss2",
)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("ALICLOUD_STORAGE_REQUIRE_OFFICIAL") == "1":
        missing = [name for name in _OFFICIAL_SDKS if importlib.util.find_spec(name) is None]
        if missing:
            raise pytest.UsageError(f"official SDKs required but not importable: {', '.join(missing)}")
    manager = config.pluginmanager
    if not manager.hasplugin("alicloud_storage") and not manager.hasplugin("alicloud_storage.testing"):
        manager.import_plugin("alicloud_storage.testing")
