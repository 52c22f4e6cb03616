"""What `pip install alicloud-storage` gives: the SDK without aiohttp, the command line with
a one-line hint where an extra is needed, and one version everywhere."""
from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

import alicloud_storage
from cli_helpers import clean_environ, run
from test_fresh_clone import copy_repository

SDK_PROGRAM = """
import sys
import alicloud_storage.tablestore as ots
import alicloud_storage.credentials, alicloud_storage.sts
client = ots.OTSClient("http://127.0.0.1:9", "id", "secret", "instance")
assert "aiohttp" not in sys.modules, "the sync SDK must not need aiohttp"
try:
    import aiohttp
except ImportError:
    print("sdk ok, no aiohttp")
"""


def test_version_is_written_once() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject.split("[tool.")[0]
    from importlib.metadata import version

    assert version("alicloud-storage") == alicloud_storage.__version__


def test_cli_version_is_the_package_version(tmp_path: Path) -> None:
    result = run(["--version"], clean_environ(tmp_path))
    assert result.returncode == 0, result.stderr
    assert alicloud_storage.__version__ in result.stdout


@pytest.mark.slow
@pytest.mark.single_env
@pytest.mark.timeout(600)
def test_plain_install_has_the_sdk_and_names_the_extras(tmp_path: Path) -> None:
    source = tmp_path / "source"
    copy_repository(source)
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              str(source)], capture_output=True, text=True, timeout=500)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]

    sdk = subprocess.run([str(python), "-c", SDK_PROGRAM], capture_output=True, text=True, timeout=60)
    assert (sdk.returncode, sdk.stdout.strip()) == (0, "sdk ok, no aiohttp"), sdk.stderr

    serve = subprocess.run([str(env_dir / "bin" / "alicloud-storage"), "serve", "--memory"],
                           capture_output=True, text=True, timeout=60, env=clean_environ(tmp_path))
    assert serve.returncode == 1
    assert serve.stderr.strip() == ("Error: 'serve' needs the emulator extra: "
                                    "pip install 'alicloud-storage[emulator]'"), serve.stderr
    assert "Traceback" not in serve.stderr
