"""The user document's STS flow, end to end on the emulator with the official Tablestore SDK.

Step 1-4: role RamTablestore with AliyunOTSReadOnlyAccess, a RAM user with
AliyunSTSAssumeRoleAccess (both made at run time with `alicloud-storage ram`); step 5:
AssumeRole for 3600 s; step 6: OTSClient(..., sts_token=...) lists tables but cannot put
a row. Then the document's custom single-instance policy: allowed there, denied elsewhere.
"""
from __future__ import annotations

import json
from typing import Any, List

import pytest
from click.testing import CliRunner

from alicloud_storage.cli import cli
from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore.errors import NO_PERMISSION
from alicloud_storage.sts import StsClient

from sts_helpers import role_arn, unique

pytestmark = pytest.mark.official


def ram_cli(emu: Emulator, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["ram", "--endpoint", emu.tablestore_endpoint,
                                      "--access-key-id", emu.access_key_id,
                                      "--access-key-secret", emu.access_key_secret, *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def ots(emu: Emulator, key_id: str, secret: str, instance: str, token: object = None):
    from tablestore import OTSClient
    from tablestore.retry import NoRetryPolicy

    return OTSClient(emu.tablestore_endpoint, key_id, secret, instance, sts_token=token,
                     retry_policy=NoRetryPolicy(), logger_name="tablestore-client")


def create_table(client: Any, name: str) -> None:
    from tablestore import CapacityUnit, ReservedThroughput, TableMeta, TableOptions

    client.create_table(TableMeta(name, [("pk", "STRING")]), TableOptions(),
                        ReservedThroughput(CapacityUnit(0, 0)))


def put(client: Any, table: str) -> None:
    from tablestore import Condition, Row, RowExistenceExpectation

    client.put_row(table, Row([("pk", "k")], [("v", 1)]), Condition(RowExistenceExpectation.IGNORE))


def assume(emu: Emulator, user_key: dict, role: str, duration: int = 3600) -> Any:
    sts = StsClient(StaticCredentialsProvider(user_key["id"], user_key["secret"]), emu.sts_endpoint)
    return sts.assume_role(role_arn(emu, role), "RAMTablestore", duration).credentials


def denied(call: Any) -> Any:
    from tablestore import OTSServiceError

    with pytest.raises(OTSServiceError) as refused:
        call()
    return refused.value


def test_read_only_role_lists_tables_but_cannot_put_a_row(emu: Emulator) -> None:
    root = ots(emu, emu.access_key_id, emu.access_key_secret, emu.instance)
    table = unique("flowtable")
    create_table(root, table)

    role = unique("RamTablestore")
    assert ram_cli(emu, "create-role", role)["arn"] == role_arn(emu, role)
    ram_cli(emu, "attach-policy", "AliyunOTSReadOnlyAccess", "--role", role)
    user = unique("ramuser")
    key = ram_cli(emu, "create-user", user, "--with-access-key")
    ram_cli(emu, "attach-policy", "AliyunSTSAssumeRoleAccess", "--user", user)

    creds = assume(emu, key, role, 3600)
    assert creds.expiration is not None
    client = ots(emu, creds.access_key_id, creds.access_key_secret, emu.instance, creds.security_token)
    assert table in client.list_table()
    error = denied(lambda: put(client, table))
    assert (error.get_http_status(), error.get_error_code()) == (403, "OTSNoPermissionAccess")
    assert error.get_error_message() == NO_PERMISSION.template
    forged = ots(emu, creds.access_key_id, creds.access_key_secret, emu.instance, creds.security_token + "x")
    assert denied(forged.list_table).get_http_status() == 403


def test_custom_single_instance_policy(emu: Emulator) -> None:
    other = emu.instances[1]
    create_table(ots(emu, emu.access_key_id, emu.access_key_secret, other), "othertable")
    policy = unique("TestRAMPolicy")
    document = {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ots:*", "Resource": f"acs:ots:*:*:instance/{emu.instance}*"}]}
    ram_cli(emu, "create-policy", policy, json.dumps(document))
    role = unique("SingleInstanceRole")
    ram_cli(emu, "create-role", role)
    ram_cli(emu, "attach-policy", policy, "--role", role)
    user = unique("ramuser")
    key = ram_cli(emu, "create-user", user, "--with-access-key")
    ram_cli(emu, "attach-policy", "AliyunSTSAssumeRoleAccess", "--user", user)
    creds = assume(emu, key, role)

    mine = ots(emu, creds.access_key_id, creds.access_key_secret, emu.instance, creds.security_token)
    table = unique("mytable")
    create_table(mine, table)
    put(mine, table)
    assert table in mine.list_table()

    elsewhere = ots(emu, creds.access_key_id, creds.access_key_secret, other, creds.security_token)
    errors: List[Any] = [denied(elsewhere.list_table), denied(lambda: put(elsewhere, "othertable"))]
    assert {(e.get_http_status(), e.get_error_code()) for e in errors} == {(403, "OTSNoPermissionAccess")}

    ram_cli(emu, "detach-policy", policy, "--role", role)  # run-time change, same token
    assert denied(mine.list_table).get_error_code() == "OTSNoPermissionAccess"
