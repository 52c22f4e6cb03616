"""The official alibabacloud-sts20150401 client (ACS3 and RPC V1 signatures) and the
alibabacloud-credentials RamRoleArn provider obtain credentials from the emulated STS."""
from __future__ import annotations

import json

import pytest

from alicloud_storage.emulator import Emulator

from sts_helpers import ASSUMER, role_arn

pytestmark = pytest.mark.official

POLICY_WITH_SPACES = json.dumps({"Version": "1", "Statement": [
    {"Effect": "Allow", "Action": "ots:Get*", "Resource": "*"}]})  # json.dumps puts spaces in


def sts_client(emu: Emulator, key: tuple, token: object = None, algorithm: object = None):
    from alibabacloud_sts20150401.client import Client
    from alibabacloud_tea_openapi.models import Config

    config = Config(access_key_id=key[0], access_key_secret=key[1], security_token=token,
                    endpoint=emu.sts_endpoint.split("://", 1)[1], protocol="http")
    if algorithm:
        config.signature_algorithm = algorithm
    return Client(config)


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["acs3", "rpc-v1"])
def test_sts20150401_assume_role_and_identity(emu: Emulator, algorithm: object) -> None:
    from alibabacloud_sts20150401 import models

    request = models.AssumeRoleRequest(
        role_arn=role_arn(emu, "RamTablestore"), role_session_name="official-sdk",
        duration_seconds=3600, policy=POLICY_WITH_SPACES,
    )
    body = sts_client(emu, ASSUMER, algorithm=algorithm).assume_role(request).body
    creds = body.credentials
    assert creds.access_key_id.startswith("STS.") and creds.security_token
    assert body.assumed_role_user.arn == role_arn(emu, "RamTablestore") + "/official-sdk"
    session = sts_client(emu, (creds.access_key_id, creds.access_key_secret), creds.security_token, algorithm)
    identity = session.get_caller_identity().body
    assert identity.identity_type == "AssumedRoleUser"
    assert identity.arn.endswith(":assumed-role/ramtablestore/official-sdk")


@pytest.mark.parametrize("algorithm", [None, "v2"], ids=["acs3", "rpc-v1"])
def test_sts20150401_sees_the_service_errors(emu: Emulator, algorithm: object) -> None:
    from alibabacloud_sts20150401 import models
    from alibabacloud_tea_openapi.exceptions import ClientException

    with pytest.raises(ClientException) as refused:
        sts_client(emu, ASSUMER, algorithm=algorithm).assume_role(
            models.AssumeRoleRequest(role_arn=role_arn(emu, "Missing"), role_session_name="s1"))
    assert refused.value.code == "EntityNotExist.Role"
    assert refused.value.status_code == 404
    with pytest.raises(ClientException) as bad:
        sts_client(emu, (ASSUMER[0], "wrong"), algorithm=algorithm).get_caller_identity()
    assert bad.value.code == "SignatureDoesNotMatch"


def test_credentials_ram_role_arn_provider(emu: Emulator) -> None:
    from alibabacloud_credentials.client import Client
    from alibabacloud_credentials.models import Config

    client = Client(Config(
        type="ram_role_arn", access_key_id=ASSUMER[0], access_key_secret=ASSUMER[1],
        role_arn=role_arn(emu, "RamTablestore"), role_session_name="credentials-lib",
        policy=POLICY_WITH_SPACES, sts_endpoint=emu.sts_endpoint,  # scheme kept: http
    ))
    creds = client.get_credential()
    assert creds.access_key_id.startswith("STS.") and creds.security_token
    assert creds.provider_name.startswith("ram_role_arn")
    principal = emu.iam.resolve(creds.access_key_id, creds.security_token)
    assert principal.session_name == "credentials-lib"
