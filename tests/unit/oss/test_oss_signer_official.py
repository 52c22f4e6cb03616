"""Golden signatures against the official SDKs at a pinned time: alibabacloud-oss-v2's
SignerV4/SignerV1 (whole Authorization header and whole presigned URL byte for byte) and
oss2's AuthV4/Auth/StsAuth (same signature; our verify side accepts what they sign)."""
from __future__ import annotations

import datetime as dt
import types
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote, urlencode

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.oss.signer import (
    SigningRequest,
    encode_query,
    presign_v1,
    presign_v4,
    sign_v1,
    sign_v4,
    verify_request,
)

pytestmark = pytest.mark.official

NOW = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
AK, SK, TOKEN = "LTAIexampleKeyId", "exampleSecretKey0123456789", "STS.example/Token+=="
REGION = "cn-hangzhou"
HOST = "oss-cn-hangzhou.aliyuncs.com"

# (method, bucket, key, query pairs, headers)
Case = Tuple[str, Optional[str], Optional[str], List[Tuple[str, str]], Dict[str, str]]
CASES: Dict[str, Case] = {
    "put-object": ("PUT", "examplebucket", "dir/hello world.txt", [],
                   {"Content-Type": "text/plain", "x-oss-meta-author": "alice", "Content-Length": "11"}),
    "get-odd-key": ("GET", "examplebucket", "a/b c+d%.txt?&=#中文", [],
                    {"Range": "bytes=0-9", "x-oss-range-behavior": "standard"}),
    "list-v2": ("GET", "bkt-1", None,
                [("encoding-type", "url"), ("list-type", "2"), ("delimiter", "/"),
                 ("max-keys", "10"), ("prefix", "dir/a b"), ("continuation-token", "t/o+k")],
                {"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg==", "Content-Type": "application/octet-stream"}),
    "list-buckets": ("GET", None, None, [("prefix", "my"), ("max-keys", "5")], {}),
    "bucket-info": ("GET", "examplebucket", None, [("bucketInfo", "")], {}),
    "upload-part": ("PUT", "examplebucket", "big.bin",
                    [("partNumber", "3"), ("uploadId", "0004B98***")], {"Content-MD5": "abc=="}),
    "complete": ("POST", "examplebucket", "big.bin", [("uploadId", "ID1"), ("encoding-type", "url")],
                 {"x-oss-forbid-overwrite": "true", "Content-Type": "application/xml"}),
    "get-response-overrides": ("GET", "examplebucket", "k.txt",
                               [("response-content-type", "text/html; charset=utf-8"),
                                ("response-cache-control", "no-cache"), ("versionId", "v 1")], {}),
    "copy": ("PUT", "examplebucket", "dst", [],
             {"x-oss-copy-source": "/src/a%20b", "x-oss-metadata-directive": "REPLACE",
              "x-oss-meta-A": "1", "X-Oss-Meta-b": "2"}),
}
ADDITIONAL = [None, {"Content-Length", "host"}]


def oss_v2_url(bucket: Optional[str], key: Optional[str], query: List[Tuple[str, str]]) -> str:
    """The URL alibabacloud-oss-v2 builds (virtual-hosted)."""
    host = f"{bucket}.{HOST}" if bucket else HOST
    url = f"https://{host}/" + (quote(key) if key is not None else "")
    if query:
        url += "?" + urlencode(query, quote_via=quote)
    return url


def oss_v2_sign(case: Case, token: Optional[str], additional: Any, v1: bool,
                expiration: Optional[dt.datetime] = None) -> Any:
    from alibabacloud_oss_v2.credentials import StaticCredentialsProvider
    from alibabacloud_oss_v2.signer import SignerV1, SignerV4
    from alibabacloud_oss_v2.types import HttpRequest, SigningContext

    method, bucket, key, query, headers = case
    request = HttpRequest(method, oss_v2_url(bucket, key, query), headers=dict(headers))
    if additional and "host" in additional:
        request.headers["Host"] = f"{bucket}.{HOST}"
    context = SigningContext(
        product="oss", region=REGION, bucket=bucket, key=key, request=request,
        credentials=StaticCredentialsProvider(AK, SK, token).get_credentials(),
        signing_time=NOW, additional_headers=additional)
    if expiration is not None:
        context.auth_method_query = True
        context.expiration_time = expiration
    (SignerV1() if v1 else SignerV4()).sign(context)
    return request


