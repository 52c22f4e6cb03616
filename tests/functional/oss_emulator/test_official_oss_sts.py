"""The STS story for OSS: a role with AliyunOSSReadOnlyAccess, AssumeRole over the STS
endpoint, alibabacloud-oss-v2 with the temporary credentials reads and is denied a write."""
from __future__ import annotations

import uuid

import alibabacloud_oss_v2 as oss
import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.sts import StsClient
from oss_emulator_helpers import v2_client

pytestmark = pytest.mark.official


def temporary_credentials(emu: Emulator, policy: str):  # type: ignore[no-untyped-def]
    name = "oss" + uuid.uuid4().hex[:8]
    emu.iam.create_user(name)
    key_id, secret = emu.iam.create_access_key(name)
    emu.iam.attach_policy("AliyunSTSAssumeRoleAccess", user=name)
    role_arn = emu.iam.create_role(name + "-reader")
    emu.iam.attach_policy(policy, role=name + "-reader")
    sts = StsClient(StaticCredentialsProvider(key_id, secret), emu.sts_endpoint)
    try:
        return sts.assume_role(role_arn, "oss-story").credentials
    finally:
        sts.close()


@pytest.mark.parametrize("version", ["v4", "v1"])
def test_read_only_role_reads_and_is_denied_writes(emu: Emulator, bucket: str, version: str) -> None:
    owner = v2_client(emu, version)
    owner.put_object(oss.PutObjectRequest(bucket=bucket, key="report.csv", body=b"a,b"))
    creds = temporary_credentials(emu, "AliyunOSSReadOnlyAccess")
    reader = v2_client(emu, version, access_key_id=creds.access_key_id,
                       access_key_secret=creds.access_key_secret,
                       security_token=creds.security_token)
    got = reader.get_object(oss.GetObjectRequest(bucket=bucket, key="report.csv"))
    assert got.body.read() == b"a,b"
    keys = [o.key for o in reader.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket)).contents]
    assert keys == ["report.csv"]
    for call in (
        lambda: reader.put_object(oss.PutObjectRequest(bucket=bucket, key="new", body=b"x")),
        lambda: reader.delete_object(oss.DeleteObjectRequest(bucket=bucket, key="report.csv")),
        lambda: reader.copy_object(oss.CopyObjectRequest(bucket=bucket, key="copy",
                                                         source_key="report.csv")),
    ):
        with pytest.raises(oss.exceptions.OperationError) as excinfo:
            call()
        error = excinfo.value.unwrap()
        assert (error.status_code, error.code, error.ec) == (
            403, E.ACCESS_DENIED_RAM.code, E.ACCESS_DENIED_RAM.ec)
    forged = v2_client(emu, version, access_key_id=creds.access_key_id,
                       access_key_secret=creds.access_key_secret, security_token="forged")
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        forged.get_object(oss.GetObjectRequest(bucket=bucket, key="report.csv"))
    assert excinfo.value.unwrap().code == E.INVALID_SECURITY_TOKEN.code


def test_explicit_deny_wins(emu: Emulator, bucket: str) -> None:
    emu.iam.create_policy("deny-secret" + bucket[-2:], {"Version": "1", "Statement": [
        {"Effect": "Deny", "Action": "oss:GetObject", "Resource": f"acs:oss:*:*:{bucket}/secret/*"}]})
    name = "user" + uuid.uuid4().hex[:8]
    emu.iam.create_user(name)
    key_id, secret = emu.iam.create_access_key(name)
    emu.iam.attach_policy("AliyunOSSFullAccess", user=name)
    emu.iam.attach_policy("deny-secret" + bucket[-2:], user=name)
    client = v2_client(emu, "v4", access_key_id=key_id, access_key_secret=secret)
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="secret/x", body=b"s"))
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.get_object(oss.GetObjectRequest(bucket=bucket, key="secret/x"))
    assert excinfo.value.unwrap().ec == E.ACCESS_DENIED_RAM_EXPLICIT.ec
