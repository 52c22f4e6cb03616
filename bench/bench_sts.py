"""STS and credentials: our StsClient vs the official ``alibabacloud_sts20150401`` client
(AssumeRole and GetCallerIdentity round trips against one emulator in a child process, so
the server does not share this process's GIL), the cached-credentials fast path of
RamRoleArnCredentialsProvider, and the emulator's per-request RAM decision (in process).

Run: ``.venv-test/bin/python bench/bench_sts.py [--calls 500] [--rounds 3]``.
Prints ms per call (best round) and the ratio official/ours (> 1: ours is faster).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import timeit
from pathlib import Path
from typing import Any, Callable, Dict

from alicloud_storage.credentials import RamRoleArnCredentialsProvider, StaticCredentialsProvider
from alicloud_storage.emulator.ram import Iam
from alicloud_storage.sts import StsClient

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "emulator-ram.json"
ASSUMER = ("LTAI5tExampleAssumerKey", "ExampleAssumerSecretChangeMe000")


def best(fn: Callable[[], Any], number: int, rounds: int) -> float:
    fn()
    return min(timeit.timeit(fn, number=number) for _ in range(rounds)) / number


def start_emulator() -> "tuple[subprocess.Popen, Dict[str, Any]]":
    command = [sys.executable, "-c", "from alicloud_storage.cli import main; main()", "serve",
               "--port", "0", "--sts-port", "0", "--memory", "--config", str(EXAMPLE)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def round_trips(info: Dict[str, Any], calls: int, rounds: int) -> None:
    from alibabacloud_sts20150401 import models
    from alibabacloud_sts20150401.client import Client
    from alibabacloud_tea_openapi.models import Config

    arn = f"acs:ram::{info['account_id']}:role/ramtablestore"
    ours = StsClient(StaticCredentialsProvider(*ASSUMER), info["sts_endpoint"])
    official = Client(Config(access_key_id=ASSUMER[0], access_key_secret=ASSUMER[1],
                             endpoint=info["sts_endpoint"].split("://", 1)[1], protocol="http"))
    request = models.AssumeRoleRequest(role_arn=arn, role_session_name="bench", duration_seconds=900)
    pairs = {
        "GetCallerIdentity": (ours.get_caller_identity, official.get_caller_identity),
        "AssumeRole": (lambda: ours.assume_role(arn, "bench", 900), lambda: official.assume_role(request)),
    }
    for name, (mine, theirs) in pairs.items():
        t_ours, t_official = best(mine, calls, rounds), best(theirs, calls, rounds)
        print(f"{name:18} ours {t_ours * 1e3:6.3f} ms   official {t_official * 1e3:6.3f} ms   "
              f"official/ours {t_official / t_ours:.2f}x")
    provider = RamRoleArnCredentialsProvider(StaticCredentialsProvider(*ASSUMER), arn, "cached", 900,
                                             sts_endpoint=info["sts_endpoint"])
    provider.get_credentials()
    print(f"cached RamRoleArn get_credentials: {best(provider.get_credentials, 200_000, rounds) * 1e6:.2f} us")


def ram_decision(rounds: int) -> None:
    iam = Iam("1", "ROOT", "root-secret")
    iam.load_config(json.loads(EXAMPLE.read_text())["ram"])
    session = iam.assume_role(iam.resolve(ASSUMER[0], None), "acs:ram::1:role/ramtablestore", "s1", 900)
    context = {"acs:SourceIp": "127.0.0.1", "acs:CurrentTime": "2030-01-01T00:00:00Z",
               "acs:SecureTransport": "false"}

    def decide() -> bool:
        principal = iam.resolve(session.access_key_id, session.security_token)
        return iam.is_allowed(principal, "ots:GetRow", "acs:ots:cn-hangzhou:1:instance/i/table/t", context)

    print(f"RAM resolve + is_allowed (assumed role, AliyunOTSReadOnlyAccess): "
          f"{best(decide, 50_000, rounds) * 1e6:.1f} us/request")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    process, info = start_emulator()
    try:
        round_trips(info, args.calls, args.rounds)
    finally:
        process.terminate()
        process.wait()
    ram_decision(args.rounds)


if __name__ == "__main__":
    main()