def ours(case: Case, with_host: bool = False) -> SigningRequest:
    method, bucket, key, query, headers = case
    headers = dict(headers)
    if with_host:
        headers["Host"] = f"{bucket}.{HOST}"
    return SigningRequest(method, bucket, key, query, headers)


def secrets(akid: str) -> Optional[str]:
    return SK if akid == AK else None


@pytest.mark.parametrize("additional", ADDITIONAL, ids=["plain", "additional"])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["ak", "sts"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_v4_header_equals_oss_v2(name: str, token: Optional[str], additional: Any) -> None:
    official = oss_v2_sign(CASES[name], token, additional, v1=False)
    request = ours(CASES[name], with_host=bool(additional))
    added = sign_v4(request, Credentials(AK, SK, token), REGION, NOW, additional_headers=additional)
    for header in ("Authorization", "x-oss-date", "Date", "x-oss-content-sha256"):
        assert added[header] == official.headers[header]
    assert added.get("x-oss-security-token") == official.headers.get("x-oss-security-token")
    raw = official.url.partition("?")[2]
    verified = verify_request(request.method, request.bucket, request.key, raw, dict(official.headers),
                              secrets, NOW, REGION)
    assert verified.security_token == token


@pytest.mark.parametrize("token", [None, TOKEN], ids=["ak", "sts"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_v1_header_equals_oss_v2(name: str, token: Optional[str]) -> None:
    official = oss_v2_sign(CASES[name], token, None, v1=True)
    added = sign_v1(ours(CASES[name]), Credentials(AK, SK, token), NOW)
    assert added["Authorization"] == official.headers["Authorization"]
    assert added["Date"] == official.headers["Date"]
    assert added.get("security-token") == official.headers.get("security-token")
    method, bucket, key, _, _ = CASES[name]
    verify_request(method, bucket, key, official.url.partition("?")[2], dict(official.headers), secrets, NOW)


@pytest.mark.parametrize("token", [None, TOKEN], ids=["ak", "sts"])
@pytest.mark.parametrize("name", ["put-object", "get-odd-key", "upload-part", "complete",
                                  "get-response-overrides", "bucket-info"])
@pytest.mark.parametrize("version", ["v4", "v1"])
def test_presigned_url_equals_oss_v2(version: str, name: str, token: Optional[str]) -> None:
    expiration = NOW + dt.timedelta(seconds=3600)
    official = oss_v2_sign(CASES[name], token, None, v1=version == "v1", expiration=expiration)
    request = ours(CASES[name])
    creds = Credentials(AK, SK, token)
    if version == "v4":
        pairs = presign_v4(request, creds, REGION, NOW, 3600)
    else:
        pairs = presign_v1(request, creds, expiration)
    url = oss_v2_url(request.bucket, request.key, []) + "?" + encode_query(pairs, bare_empty=True)
    assert url == official.url
    raw = url.partition("?")[2]
    verified = verify_request(request.method, request.bucket, request.key, raw, dict(request.headers),
                              secrets, NOW + dt.timedelta(minutes=59))
    assert verified.presigned and verified.security_token == token


# ------------------------------------------------------------------------ oss2


@pytest.fixture
def oss2_at_now(monkeypatch: pytest.MonkeyPatch) -> Any:
    import oss2
    import oss2.auth

    class FrozenDatetime(dt.datetime):
        @classmethod
        def utcnow(cls) -> dt.datetime:  # type: ignore[override]
            return NOW.replace(tzinfo=None)

    monkeypatch.setattr(oss2.auth, "datetime", FrozenDatetime)
    monkeypatch.setattr(oss2.auth, "time", types.SimpleNamespace(time=lambda: NOW.timestamp()))
    monkeypatch.setattr(oss2.utils, "http_date", lambda timeval=None: "Tue, 02 Jan 2024 03:04:05 GMT")
    return oss2


def oss2_request(oss2: Any, case: Case) -> Any:
    method, bucket, key, query, headers = case
    url = f"http://{bucket}.{HOST}/" + quote(key or "", safe="")
    return oss2.http.Request(method, url, params=dict(query), headers=dict(headers),
                             region=REGION, product="oss")


def oss2_sent(req: Any) -> Tuple[str, Dict[str, str]]:
    """What requests puts on the wire: params form-encoded (space as '+')."""
    headers = {k: v for k, v in req.headers.items() if v is not None}
    return urlencode(req.params), headers


OSS2_CASES = sorted(n for n in CASES if CASES[n][1] is not None)


@pytest.mark.parametrize("token", [None, TOKEN], ids=["ak", "sts"])
@pytest.mark.parametrize("name", OSS2_CASES)
def test_v4_signature_equals_oss2(oss2_at_now: Any, name: str, token: Optional[str]) -> None:
    oss2 = oss2_at_now
    auth = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(AK, SK, token))
    req = oss2_request(oss2, CASES[name])
    auth._sign_request(req, CASES[name][1], CASES[name][2] or "")
    added = sign_v4(ours(CASES[name]), Credentials(AK, SK, token), REGION, NOW)
    assert added["Authorization"].rpartition("Signature=")[2] == (
        req.headers["authorization"].rpartition("Signature=")[2])
    raw, headers = oss2_sent(req)
    method, bucket, key, _, _ = CASES[name]
    assert verify_request(method, bucket, key, raw, headers, secrets, NOW, REGION).signature_version == "v4"


@pytest.mark.parametrize("token", [None, TOKEN], ids=["ak", "sts"])
@pytest.mark.parametrize("name", OSS2_CASES)
def test_v1_oss2_header_verifies_and_equals_ours_without_token(
        oss2_at_now: Any, name: str, token: Optional[str]) -> None:
    oss2 = oss2_at_now
    auth = oss2.StsAuth(AK, SK, token) if token else oss2.Auth(AK, SK)
    req = oss2_request(oss2, CASES[name])
    auth._sign_request(req, CASES[name][1], CASES[name][2] or "")
    if token is None:  # oss2 signs an x-oss-security-token header; oss_v2 (and we) send it unsigned
        added = sign_v1(ours(CASES[name]), Credentials(AK, SK), NOW)
        assert added["Authorization"] == req.headers["authorization"]
    raw, headers = oss2_sent(req)
    method, bucket, key, _, _ = CASES[name]
    assert verify_request(method, bucket, key, raw, headers, secrets, NOW).security_token == token


@pytest.mark.parametrize("version", ["v4", "v1"])
@pytest.mark.parametrize("name", ["put-object", "get-odd-key", "upload-part", "get-response-overrides"])
def test_oss2_presigned_urls_verify_with_the_same_signature(
        oss2_at_now: Any, name: str, version: str) -> None:
    oss2 = oss2_at_now
    method, bucket, key, _, _ = CASES[name]
    provider = oss2.credentials.StaticCredentialsProvider(AK, SK, TOKEN)
    auth = oss2.ProviderAuthV4(provider) if version == "v4" else oss2.ProviderAuth(provider)
    req = oss2_request(oss2, CASES[name])
    url = auth._sign_url(req, bucket, key, 3600)
    raw = url.partition("?")[2]
    headers = {k: v for k, v in req.headers.items() if v is not None and k.lower() != "date"}
    verified = verify_request(method, bucket, key, raw, headers, secrets, NOW + dt.timedelta(minutes=30))
    assert verified.presigned and verified.signature_version == version
    if version == "v4":
        ours_pairs = dict(presign_v4(ours(CASES[name]), Credentials(AK, SK, TOKEN), REGION, NOW, 3600))
        assert dict(req.params)["x-oss-signature"] == ours_pairs["x-oss-signature"]
