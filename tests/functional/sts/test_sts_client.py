"""Our STS client (sync and async) against the emulated STS: answers, errors, retries."""
from __future__ import annotations

import asyncio
import json
import random
import time
from urllib.parse import parse_qsl, urlencode

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.emulator import Emulator
from alicloud_storage.http import Request, SyncTransport
from alicloud_storage.sts import AsyncStsClient, StsClient, StsClientError, StsServiceError
from alicloud_storage.sts.protocol import build_request, endpoint_url

from sts_helpers import ASSUMER, new_user, role_arn


def client(emu: Emulator, key: tuple, token: object = None, **kwargs: object) -> StsClient:
    provider = StaticCredentialsProvider(key[0], key[1], token)  # type: ignore[arg-type]
    return StsClient(provider, emu.sts_endpoint, **kwargs)  # type: ignore[arg-type]


def signed_identity_request(emu: Emulator) -> Request:
    creds = StaticCredentialsProvider(*ASSUMER).get_credentials()
    return build_request(endpoint_url(emu.sts_endpoint, None), "GetCallerIdentity", {}, creds, time.time())


def test_caller_identity_of_root_user_and_session(emu: Emulator) -> None:
    root = client(emu, (emu.access_key_id, emu.access_key_secret)).get_caller_identity()
    assert (root.identity_type, root.arn, root.account_id) == ("Account", f"acs:ram::{emu.account_id}:root", emu.account_id)
    user = client(emu, ASSUMER).get_caller_identity()
    assert (user.identity_type, user.arn) == ("RAMUser", f"acs:ram::{emu.account_id}:user/sts-assumer")
    result = client(emu, ASSUMER).assume_role(role_arn(emu, "RamTablestore"), "who-am-i", 900)
    creds = result.credentials
    session = client(emu, (creds.access_key_id, creds.access_key_secret), creds.security_token)
    identity = session.get_caller_identity()
    assert identity.identity_type == "AssumedRoleUser"
    assert identity.arn == f"acs:ram::{emu.account_id}:assumed-role/ramtablestore/who-am-i"
    assert identity.role_id and identity.principal_id.endswith(":who-am-i")


def test_assume_role_answer(emu: Emulator) -> None:
    policy = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ots:Get*", "Resource": "*"}]})
    result = client(emu, ASSUMER).assume_role(role_arn(emu, "RamTablestore"), "answer-session", 3600, policy)
    creds = result.credentials
    assert creds.access_key_id.startswith("STS.") and creds.security_token
    assert creds.expiration is not None and creds.provider_name == "ram_role_arn"
    assert result.assumed_role_arn.startswith(role_arn(emu, "RamTablestore") + "/")
    assert result.request_id


@pytest.mark.parametrize(
    "key, role, name, duration, code, status",
    [
        ("assumer", "Missing", "s1", 900, "EntityNotExist.Role", 404),
        ("assumer", "RamTablestore", "x", 900, "InvalidParameter.RoleSessionName", 400),
        ("assumer", "RamTablestore", "s1", 7200, "InvalidParameter.DurationSeconds", 400),
        ("root", "RamTablestore", "s1", 900, "NoPermission", 403),
        ("nobody", "RamTablestore", "s1", 900, "NoPermission", 403),
        ("reader", "SingleInstance", "s1", 900, "NoPermission", 403),
    ],
)
def test_assume_role_errors(emu: Emulator, key: str, role: str, name: str, duration: int,
                            code: str, status: int) -> None:
    keys = {"assumer": ASSUMER, "root": (emu.access_key_id, emu.access_key_secret),
            "nobody": new_user(emu), "reader": new_user(emu, "AliyunSTSAssumeRoleAccess")}
    with pytest.raises(StsServiceError) as refused:
        client(emu, keys[key]).assume_role(role_arn(emu, role), name, duration)
    assert (refused.value.code, refused.value.http_status) == (code, status)
    assert refused.value.request_id


def test_authentication_errors(emu: Emulator) -> None:
    with pytest.raises(StsServiceError) as unknown:
        client(emu, ("LTAInope", "x")).get_caller_identity()
    assert (unknown.value.code, unknown.value.http_status) == ("InvalidAccessKeyId.NotFound", 404)
    with pytest.raises(StsServiceError) as bad_secret:
        client(emu, (ASSUMER[0], "wrong-secret")).get_caller_identity()
    assert bad_secret.value.code == "SignatureDoesNotMatch"
    assert "server string to sign is:" in bad_secret.value.message
    assert "wrong-secret" not in str(bad_secret.value) and ASSUMER[1] not in str(bad_secret.value)


def test_replayed_and_stale_requests_are_refused(emu: Emulator) -> None:
    request = signed_identity_request(emu)
    transport = SyncTransport()
    assert transport.send(request).status == 200
    replay = json.loads(transport.send(request).body)
    assert replay["Code"] == "SignatureNonceUsed"
    stale = client(emu, ASSUMER, clock=lambda: 1_000_000_000.0)
    with pytest.raises(StsServiceError) as old:
        stale.get_caller_identity()
    assert old.value.code == "InvalidTimeStamp.Expired"


def test_query_string_get_with_empty_params_is_accepted_too(emu: Emulator) -> None:
    """As aliyunsdkcore sends it: GET, everything in the query, an empty SignatureType."""
    request = signed_identity_request(emu)
    params = {**dict(parse_qsl(request.body.decode())), "SignatureType": "", "RegionId": "cn-hangzhou"}
    from alicloud_storage.sts.signature import rpc_signature

    params["Signature"] = rpc_signature(ASSUMER[1], "GET", params)
    response = SyncTransport().send(Request("GET", emu.sts_endpoint + "/?" + urlencode(params)))
    assert json.loads(response.body)["IdentityType"] == "RAMUser"


def test_unreachable_endpoint_is_retried_then_a_client_error() -> None:
    sleeps: list = []
    sts = StsClient(StaticCredentialsProvider("a", "b"), "http://127.0.0.1:9", max_attempts=3,
                    sleep=sleeps.append, rng=random.Random(1), timeout=1.0)
    with pytest.raises(StsClientError, match="GetCallerIdentity failed: ConnectError"):
        sts.get_caller_identity()
    assert len(sleeps) == 2 and all(0 <= s <= 5 for s in sleeps)


def test_async_client(emu: Emulator) -> None:
    async def main() -> None:
        sts = AsyncStsClient(StaticCredentialsProvider(*ASSUMER), emu.sts_endpoint)
        try:
            identity = await sts.get_caller_identity()
            result = await sts.assume_role(role_arn(emu, "RamTablestore"), "async-session", 900)
            with pytest.raises(StsServiceError) as refused:
                await sts.assume_role(role_arn(emu, "Nope"), "async-session", 900)
        finally:
            await sts.close()
        assert identity.identity_type == "RAMUser"
        assert result.credentials.access_key_id.startswith("STS.")
        assert refused.value.code == "EntityNotExist.Role"

    asyncio.run(main())
