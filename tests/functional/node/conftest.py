"""The Node.js toolchain for the official Node.js SDK tests: `node` and the repository's
node_modules (installed from package-lock.json by `python3 dev.py test`, or `npm ci`).
Missing either, the tests skip, or fail where they are required (node_runner.require)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from node_runner import NODE_SDK, missing_toolchain, require


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` executable, with the pinned npm packages installed beside the tests."""
    require(missing_toolchain())
    executable = shutil.which("node")
    assert executable is not None
    return executable


@pytest.fixture(scope="session")
def node_protocol() -> Path:
    """The official Node.js SDK's protocol definitions (its lib/protocol/*.proto)."""
    require(missing_toolchain(need_node=False))
    return NODE_SDK / "lib" / "protocol"
