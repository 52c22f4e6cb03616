"""End-to-end fixtures: `alicloud-storage` run as a real subprocess against a real emulator.

With ALICLOUD_STORAGE_FRESH_CLONE=1 (set by test_fresh_clone.py for the suite it runs
inside the fresh copy) the fresh-clone test is deselected there, so it does not recurse.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from cli_helpers import FRESH_CLONE_ENV, Served


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    if os.environ.get(FRESH_CLONE_ENV) != "1":
        return
    dropped = [item for item in items if item.path.name == "test_fresh_clone.py"]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The emulator served by a real `alicloud-storage serve` process, for the session."""
    server = Served(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture
def ots_env(served: Served, tmp_path: Path) -> Dict[str, str]:
    """Environment for `alicloud-storage ots` against the served emulator."""
    return served.environ(tmp_path)
