"""In the run that must execute them (dev.py test sets ALICLOUD_STORAGE_REQUIRE_NODE=1), the
Node.js tests fail when `node` or node_modules is missing; elsewhere they skip."""
from __future__ import annotations

from pathlib import Path

import pytest

import node_runner
from node_runner import REQUIRE_NODE, missing_toolchain, require


def test_missing_node_fails_where_required_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `node` on it
    monkeypatch.setattr(node_runner, "NODE_SDK", tmp_path / "node_modules" / "tablestore")
    missing = missing_toolchain()
    assert missing == ["the `node` executable", "node_modules (run `npm ci` in the repository root)"]
    assert missing_toolchain(need_node=False) == missing[1:]

    monkeypatch.setenv(REQUIRE_NODE, "1")
    with pytest.raises(pytest.fail.Exception, match="Node.js tests need the `node` executable and node_modules"):
        require(missing)
    monkeypatch.delenv(REQUIRE_NODE)
    with pytest.raises(pytest.skip.Exception, match="Node.js tests need the `node` executable"):
        require(missing)
    require([])  # nothing missing: the test runs
