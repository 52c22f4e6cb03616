"""No secret, token or signature in any log line, exception text or repr along the STS paths."""
from __future__ import annotations

import logging
import time
from typing import List
from urllib.parse import parse_qsl

import pytest

from alicloud_storage.credentials import (
    CredentialsError,
    DefaultCredentialsProvider,
    RamRoleArnCredentialsProvider,
    StaticCredentialsProvider,
)
from alicloud_storage.emulator import Emulator
from alicloud_storage.http import SyncTransport
from alicloud_storage.sts import StsClient, StsError
from alicloud_storage.sts.protocol import build_request

from sts_helpers import ASSUMER, role_arn


def test_logs_errors_and_reprs_are_clean(emu: Emulator, caplog: pytest.LogCaptureFixture,
                                         tmp_path: object) -> None:
    caplog.set_level(logging.DEBUG)
    texts: List[str] = []
    source = StaticCredentialsProvider(*ASSUMER)
    sts = StsClient(source, emu.sts_endpoint)
    result = sts.assume_role(role_arn(emu, "RamTablestore"), "scan", 900)
    creds = result.credentials
    request = build_request(sts.url, "GetCallerIdentity", {}, creds, time.time())
    signature = dict(parse_qsl(request.body.decode()))["Signature"]
    texts += [repr(x) for x in (source, sts, result, creds, request)]

    session_sts = StsClient(StaticCredentialsProvider(creds.access_key_id, creds.access_key_secret,
                                                      creds.security_token), emu.sts_endpoint)
    session_sts.get_caller_identity()
    for bad in (
        lambda: StsClient(StaticCredentialsProvider(ASSUMER[0], "wrong-" + ASSUMER[1]),
                          emu.sts_endpoint).get_caller_identity(),
        lambda: StsClient(StaticCredentialsProvider(creds.access_key_id, creds.access_key_secret,
                                                    creds.security_token + "forged"),
                          emu.sts_endpoint).get_caller_identity(),
        lambda: StsClient(StaticCredentialsProvider(creds.access_key_id, "wrong", creds.security_token),
                          emu.sts_endpoint).get_caller_identity(),
    ):
        with pytest.raises(StsError) as error:
            bad()
        texts += [str(error.value), repr(error.value)]

    wrong = StaticCredentialsProvider(creds.access_key_id, "wrong", creds.security_token).get_credentials()
    raw = SyncTransport().send(build_request(sts.url, "GetCallerIdentity", {}, wrong, time.time()))
    assert b"SignatureDoesNotMatch" in raw.body
    texts.append(raw.body.decode())  # the emulator does not echo the token in its StringToSign

    role = RamRoleArnCredentialsProvider(source, role_arn(emu, "Missing"), "scan", 900,
                                         sts_endpoint=emu.sts_endpoint)
    with pytest.raises(CredentialsError) as failed:
        role.get_credentials()
    texts += [str(failed.value), repr(role)]

    chain = DefaultCredentialsProvider({"OTS_AK_ENV": "x", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ASSUMER[1],
                                        "ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path) + "/none",
                                        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"})
    with pytest.raises(CredentialsError) as chain_failed:
        chain.get_credentials()
    texts += [str(chain_failed.value), repr(chain)]

    texts.append(caplog.text)
    assert "STS" in caplog.text  # the emulator did log its refusals
    secrets = [ASSUMER[1], creds.access_key_secret, creds.security_token, signature]
    for text in texts:
        for secret in secrets:
            assert secret not in text
