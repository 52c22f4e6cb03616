"""The Node.js toolchain for the official Node.js SDK tests: `node` and the repository's
node_modules (installed from package-lock.json by `python3 dev.py test`, or `npm ci`).

Missing either, the tests skip; but where dev.py sets ALICLOUD_STORAGE_REQUIRE_NODE=1 (the run
that must execute them) they fail instead, so they can never vanish silently from it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[3]
NODE_SDK = ROOT / "node_modules" / "tablestore"


def _require(missing: List[str]) -> None:
    """Fail (dev.py's run) or skip (elsewhere) when something the test needs is missing."""
    if missing:
        message = "Node.js tests need " + " and ".join(missing)
        if os.environ.get("ALICLOUD_STORAGE_REQUIRE_NODE") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _sdk_missing() -> List[str]:
    if (NODE_SDK / "package.json").is_file():
        return []
    return ["node_modules (run `npm ci` in the repository root)"]


@pytest.fixture(scope="session")
def node() -> str:
    """The `node` executable, with the pinned npm packages installed beside the tests."""
    executable = shutil.which("node")
    _require((["the `node` executable"] if executable is None else []) + _sdk_missing())
    assert executable is not None
    return executable


@pytest.fixture(scope="session")
def node_protocol() -> Path:
    """The official Node.js SDK's protocol definitions (its lib/protocol/*.proto)."""
    _require(_sdk_missing())
    return NODE_SDK / "lib" / "protocol"
