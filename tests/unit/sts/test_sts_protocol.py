"""Sans-IO STS core and the client's retry decisions, with answers the emulator cannot give
(5xx, throttling, malformed bodies) served by a MockTransport."""
from __future__ import annotations

import asyncio
import json
import random
from typing import List
from urllib.parse import parse_qsl

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.http import AsyncMockTransport, MockTransport, Request, Response
from alicloud_storage.sts import AsyncStsClient, StsClient, StsClientError, StsServiceError
from alicloud_storage.sts.protocol import build_request, endpoint_url
from alicloud_storage.sts.signature import percent_encode, rpc_signature, rpc_string_to_sign

CREDS = StaticCredentialsProvider("AKID", "secret", "token").get_credentials()
OK = {"RequestId": "r", "AssumedRoleUser": {"Arn": "acs:ram::1:role/r/s", "AssumedRoleId": "9:s"},
      "Credentials": {"AccessKeyId": "STS.x", "AccessKeySecret": "y", "SecurityToken": "z",
                      "Expiration": "2030-01-01T00:00:00Z"}}


def answer(status: int, body: object) -> Response:
    text = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status, headers={"content-type": "application/json"}, body=text)


def test_endpoint_url() -> None:
    assert endpoint_url(None, None) == "https://sts.aliyuncs.com/"
    assert endpoint_url(None, "cn-hangzhou") == "https://sts.cn-hangzhou.aliyuncs.com/"
    assert endpoint_url("127.0.0.1:8801", None) == "https://127.0.0.1:8801/"
    assert endpoint_url("http://127.0.0.1:8801/", None) == "http://127.0.0.1:8801/"


def test_request_is_a_signed_form_post_with_nothing_secret_in_the_url() -> None:
    request = build_request("https://sts.aliyuncs.com/", "AssumeRole", {"RoleArn": "a", "RoleSessionName": "s"},
                            CREDS, 1_700_000_000, nonce="n1")
    assert (request.method, request.url) == ("POST", "https://sts.aliyuncs.com/")
    params = dict(parse_qsl(request.body.decode()))
    assert params["Timestamp"] == "2023-11-14T22:13:20Z" and params["SecurityToken"] == "token"
    assert params["Signature"] == rpc_signature("secret", "POST", params)
    assert "token" not in repr(request) and params["Signature"] not in repr(request)


