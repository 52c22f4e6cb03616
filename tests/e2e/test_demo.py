"""`alicloud-storage demo` as a subprocess: on its own emulator (the README's first command)
and against an endpoint from the environment (here: a served emulator with RAM set up
through `alicloud-storage ram`, standing in for a real instance)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict

from cli_helpers import Served, clean_environ, run

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = """\
alicloud-storage demo: emulator in-process (in memory), instance devinstance, region cn-hangzhou, account 1000000000000001
 1/25 ok   RAM role RamTablestore + AliyunOTSFullAccess (acs:ram::1000000000000001:role/ramtablestore)
 2/25 ok   RAM role RamTablestoreReadOnly + AliyunOTSReadOnlyAccess
 3/25 ok   RAM user tablestore-app + AccessKey pair + AliyunSTSAssumeRoleAccess
 4/25 ok   STS AssumeRole: key + token for 3600 s, caller assumed-role/ramtablestore/RAMTablestore
 5/25 ok   OTSClient from TABLESTORE_ACCESS_KEY_ID/_SECRET/_SESSION_TOKEN, V4-signed for cn-hangzhou
 6/25 ok   create_table demo_orders (customer STRING, order_id INTEGER)
 7/25 ok   put_row (alice, 1); the same put with EXPECT_NOT_EXIST: OTSConditionCheckFail
 8/25 ok   update_row (alice, 1): status=shipped, quantity+=1, amount deleted
 9/25 ok   get_row (alice, 1): status 'shipped', quantity 3, no amount
10/25 ok   batch_write_row: 50 rows in one request, 50 succeeded
11/25 ok   get_range customer bob: 10 rows, order_id 1..10 in key order
12/25 ok   read-only role: get_row allowed, put_row OTSNoPermissionAccess (403)
13/25 ok   create_timeseries_table demo_metrics
14/25 ok   put_timeseries_data 60 points; get_timeseries_data read 60 back in order
15/25 ok   list_table: demo_orders; list_timeseries_table: demo_metrics
16/25 ok   clean up: tables, RAM user and roles deleted
17/25 ok   RAM user oss-app (AliyunOSSFullAccess) + role RamOssReadOnly (AliyunOSSReadOnlyAccess)
18/25 ok   oss.Client: load_default(), EnvironmentVariableCredentialsProvider (OSS_ACCESS_KEY_ID/_SECRET), region cn-hangzhou, the emulator's endpoint; list_buckets answered
19/25 ok   endpoints: public, internal (-internal), accelerate (oss-accelerate), dual-stack, http, CNAME, path style as the service expects; timeouts, retryer (5 attempts), http_client set
20/25 ok   put_bucket demo-oss-bucket: exists, location oss-cn-hangzhou
21/25 ok   uploader: 24 MiB in 6 parts of 4 MiB, 3 in parallel; object CRC-64 11363339197535533812 = the file's
22/25 ok   downloader: 24 MiB in ranged parallel reads, CRC-64 checked, bytes identical
23/25 ok   presign GetObject (5 min): fetched by urllib without credentials, 27 bytes identical
24/25 ok   STS role RamOssReadOnly: get_object allowed, put_object AccessDenied (403)
25/25 ok   clean up: objects, bucket, RAM user and role deleted
demo passed: every step gave the expected result
"""


def test_demo_on_its_own_emulator(tmp_path: Path) -> None:
    result = run(["demo"], clean_environ(tmp_path))
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert result.stdout == EXPECTED


def test_readme_shows_what_the_demo_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", readme, flags=re.S | re.M)
    shown = [block for block in blocks if block.startswith("alicloud-storage demo: ")]
    assert shown == [EXPECTED], "README.md must show the demo's output verbatim in one fenced block"


def ram(served: Served, env: Dict[str, str], *args: str) -> Dict[str, object]:
    result = run(["ram", "--endpoint", served.info["tablestore_endpoint"], *args], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}


def real_environ(served: Served, tmp_path: Path) -> Dict[str, str]:
    """What a user sets for a real instance: endpoint, instance, region, a RAM user's key."""
    env = clean_environ(tmp_path)
    env.update(TABLESTORE_ENDPOINT=served.info["tablestore_endpoint"],
               TABLESTORE_INSTANCE_NAME=served.info["instance"], TABLESTORE_REGION=served.info["region"],
               ALIBABA_CLOUD_STS_ENDPOINT=served.info["sts_endpoint"])
    return env


def test_demo_against_an_endpoint_from_the_environment(served: Served, tmp_path: Path) -> None:
    env = real_environ(served, tmp_path)
    full = ram(served, env, "create-role", "DemoFull")["arn"]
    ram(served, env, "attach-policy", "AliyunOTSFullAccess", "--role", "DemoFull")
    read_only = ram(served, env, "create-role", "DemoReadOnly")["arn"]
    ram(served, env, "attach-policy", "AliyunOTSReadOnlyAccess", "--role", "DemoReadOnly")
    key = ram(served, env, "create-user", "demo-user", "--with-access-key")
    ram(served, env, "attach-policy", "AliyunSTSAssumeRoleAccess", "--user", "demo-user")
    env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=str(key["id"]), ALIBABA_CLOUD_ACCESS_KEY_SECRET=str(key["secret"]),
               TABLESTORE_STS_ROLE_ARN=str(full), TABLESTORE_STS_READONLY_ROLE_ARN=str(read_only))

    result = run(["demo"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (f"alicloud-storage demo: real instance {served.info['instance']} "
                        f"at {served.info['tablestore_endpoint']}")
    assert [line[:10] for line in lines[1:4]] == [" 1/25 skip", " 2/25 skip", " 3/25 skip"]
    assert lines[1].endswith("real service: RAM roles and users are made in the RAM console")
    assert lines[4] == " 4/25 ok   STS AssumeRole: key + token for 3600 s, caller assumed-role/demofull/RAMTablestore"
    assert lines[5:16] == EXPECTED.splitlines()[5:16]
    assert lines[16] == "16/25 ok   clean up: demo tables deleted"
    # No OSS_REGION: the OSS story says what to set; only the offline endpoint check runs.
    assert lines[17] == "17/25 skip RAM user oss-app and role RamOssReadOnly: real service: RAM users and roles are made in the RAM console"
    assert lines[18].startswith("18/25 skip oss.Client as the document builds it: set OSS_REGION")
    assert lines[19] == EXPECTED.splitlines()[19]
    assert [line[:10] for line in lines[20:26]] == [f"{n}/25 skip" for n in range(20, 26)]
    assert lines[26:] == ["demo passed: every step gave the expected result"]


def test_demo_stops_at_the_first_failed_step(served: Served, tmp_path: Path) -> None:
    env = real_environ(served, tmp_path)
    env.update(TABLESTORE_ACCESS_KEY_ID=served.info["access_key_id"],
               TABLESTORE_ACCESS_KEY_SECRET=served.info["access_key_secret"])
    created = run(["ots", "create", "demo_orders", "--pk", "id:INTEGER"], env)
    assert created.returncode == 0, created.stderr
    try:
        result = run(["demo"], env)
    finally:
        run(["ots", "delete-table", "demo_orders", "--yes"], env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[4] == " 4/25 skip STS AssumeRole RamTablestore: set TABLESTORE_STS_ROLE_ARN to the ARN of a role like RamTablestore"
    assert lines[5] == " 5/25 FAIL OTSClient from environment variables: table demo_orders already exists: delete it first"
    assert len(lines) == 6
    assert result.stderr == "Error: the demo failed (see the FAIL line above)\n"
