"""End-to-end fixtures: `alicloud-storage` run as a real subprocess against a real emulator."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest

from cli_helpers import Served


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
