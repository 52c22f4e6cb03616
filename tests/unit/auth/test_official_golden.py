"""Our signer against the official tablestore SDK 6.4.8: same headers, same
signatures, and each side accepts what the other signs."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.errors import OTSResponseCheckError

pytestmark = pytest.mark.official

NOW = datetime(2024, 3, 9, 23, 59, 30, tzinfo=timezone.utc)
BODY = b"\x0a\x05table\x10\x01 some protobuf bytes"
AKID, SECRET, TOKEN = "LTAI5tFakeKeyId", "fake/Secret+Value=", "sts-token-value"
REGION, INSTANCE, PATH = "cn-hangzhou", "my-inst", "/PutRow"
SECRETS = {AKID: SECRET}


class Official:
    """The official SDK's signer + protocol with its clock pinned to NOW."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import tablestore.utils
        from tablestore import auth as ots_auth
        from tablestore import credentials as ots_credentials
        from tablestore.protocol import OTSProtocol

        monkeypatch.setattr(tablestore.utils, "get_now_utc_datetime", lambda: NOW)
        self.auth = ots_auth
        self.credentials = ots_credentials
        self.protocol = OTSProtocol(INSTANCE, "utf-8", logging.getLogger("official-golden"))

    def signer(self, region: Optional[str], **kwargs: Any) -> Any:
        if region is None:
            return self.auth.SignV2("utf-8")
        return self.auth.SignV4("utf-8", region=region, **kwargs)

    def context(self, token: Optional[str]) -> Any:
        return self.auth.RequestContext(self.credentials.Credentials(AKID, SECRET, token))

    def headers(self, region: Optional[str], token: Optional[str], **kwargs: Any) -> Dict[str, str]:
        headers = self.protocol._make_request_headers(
            BODY, PATH, self.signer(region, **kwargs), self.context(token)
        )
        headers.pop("User-Agent")
        return headers


@pytest.fixture
def official(monkeypatch: pytest.MonkeyPatch) -> Official:
    return Official(monkeypatch)


@pytest.mark.parametrize("region", [None, REGION])
@pytest.mark.parametrize("token", [None, TOKEN])
def test_request_headers_equal_official(
    official: Official, region: Optional[str], token: Optional[str]
) -> None:
    ours = auth.RequestSigner(region=region).sign(
        PATH, BODY, Credentials(AKID, SECRET, token), INSTANCE, NOW
    )
    assert ours == official.headers(region, token)


def test_fixed_v4_sign_date_equals_official(official: Official) -> None:
    ours = auth.RequestSigner(region=REGION, sign_date="20240308").sign(
        PATH, BODY, Credentials(AKID, SECRET), INSTANCE, NOW
    )
    theirs = official.headers(REGION, None, sign_date="20240308")
    assert ours["x-ots-signdate"] == "20240308"
    assert ours == theirs


def test_v4_signing_key_equals_official(official: Official) -> None:
    theirs = official.auth.SignV4._get_v4_signing_key(SECRET, "20240309", REGION, "utf-8")
    assert auth.signing_key_v4(SECRET, "20240309", REGION) == theirs


def _response_headers(date: str = "2024-03-09T23:59:31.123456Z") -> Dict[str, str]:
    return {
        "x-ots-contentmd5": auth.content_md5(BODY),
        "x-ots-requestid": "0005aedd-5b9e-9b48-a5c1-720b12a7b4bb",
        "x-ots-date": date,
        "x-ots-contenttype": "protocol buffer",
    }


@pytest.mark.parametrize("region", [None, REGION])
def test_response_signature_equals_official_and_is_accepted(
    official: Official, region: Optional[str]
) -> None:
    signer, context = official.signer(region), official.context(None)
    official.protocol._make_request_headers(BODY, PATH, signer, context)  # sets the sign date
    headers = _response_headers()
    key = auth.signing_key(SECRET, context.get_sign_date(), region)
    theirs = signer.make_response_signature(PATH, headers, signer.get_signing_key(context))
    assert auth.response_signature(key, PATH, headers) == theirs
    headers["authorization"] = auth.sign_response(PATH, headers, AKID, key)
    official.protocol._check_headers(headers, BODY, status=200)
    official.protocol._check_authorization(PATH, headers, 200, signer, context)


