"""The README's two commands, exactly as written, in a fresh copy of the repository.

The copy holds what git would check out (tracked files plus new, not ignored ones: no
virtual environment, nothing installed). The commands run with a plain `python3` from a
PATH without any virtual environment. The suite that the second command runs inside
the copy deselects this test (ALICLOUD_STORAGE_FRESH_CLONE=1, see conftest.py).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from cli_helpers import FRESH_CLONE_ENV, clean_environ
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


# Runs once per CI run: `dev.py test` runs the suite twice and the newest-protobuf pass
# leaves out `single_env` tests (the copy's own `dev.py test` covers both environments).
@pytest.mark.slow
@pytest.mark.single_env
@pytest.mark.timeout(3600)
def test_readme_commands_work_in_a_fresh_copy(tmp_path: Path) -> None:
    commands = readme_commands()
    assert commands == ["python3 dev.py demo", "python3 dev.py test"], commands
    clone = tmp_path / "clone"
    copy_repository(clone)
    assert not any(clone.glob(".venv*")) and (clone / "dev.py").is_file()
    env = plain_environ(tmp_path)

    demo = subprocess.run(commands[0], shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert EXPECTED in demo.stdout

    env[FRESH_CLONE_ENV] = "1"
    suite = subprocess.run(commands[1], shell=True, cwd=clone, env=env, capture_output=True, text=True, timeout=2700)
    tail = suite.stdout[-4000:] + suite.stderr[-2000:]
    assert suite.returncode == 0, tail
    summaries = re.findall(r"^=+ (.*(?:passed|failed).*) =+$", suite.stdout, flags=re.M)
    assert len(summaries) == 2, tail  # the oldest- and the newest-protobuf runs
    assert not any(re.search(r"failed|error", s) for s in summaries), summaries
    assert re.search(r"(?<!\d)1 deselected", summaries[0]), summaries  # this test, and only it
