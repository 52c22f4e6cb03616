"""The README's two commands in a fresh copy of the repository, without running the suite twice.

The copy holds what git would check out (tracked files plus new, not ignored ones: no
virtual environment, nothing installed). The demo command runs there for real with a plain
`python3` from a PATH without any virtual environment, so a missing install step shows up.
The test command is not run inside the suite (that would run the suite inside itself): it is
checked to be what `.ci/run` runs, and CI runs `.ci/run` on a clean clone.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from cli_helpers import clean_environ
from test_demo import EXPECTED

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> List[str]:
    """The README's two commands: its first two fenced blocks, one line each."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", readme, flags=re.S | re.M)
    return [block.strip() for block in blocks[:2]]


def copy_repository(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is not part of the copy
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def plain_environ(tmp: Path) -> Dict[str, str]:
    """No active virtual environment: its directories leave PATH (pip's settings stay)."""
    env = clean_environ(tmp)
    venv = env.pop("VIRTUAL_ENV", None)
    parts = [p for p in env.get("PATH", "").split(os.pathsep)
             if p and not (Path(p).parent / "pyvenv.cfg").exists() and p != (venv and str(Path(venv) / "bin"))]
    env["PATH"] = os.pathsep.join(parts)
    env.pop("PYTHONPATH", None)
    return env


def test_ci_runs_the_readme_test_command() -> None:
    commands = readme_commands()
    assert commands == ["python3 dev.py demo", "python3 dev.py test"], commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))]
    assert steps == ["exec " + commands[1]], steps


# Environment-independent: the newest-protobuf pass of dev.py test leaves it out.
@pytest.mark.slow
@pytest.mark.single_env
@pytest.mark.timeout(900)
def test_readme_demo_command_works_in_a_fresh_copy(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    copy_repository(clone)
    assert not any(clone.glob(".venv*")) and (clone / "dev.py").is_file()
    demo = subprocess.run(readme_commands()[0], shell=True, cwd=clone, env=plain_environ(tmp_path),
                          capture_output=True, text=True, timeout=900)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert EXPECTED in demo.stdout
