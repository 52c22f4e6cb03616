"""Our OSS signer on the worked examples of reference/oss-facts.md §2 (computed with the
official SDKs at 2024-01-02T03:04:05Z), and its verify side on what it signs."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional, Tuple

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.oss.signer import (
    SignatureError,
    SigningRequest,
    encode_query,
    parse_query,
    presign_v1,
    presign_v4,
    sign_v1,
    sign_v4,
    verify_request,
)
from alicloud_storage.oss.signer import v4 as v4_module

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
AK, SK, TOKEN = "LTAIexampleKeyId", "exampleSecretKey0123456789", "STS.exampleToken"
CREDS = Credentials(AK, SK)
STS = Credentials(AK, SK, TOKEN)
REGION, BUCKET = "cn-hangzhou", "examplebucket"
EMPTY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg=="


def secrets(akid: str) -> Optional[str]:
    return SK if akid == AK else None


def put_e1() -> SigningRequest:
    return SigningRequest("PUT", BUCKET, "dir/hello world.txt", (),
                          {"Content-Type": "text/plain", "x-oss-meta-author": "alice"})


def list_v2_e2() -> SigningRequest:
    query = [("encoding-type", "url"), ("list-type", "2"), ("delimiter", "/"),
             ("max-keys", "10"), ("prefix", "dir/a b")]
    return SigningRequest("GET", BUCKET, None, query,
                          {"Content-MD5": EMPTY_MD5, "Content-Type": "application/octet-stream"})


def test_signing_key_of_the_day() -> None:
    key = v4_module.signing_key(SK, "20240102", REGION, "oss")
    assert key.hex() == "8b1197926e2cb35ae34fffd3802f9c2b50360d574dfbb7b0665b7e471a13a0e9"


def test_v4_put_object_e1() -> None:
    added = sign_v4(put_e1(), CREDS, REGION, NOW)
    assert added["x-oss-date"] == "20240102T030405Z"
    assert added["Date"] == "Tue, 02 Jan 2024 03:04:05 GMT"
    assert added["x-oss-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert added["Authorization"] == (
        "OSS4-HMAC-SHA256 Credential=LTAIexampleKeyId/20240102/cn-hangzhou/oss/aliyun_v4_request,"
        "Signature=5d50f3180b0e25e8709844331ef93c0ef38ae7226c523e2be1c99bea3024963a")
    assert "x-oss-security-token" not in added


def test_v4_list_objects_v2_with_sts_e2() -> None:
    request = list_v2_e2()
    added = sign_v4(request, STS, REGION, NOW)
    assert added["x-oss-security-token"] == TOKEN
    assert added["Authorization"].endswith(
        "Signature=909ae435a3f716e7dab0cc8562b805877ef24fa5a39db25ddb9a382fc6d7a49c")
    assert encode_query(request.query) == (
        "encoding-type=url&list-type=2&delimiter=%2F&max-keys=10&prefix=dir%2Fa%20b")


def test_v4_list_buckets_e3_and_path_style_e4() -> None:
    service = SigningRequest("GET", None, None, (),
                             {"Content-MD5": EMPTY_MD5, "Content-Type": "application/octet-stream"})
    assert sign_v4(service, CREDS, REGION, NOW)["Authorization"].endswith(
        "Signature=9d3e1e0dd5a205c50a957a653b8437b92a3b547197bff7ba74d9da5fd601f721")
    get = SigningRequest("GET", BUCKET, "a/b c+d%.txt")
    assert sign_v4(get, CREDS, REGION, NOW)["Authorization"].endswith(
        "Signature=74c25e9feb2a5fe76e6e1cca384fd6b44752632b8e9b59efa287e7d7c2da755d")


def test_v4_repository_vectors() -> None:
    """alibabacloud-oss-python-sdk-v2 tests/unit/signer/test_v4.py: odd query and headers."""
    headers = {"x-oss-head1": "value", "abc": "value", "ZAbc": "value", "XYZ": "value",
               "content-type": "text/plain", "x-oss-content-sha256": "UNSIGNED-PAYLOAD"}
    query = [("param1", "value1"), ("+param1", "value3"), ("|param1", "value4"),
             ("+param2", ""), ("|param2", ""), ("param2", "")]
    request = SigningRequest("PUT", "bucket", "1234+-/123/1.txt", query, headers)
    when = datetime.fromtimestamp(1702743657, timezone.utc)
    creds = Credentials("ak", "sk")
    assert sign_v4(request, creds, "cn-hangzhou", when)["Authorization"] == (
        "OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,"
        "Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe")
    when = datetime.fromtimestamp(1702747512, timezone.utc)
    auth = sign_v4(request, creds, "cn-hangzhou", when, additional_headers={"ZAbc", "abc"})
    assert ",AdditionalHeaders=abc;zabc,Signature=4a4183c1" in auth["Authorization"]
    assert auth["Authorization"].endswith("212f")


def test_v1_examples_e5_e6_e7() -> None:
    assert sign_v1(put_e1(), CREDS, NOW)["Authorization"] == (
        "OSS LTAIexampleKeyId:0dm63878gL9W/4vXxU5osXZTJoo=")
    added = sign_v1(list_v2_e2(), STS, NOW)
    assert added["security-token"] == TOKEN
    assert added["Authorization"] == "OSS LTAIexampleKeyId:GFDGocujJ85A4wbFAb6cp3ayqRY="
    upload = SigningRequest("PUT", BUCKET, "big.bin",
                            [("partNumber", "1"), ("uploadId", "0004B9894A22E5B1888A1E29F823****")])
    assert sign_v1(upload, CREDS, NOW)["Authorization"] == (
        "OSS LTAIexampleKeyId:CZAUaNxT4xttGBcC2ZG6YjyJ3Zw=")


def test_presign_v4_and_v1() -> None:
    get = SigningRequest("GET", BUCKET, "dir/hello world.txt")
    pairs = presign_v4(get, CREDS, REGION, NOW, 3600)
    assert encode_query(pairs, bare_empty=True) == (
        "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-date=20240102T030405Z&x-oss-expires=3600"
        "&x-oss-credential=LTAIexampleKeyId%2F20240102%2Fcn-hangzhou%2Foss%2Faliyun_v4_request"
        "&x-oss-signature=44d698ca738f4a6731be9a3947def0c45a6c4f5e00e451e3f0459f5e3c7194ea")
    with_token = dict(presign_v4(get, STS, REGION, NOW, 3600))
    assert with_token["x-oss-security-token"] == TOKEN
    assert with_token["x-oss-signature"] == (
        "eaa7c8592bc433da42b6a31468dee1bdb57298b8bb392c6dbd82da3339beeae2")
    expiration = NOW + timedelta(hours=1)
    assert encode_query(presign_v1(get, CREDS, expiration)) == (
        "OSSAccessKeyId=LTAIexampleKeyId&Expires=1704168245&Signature=qs5iyJwSquZKxTRhfV6NgaYexJk%3D")
    assert dict(presign_v1(get, STS, expiration))["Signature"] == "6HwFzDfW77PHK2rSUPfCuTOjIMQ="


# ------------------------------------------------------------------ verify side


def sent(request: SigningRequest, added: Dict[str, str]) -> Tuple[str, Dict[str, str]]:
    """The raw query and headers as the request goes on the wire."""
    return encode_query(request.query), {**request.headers, **added}


@pytest.mark.parametrize("creds", [CREDS, STS], ids=["ak", "sts"])
@pytest.mark.parametrize("version", ["v4", "v1"])
@pytest.mark.parametrize("make", [put_e1, list_v2_e2])
def test_verify_accepts_what_it_signs(creds: Credentials, version: str, make: object) -> None:
    request = make()  # type: ignore[operator]
    added = sign_v4(request, creds, REGION, NOW) if version == "v4" else sign_v1(request, creds, NOW)
    raw, headers = sent(request, added)
    later = NOW + timedelta(minutes=14)
    verified = verify_request(request.method, request.bucket, request.key, raw, headers, secrets, later,
                              region=REGION if version == "v4" else None)
    assert (verified.access_key_id, verified.signature_version, verified.presigned) == (AK, version, False)
    assert verified.security_token == creds.security_token
    assert "STS.exampleToken" not in repr(verified)


def test_verify_rejects_each_fault() -> None:
    request = put_e1()
    raw, headers = sent(request, sign_v4(request, CREDS, REGION, NOW))

    def check(reason: str, method: str = "PUT", key: str = "dir/hello world.txt",
              hdrs: Optional[Dict[str, str]] = None, now: datetime = NOW,
              lookup: object = secrets, region: Optional[str] = None) -> SignatureError:
        with pytest.raises(SignatureError) as info:
            verify_request(method, BUCKET, key, raw, hdrs or headers, lookup, now, region)  # type: ignore[arg-type]
        assert info.value.reason == reason
        return info.value

    error = check("signature_mismatch", key="dir/other.txt")
    assert (error.http_status, error.code, error.ec) == (403, "SignatureDoesNotMatch", "0002-00000040")
    assert error.details["OSSAccessKeyId"] == AK and "StringToSign" in error.details
    assert SK not in str(error) and headers["Authorization"][-64:] not in str(error.details)
    check("signature_mismatch", hdrs={**headers, "x-oss-meta-author": "mallory"})
    check("signature_mismatch", method="GET")
    check("time_skewed", now=NOW + timedelta(minutes=16))
    check("unknown_access_key", lookup=lambda akid: None)
    check("region_mismatch", region="cn-beijing")
    check("payload_not_unsigned", hdrs={**headers, "x-oss-content-sha256": "abc"})
    check("malformed_authorization", hdrs={**headers, "Authorization": "Bearer x"})
    v1_raw, v1_headers = sent(request, sign_v1(request, CREDS, NOW))
    del v1_headers["Date"]
    with pytest.raises(SignatureError, match="Missing Date"):
        verify_request("PUT", BUCKET, request.key, v1_raw, v1_headers, secrets, NOW)


def test_verify_presigned_urls_and_their_expiry() -> None:
    get = SigningRequest("GET", BUCKET, "dir/hello world.txt")
    v4_raw = encode_query(presign_v4(get, STS, REGION, NOW, 600), bare_empty=True)
    verified = verify_request("GET", BUCKET, get.key, v4_raw, {}, secrets, NOW + timedelta(minutes=9))
    assert (verified.signature_version, verified.presigned, verified.security_token) == ("v4", True, TOKEN)
    with pytest.raises(SignatureError) as info:
        verify_request("GET", BUCKET, get.key, v4_raw, {}, secrets, NOW + timedelta(minutes=11))
    assert (info.value.code, info.value.message) == ("AccessDenied", "Request has expired.")
    with pytest.raises(SignatureError, match="not valid yet"):
        verify_request("GET", BUCKET, get.key, v4_raw, {}, secrets, NOW - timedelta(minutes=16))
    with pytest.raises(SignatureError) as info:
        verify_request("PUT", BUCKET, get.key, v4_raw, {}, secrets, NOW)
    assert info.value.reason == "signature_mismatch"
    v1_raw = encode_query(presign_v1(get, STS, NOW + timedelta(minutes=10)))
    verified = verify_request("GET", BUCKET, get.key, v1_raw, {}, secrets, NOW)
    assert (verified.signature_version, verified.presigned, verified.security_token) == ("v1", True, TOKEN)
    with pytest.raises(SignatureError, match="expired"):
        verify_request("GET", BUCKET, get.key, v1_raw, {}, secrets, NOW + timedelta(minutes=11))


def test_verify_tolerates_oss2_layout_and_plus_spaces() -> None:
    request = list_v2_e2()
    added = sign_v4(request, CREDS, REGION, NOW, additional_headers=["Host"])
    headers = {**request.headers, **added, "Host": "examplebucket.oss-cn-hangzhou.aliyuncs.com"}
    added = sign_v4(SigningRequest(request.method, request.bucket, request.key, request.query, headers),
                    CREDS, REGION, NOW, additional_headers=["Host"])
    headers.update(added)
    credential, additional, signature = added["Authorization"].split(" ", 1)[1].split(",")
    assert additional == "AdditionalHeaders=host"
    headers["Authorization"] = f"OSS4-HMAC-SHA256 {credential}, {signature}, {additional}"
    raw = "encoding-type=url&list-type=2&delimiter=%2F&max-keys=10&prefix=dir%2Fa+b"
    verified = verify_request("GET", BUCKET, None, raw, headers, secrets, NOW)
    assert verified.additional_headers == ("host",)
    headers["Host"] = "elsewhere"
    with pytest.raises(SignatureError):
        verify_request("GET", BUCKET, None, raw, headers, secrets, NOW)


def test_anonymous_request_and_query_parsing() -> None:
    verified = verify_request("GET", BUCKET, "k", "", {}, secrets, NOW)
    assert verified.access_key_id is None and verified.signature_version == "anonymous"
    pairs: List[Tuple[str, str]] = parse_query("a=1&b=&c&d=x%2By+z")
    assert pairs == [("a", "1"), ("b", ""), ("c", ""), ("d", "x+y z")]
