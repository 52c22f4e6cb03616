"""STS credentials against the Tablestore front: accepted while valid, then the service's auth errors."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import pytest
from tablestore import OTSClient, OTSServiceError
from tablestore.retry import NoRetryPolicy

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.tablestore.wire import pb
from emulator_helpers import RawClient

pytestmark = pytest.mark.official


class Clock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


def assume(emu: Emulator, policy: str):
    name = "app" + uuid.uuid4().hex[:6]
    emu.iam.create_user(name)
    emu.iam.attach_policy("AliyunSTSAssumeRoleAccess", user=name)
    key_id, _ = emu.iam.create_access_key(name)
    role_arn = emu.iam.create_role(name + "-role")
    emu.iam.attach_policy(policy, role=name + "-role")
    return emu.iam.assume_role(emu.iam.resolve(key_id, None), role_arn, "test", duration_seconds=900)


def test_sts_token_is_accepted_then_expires():
    clock = Clock()
    with Emulator(memory=True, clock=clock, environ={}) as emu:
        session = assume(emu, "AliyunOTSReadOnlyAccess")
        client = OTSClient(emu.tablestore_endpoint, session.access_key_id, session.access_key_secret,
                           emu.instance, sts_token=session.security_token, retry_policy=NoRetryPolicy(),
                           logger_name="tablestore-client")
        assert client.list_table() == ()
        with pytest.raises(OTSServiceError) as info:
            client.delete_table("t")
        assert (info.value.get_http_status(), info.value.get_error_code(), info.value.get_error_message()) == (
            E.NO_PERMISSION.http_status, E.NO_PERMISSION.code, E.NO_PERMISSION.template
        )
        with pytest.raises(OTSServiceError) as info:
            OTSClient(emu.tablestore_endpoint, session.access_key_id, session.access_key_secret,
                      emu.instance, sts_token="forged", retry_policy=NoRetryPolicy(),
                      logger_name="tablestore-client").list_table()
        assert info.value.get_error_message() == E.SECURITY_TOKEN_INVALID.template
        clock.offset = 901  # past the 900 s session; sign with the emulator's notion of now
        credentials = Credentials(session.access_key_id, session.access_key_secret, session.security_token)
        later = datetime.fromtimestamp(clock(), timezone.utc)
        status, _, body = RawClient(emu).post("ListTable", b"", credentials=credentials, now=later)
        error = pb.Error.FromString(body)
        assert (status, error.code, error.message) == (
            E.SECURITY_TOKEN_EXPIRED.http_status, E.SECURITY_TOKEN_EXPIRED.code, E.SECURITY_TOKEN_EXPIRED.template
        )
