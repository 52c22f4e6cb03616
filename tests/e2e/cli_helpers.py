"""Helpers of the end-to-end tests: `alicloud-storage` as a subprocess, a served emulator."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

_CREDENTIAL_PREFIXES = ("TABLESTORE_", "OTS_", "ALIBABA_CLOUD_", "OSS_")
_names = itertools.count(1)


def cli_command() -> List[str]:
    """How to start `alicloud-storage` with this interpreter's installation."""
    script = Path(sys.executable).with_name("alicloud-storage")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from alicloud_storage.cli import main; main()"]


def clean_environ(tmp: Path) -> Dict[str, str]:
    """The environment without any Alibaba Cloud credential or endpoint, no ECS lookup,
    and no credentials file: a test sees only what it sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CREDENTIAL_PREFIXES)}
    env.update(ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
               ALIBABA_CLOUD_CREDENTIALS_FILE=str(tmp / "no-credentials.ini"))
    return env


def run(args: List[str], env: Dict[str, str], cwd: Optional[Path] = None, timeout: float = 120,
        stdin: Optional[str] = None) -> "subprocess.CompletedProcess[str]":
    """Run `alicloud-storage *args` to completion and return what it did."""
    return subprocess.run(cli_command() + args, env=env, cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def unique(prefix: str) -> str:
    """A table name no other test of the session uses."""
    return f"{prefix}{next(_names)}"


class Served:
    """One `alicloud-storage serve --port 0 --memory` child and its ready line."""

    def __init__(self, tmp: Path) -> None:
        command = cli_command() + ["serve", "--port", "0", "--sts-port", "0", "--memory"]
        self.process = subprocess.Popen(command, env=clean_environ(tmp), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.process.kill()
            raise RuntimeError("serve printed no ready line: " + (self.process.stderr.read() if self.process.stderr else ""))
        self.info = json.loads(line)

    def environ(self, tmp: Path) -> Dict[str, str]:
        """An environment pointing `alicloud-storage ots` at this emulator with its root key."""
        env = clean_environ(tmp)
        env.update(TABLESTORE_ENDPOINT=self.info["tablestore_endpoint"],
                   TABLESTORE_INSTANCE_NAME=self.info["instance"],
                   TABLESTORE_ACCESS_KEY_ID=self.info["access_key_id"],
                   TABLESTORE_ACCESS_KEY_SECRET=self.info["access_key_secret"])
        return env

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