@pytest.mark.parametrize("region", [None, REGION])
def test_official_rejects_tampered_response_like_ours(
    official: Official, region: Optional[str]
) -> None:
    from tablestore.error import OTSClientError

    signer, context = official.signer(region), official.context(None)
    request = official.protocol._make_request_headers(BODY, PATH, signer, context)
    headers = _response_headers()
    key = auth.signing_key(SECRET, context.get_sign_date(), region)
    headers["authorization"] = auth.sign_response(PATH, headers, AKID, key)
    headers["x-ots-requestid"] = "another-request"
    with pytest.raises(OTSClientError, match="Invalid signature in response."):
        official.protocol._check_authorization(PATH, headers, 200, signer, context)
    with pytest.raises(OTSResponseCheckError, match="Invalid signature in response."):
        auth.RequestSigner(region=region).check_response(
            PATH, 200, headers, BODY, Credentials(AKID, SECRET),
            request.get("x-ots-signdate"), NOW,
        )


@pytest.mark.parametrize("region", [None, REGION])
def test_verify_accepts_official_request(official: Official, region: Optional[str]) -> None:
    headers = official.headers(region, TOKEN)
    verified = auth.verify_request(PATH, headers, BODY, SECRETS.get, NOW, region=REGION)
    assert verified.access_key_id == AKID
    assert verified.instance_name == INSTANCE
    assert verified.security_token == TOKEN
    assert verified.signature_version == (2 if region is None else 4)
    assert verified.date == datetime(2024, 3, 9, 23, 59, 30)


def test_official_accepts_response_signed_with_verified_key(official: Official) -> None:
    signer, context = official.signer(REGION), official.context(None)
    request = official.protocol._make_request_headers(BODY, PATH, signer, context)
    verified = auth.verify_request(PATH, request, BODY, SECRETS.get, NOW)
    headers = _response_headers()
    headers["authorization"] = auth.sign_response(PATH, headers, AKID, verified.signing_key)
    official.protocol._check_authorization(PATH, headers, 200, signer, context)


TAMPERINGS = {
    "body": dict(body=BODY + b"x", reason="md5_mismatch"),
    "body and md5": dict(
        body=b"other", headers={"x-ots-contentmd5": auth.content_md5(b"other")},
        reason="signature_mismatch",
    ),
    "instance": dict(headers={"x-ots-instancename": "other-inst"}, reason="signature_mismatch"),
    "token": dict(headers={"x-ots-ststoken": "forged"}, reason="signature_mismatch"),
    "added x-ots header": dict(headers={"x-ots-sdk-traceid": "t"}, reason="signature_mismatch"),
    "date": dict(headers={"x-ots-date": "2024-03-09T23:59:31.000Z"}, reason="signature_mismatch"),
    "path": dict(path="/DeleteRow", reason="signature_mismatch"),
    "clock skew": dict(now=NOW + timedelta(minutes=15, seconds=1), reason="date_skew"),
    "wrong secret": dict(secrets={AKID: "another-secret"}, reason="signature_mismatch"),
    "unknown key": dict(secrets={}, reason="unknown_access_key"),
}


@pytest.mark.parametrize("region", [None, REGION])
@pytest.mark.parametrize("case", sorted(TAMPERINGS))
def test_verify_rejects_tampered_official_request(
    official: Official, region: Optional[str], case: str
) -> None:
    spec: Dict[str, Any] = TAMPERINGS[case]
    headers = dict(official.headers(region, TOKEN), **spec.get("headers", {}))
    with pytest.raises(auth.SignatureError) as caught:
        auth.verify_request(
            spec.get("path", PATH),
            headers,
            spec.get("body", BODY),
            spec.get("secrets", SECRETS).get,
            spec.get("now", NOW),
        )
    assert caught.value.reason == spec["reason"]
    assert SECRET not in repr(caught.value) and TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"x-ots-signregion": "cn-shanghai"}, "region_mismatch"),
        ({"x-ots-signdate": "20240307"}, "invalid_sign_date"),
        ({"x-ots-signdate": "20240310"}, "signature_mismatch"),
    ],
)
def test_verify_rejects_tampered_v4_scope(
    official: Official, change: Dict[str, str], reason: str
) -> None:
    headers = dict(official.headers(REGION, None), **change)
    with pytest.raises(auth.SignatureError) as caught:
        auth.verify_request(PATH, headers, BODY, SECRETS.get, NOW, region=REGION)
    assert caught.value.reason == reason


def test_v4_region_mismatch_without_enforcement_is_a_signature_mismatch(official: Official) -> None:
    headers = dict(official.headers(REGION, None), **{"x-ots-signregion": "cn-shanghai"})
    with pytest.raises(auth.SignatureError) as caught:
        auth.verify_request(PATH, headers, BODY, SECRETS.get, NOW)
    assert caught.value.reason == "signature_mismatch"
