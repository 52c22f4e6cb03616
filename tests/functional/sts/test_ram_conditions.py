"""Condition keys reach the policies: acs:SourceIp and acs:CurrentTime from real requests."""
from __future__ import annotations

import json

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import NoRetryPolicy, OTSClient, OTSServiceError

from sts_helpers import unique

READER = ("LTAI5tExampleReaderKey", "ExampleReaderSecretChangeMe0000")  # from the example file


def client(emu: Emulator, key: tuple) -> OTSClient:
    return OTSClient(emu.tablestore_endpoint, instance_name=emu.instance, retry_policy=NoRetryPolicy(),
                     credentials_provider=StaticCredentialsProvider(*key))


def refused(call: object) -> str:
    with pytest.raises(OTSServiceError) as error:
        call()  # type: ignore[operator]
    assert error.value.http_status == 403
    return str(error.value.code)


def test_example_reader_policy_from_loopback(emu: Emulator) -> None:
    reader = client(emu, READER)
    assert isinstance(reader.list_table(), (list, tuple))
    assert refused(lambda: reader.delete_table("anything")) == "OTSNoPermissionAccess"  # explicit Deny


@pytest.mark.parametrize(
    "condition, allowed",
    [
        ({"IpAddress": {"acs:SourceIp": "127.0.0.1"}}, True),
        ({"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}, False),
        ({"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}}, True),
        ({"DateGreaterThan": {"acs:CurrentTime": "2000-01-01T00:00:00Z"}}, True),
        ({"DateLessThan": {"acs:CurrentTime": "2000-01-01T00:00:00+08:00"}}, False),
        ({"Bool": {"acs:SecureTransport": "true"}}, False),  # the emulator here serves plain HTTP
    ],
)
def test_conditions_on_live_requests(emu: Emulator, condition: dict, allowed: bool) -> None:
    user, policy = unique("conduser"), unique("CondPolicy")
    emu.iam.create_user(user)
    emu.iam.create_policy(policy, json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ots:ListTable", "Resource": "*", "Condition": condition}]}))
    emu.iam.attach_policy(policy, user=user)
    ots = client(emu, emu.iam.create_access_key(user))
    if allowed:
        ots.list_table()
    else:
        assert refused(ots.list_table) == "OTSNoPermissionAccess"
