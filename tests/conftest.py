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
import time
from typing import List

import pytest
from hypothesis import HealthCheck, settings

# Property tests check results, not speed: no per-example deadline and no "too slow" health
# check, which fail on a busy 2-core machine for reasons unrelated to the code under test.
settings.register_profile("alicloud-storage", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("alicloud-storage")

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


class FakeTime:
    """A wall clock (starting at the current second, so signatures stay valid) that only
    the fake sleep moves; every pause requested is recorded. Retry tests inject ``now`` as
    a client's ``clock`` and ``sleep`` / ``async_sleep`` as its sleep: nothing waits."""

    def __init__(self) -> None:
        self.current = float(int(time.time()))
        self.sleeps: List[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def fake_time() -> FakeTime:
    """A fresh FakeTime."""
    return FakeTime()
