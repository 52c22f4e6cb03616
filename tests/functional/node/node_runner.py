"""Run one tests/node/<script>.js as a subprocess and read its machine-readable summary."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping

ROOT = Path(__file__).resolve().parents[3]


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
