"""The log scan: the whole hostile suite against `alicloud-storage serve` (a child process logging
at DEBUG), then its stdout and stderr hold no secret, token or signature, and no traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import hostile_cases  # noqa: F401  (registers the cases)
from hardening_helpers import CASES, Target

_SERVE = [sys.executable, "-c",
          "import logging; logging.basicConfig(level=logging.DEBUG); "
          "from alicloud_storage.cli import main; main()",
          "serve", "--port", "0", "--sts-port", "0", "--oss-port", "0", "--memory"]


@pytest.mark.slow  # ~10 s: a child process logging at DEBUG through the whole suite
def test_no_secret_in_the_server_output_after_the_hostile_suite() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALICLOUD_STORAGE_EMULATOR_")}
    process = subprocess.Popen(_SERVE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())  # the documented ready line holds the root secret
        target = Target(ready["tablestore_endpoint"], ready["sts_endpoint"], ready["oss_endpoint"],
                        ready["instance"], ready["access_key_id"], ready["access_key_secret"])
        for name in sorted(CASES):
            CASES[name](target)
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    logged = (out + err).decode("utf-8", "replace")
    assert "Traceback" not in logged
    assert "debug" in err.decode().lower() or "DEBUG" in err.decode()  # the scan looked at a verbose log
    secrets = {s for s in target.secrets if len(s) >= 8}
    assert len(secrets) >= len(CASES)  # tokens, secrets and signatures of every case were recorded
    leaked = sorted(s[:6] + "..." for s in secrets if s in logged or s[:24] in logged)
    assert not leaked, f"the server logged {len(leaked)} secrets: {leaked}"
