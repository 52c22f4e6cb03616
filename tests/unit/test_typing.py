"""The package type-checks: ``mypy`` with pyproject.toml's config (strict, Python 3.9) finds
no error (STYLE §13). Runs mypy as a user would, in a subprocess; its cache goes to a
temporary directory, never into the repository."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.single_env
def test_mypy_strict_finds_no_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", str(tmp_path / "mypy_cache")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout, result.stdout + result.stderr
