"""Run one tests/node/<script>.js as a subprocess and read its machine-readable summary;
find the Node.js toolchain the scripts need."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.sts import StsClient

ROOT = Path(__file__).resolve().parents[3]
NODE_SDK = ROOT / "node_modules" / "tablestore"
# Set by `python3 dev.py test`: there a missing toolchain fails the tests instead of skipping them.
REQUIRE_NODE = "ALICLOUD_STORAGE_REQUIRE_NODE"


def missing_toolchain(need_node: bool = True) -> List[str]:
    """What the Node.js tests need and this machine lacks (`node`, the installed packages)."""
    missing = []
    if need_node and shutil.which("node") is None:
        missing.append("the `node` executable")
    if not (NODE_SDK / "package.json").is_file():
        missing.append("node_modules (run `npm ci` in the repository root)")
    return missing


def require(missing: List[str]) -> None:
    """Fail (where REQUIRE_NODE=1) or skip the calling test when something it needs is missing."""
    if missing:
        message = "Node.js tests need " + " and ".join(missing)
        if os.environ.get(REQUIRE_NODE) == "1":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class NodeResult:
    """A script's summary line (checks counted, failures, steps run) and its exit code."""

    returncode: int
    checks: int
    failures: List[Dict[str, Any]]
    steps: List[str]
    output: str


def run_script(node: str, script: str, environ: Mapping[str, str], timeout: float = 60) -> NodeResult:
    """Run ``node tests/node/<script>`` with ``environ`` added; its last stdout line is JSON."""
    done = subprocess.run(
        [node, str(ROOT / "tests" / "node" / script)],
        cwd=ROOT, env={**_base_environ(), **environ}, capture_output=True, text=True, timeout=timeout,
    )
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise AssertionError(f"{script} printed no summary (exit {done.returncode}):\n{done.stderr}")
    summary = json.loads(lines[-1])
    return NodeResult(done.returncode, summary["checks"], summary["failures"], summary["steps"],
                      done.stdout + done.stderr)


def _base_environ() -> Dict[str, str]:
    """PATH and HOME only: the script sees no credentials but those it is given."""
    return {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "SYSTEMROOT", "TMPDIR")}


def read_only_session(emu: Emulator, policy: str, name: str) -> Any:
    """STS credentials of a new role holding ``policy``, got by AssumeRole through the
    emulator's STS endpoint as a new RAM user ``name`` (with our own StsClient)."""
    emu.iam.create_user(name)
    emu.iam.attach_policy("AliyunSTSAssumeRoleAccess", user=name)
    key_id, secret = emu.iam.create_access_key(name)
    role_arn = emu.iam.create_role(f"{name}-role")
    emu.iam.attach_policy(policy, role=f"{name}-role")
    sts = StsClient(StaticCredentialsProvider(key_id, secret), emu.sts_endpoint)
    try:
        return sts.assume_role(role_arn, name, 900).credentials
    finally:
        sts.close()