def test_retries_5xx_and_throttling_then_succeeds() -> None:
    answers = [answer(503, {"Code": "ServiceUnavailable", "Message": "busy"}),
               answer(400, {"Code": "Throttling.User", "Message": "slow down"}),
               answer(200, OK)]
    seen: List[Request] = []
    sleeps: List[float] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return answers.pop(0)

    now = [1_700_000_000.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += 60  # a fake clock that the fake sleep moves (a minute, to see it in Timestamp)

    sts = StsClient(StaticCredentialsProvider("AKID", "secret"), transport=MockTransport(handler),
                    sleep=sleep, rng=random.Random(0), clock=lambda: now[0])
    result = sts.assume_role("acs:ram::1:role/r", "s", 900)
    assert result.credentials.access_key_id == "STS.x" and result.assumed_role_id == "9:s"
    draws = random.Random(0)
    assert sleeps == [draws.random() * 0.2, draws.random() * 0.4]  # rng() * min(5, 0.2 * 2**n)
    params = [dict(parse_qsl(r.body.decode())) for r in seen]
    assert len({p["SignatureNonce"] for p in params}) == 3  # re-signed per attempt
    assert [p["Timestamp"] for p in params] == ["2023-11-14T22:13:20Z", "2023-11-14T22:14:20Z", "2023-11-14T22:15:20Z"]


@pytest.mark.parametrize(
    "response, error, text",
    [
        (answer(403, {"Code": "NoPermission", "Message": "no", "RequestId": "r1"}), StsServiceError, "NoPermission: no"),
        (answer(502, b"<html>bad gateway</html>"), StsClientError, "HTTP 502 without a JSON object"),
        (answer(400, {"Message": "?"}), StsClientError, "without an error code"),
        (answer(200, {"Credentials": {"AccessKeyId": "STS.x"}}), StsClientError, "without complete Credentials"),
        (answer(200, {**OK, "Credentials": {**OK["Credentials"], "Expiration": "2030-01-01T00:00:00.000Z"}}),
         StsClientError, "Expiration"),
    ],
)
def test_errors_are_not_retried_and_carry_the_service_fields(response: Response, error: type, text: str) -> None:
    calls: List[int] = []

    def handler(request: Request) -> Response:
        calls.append(1)
        return response

    sts = StsClient(StaticCredentialsProvider("AKID", "secret"), transport=MockTransport(handler),
                    sleep=lambda s: None)
    with pytest.raises(error, match=text) as raised:
        sts.assume_role("acs:ram::1:role/r", "s", 900)
    assert len(calls) == 1
    if isinstance(raised.value, StsServiceError):
        assert (raised.value.http_status, raised.value.request_id) == (403, "r1")


def test_async_client_retries_the_same_way() -> None:
    answers = [answer(500, {"Code": "InternalError", "Message": "x"}), answer(200, {"IdentityType": "RAMUser"})]

    async def handler(request: Request) -> Response:
        return answers.pop(0)

    async def no_sleep(seconds: float) -> None:
        return None

    sts = AsyncStsClient(StaticCredentialsProvider("AKID", "secret"), transport=AsyncMockTransport(handler),
                         sleep=no_sleep)
    assert asyncio.run(sts.get_caller_identity()).identity_type == "RAMUser"


def test_a_token_echoed_by_the_service_is_masked() -> None:
    """The real service echoes the StringToSign, token included, in SignatureDoesNotMatch."""
    token = "CAIS tok/en+with=specials"

    def handler(request: Request) -> Response:
        string_to_sign = rpc_string_to_sign("POST", dict(parse_qsl(request.body.decode())))
        return answer(400, {"Code": "SignatureDoesNotMatch", "RequestId": "r",
                            "Message": f"Specified signature is not matched. server string to sign is:{string_to_sign}"})

    sts = StsClient(StaticCredentialsProvider("AKID", "secret", token), transport=MockTransport(handler))
    with pytest.raises(StsServiceError) as refused:
        sts.get_caller_identity()
    text = str(refused.value)
    assert "SecurityToken%3D***%26" in text  # masked where the token was
    assert all(form not in text for form in (token, percent_encode(token), percent_encode(percent_encode(token))))


def test_transport_failures_are_retried_then_raised_as_client_errors() -> None:
    from alicloud_storage.http import ConnectError

    calls: List[int] = []

    def handler(request: Request) -> Response:
        calls.append(1)
        raise ConnectError("connection refused")

    sleeps: List[float] = []
    sts = StsClient(StaticCredentialsProvider("AKID", "secret"), transport=MockTransport(handler),
                    max_attempts=4, sleep=sleeps.append, rng=random.Random(7))
    with pytest.raises(StsClientError, match="GetCallerIdentity failed: ConnectError") as raised:
        sts.get_caller_identity()
    assert len(calls) == 4 and isinstance(raised.value.__cause__, ConnectError)
    assert len(sleeps) == 3 and all(0 <= s < cap for s, cap in zip(sleeps, (0.2, 0.4, 0.8)))


def test_sync_and_async_clients_expose_the_same_methods() -> None:
    import inspect

    def public(cls: type) -> dict:
        return {name: inspect.signature(member) for name, member in vars(cls).items()
                if callable(member) and not name.startswith("_")}

    sync, aio = public(StsClient), public(AsyncStsClient)
    assert sync == aio and {"assume_role", "get_caller_identity", "close"} <= set(sync)
    assert all(inspect.iscoroutinefunction(getattr(AsyncStsClient, name)) for name in aio)
