#!/usr/bin/env python3
"""Set up and run alicloud-storage with nothing but Python 3 installed.

    python3 dev.py demo   # create .venv, install the project, run the main job
    python3 dev.py test   # create the test environments, run the whole test suite

The whole test suite runs once, with the oldest protobuf we support and the
official SDKs installed (they need protobuf<6). Then only the tests whose
outcome depends on the protobuf runtime (message classes, the wire codecs, the
clients and the emulator exchanging messages) run again with the newest
protobuf and the pure-Python PlainBuffer codec forced, leaving out those marked
`official` (those SDKs cannot be installed beside it) and `single_env`.
Environments are reused while their build inputs and this file are unchanged.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OLDEST_PROTOBUF = "protobuf==5.26.1"
NEWEST_PROTOBUF = "protobuf>=7,<8"
# What protobuf's version can change: message classes, codecs, clients <-> emulator.
PROTOBUF_SENSITIVE = ["tests/unit/wire", "tests/unit/tablestore", "tests/functional/client",
                      "tests/functional/timeseries"]


def _bin(env: Path, name: str) -> Path:
    sub = "Scripts" if os.name == "nt" else "bin"
    return env / sub / (name + (".exe" if os.name == "nt" else ""))


def _run(*cmd: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def ensure_env(name: str, extras: str, pins: list[str]) -> Path:
    """Create (or reuse) a virtual environment with the project installed."""
    env = ROOT / name
    # What the installation depends on: the build files and the compiled extension's sources
    # (an editable install builds the extension once; a changed .c needs a rebuild).
    build_inputs = [ROOT / "pyproject.toml", ROOT / "setup.py", Path(__file__), *sorted((ROOT / "src").rglob("*.c"))]
    stamp_src = b"".join(path.read_bytes() for path in build_inputs if path.exists())
    stamp_src += repr((extras, pins)).encode()
    stamp = hashlib.sha256(stamp_src).hexdigest()
    stamp_file = env / ".installed"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return env
    if not _bin(env, "python").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
    py = _bin(env, "python")
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--upgrade", "pip")
    target = f".{extras}" if extras else "."
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target, *pins)
    stamp_file.write_text(stamp)
    return env


def ensure_node_modules() -> None:
    """Install the Node.js test dependencies from package-lock.json (npm ci), once per lock file."""
    stamp = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    stamp_file = ROOT / "node_modules" / ".installed"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    npm = shutil.which("npm")
    if npm is None:  # the Node.js tests then fail (ALICLOUD_STORAGE_REQUIRE_NODE) and say why
        print("npm not found: cannot install the Node.js test dependencies", file=sys.stderr)
        return
    _run(npm, "ci", "--no-audit", "--no-fund")
    stamp_file.write_text(stamp)


def demo(args: list[str]) -> int:
    env = ensure_env(".venv", "[emulator]", [])
    return subprocess.call([str(_bin(env, "alicloud-storage")), "demo", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    oldest = ensure_env(".venv-test", "[test,official]", [OLDEST_PROTOBUF])
    ensure_node_modules()
    required = dict(os.environ, ALICLOUD_STORAGE_REQUIRE_OFFICIAL="1", ALICLOUD_STORAGE_REQUIRE_NODE="1")
    code = subprocess.call([str(_bin(oldest, "python")), "-m", "pytest", *args], cwd=ROOT, env=required)
    if code != 0:
        return code
    newest = ensure_env(".venv-test-newest", "[test]", [NEWEST_PROTOBUF])
    optional = {k: v for k, v in os.environ.items() if k != "ALICLOUD_STORAGE_REQUIRE_OFFICIAL"}
    # The same pass proves the pure-Python PlainBuffer codec (the fallback where the C
    # extension cannot be built): its tests and the clients run on it here.
    optional["ALICLOUD_STORAGE_PURE_PYTHON"] = "1"
    return subprocess.call(
        [str(_bin(newest, "python")), "-m", "pytest", "-m", "not official and not single_env",
         *PROTOBUF_SENSITIVE, *args],
        cwd=ROOT,
        env=optional,
    )


def main() -> int:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
