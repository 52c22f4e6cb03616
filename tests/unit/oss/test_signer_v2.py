"""oss2's OSS2 signature: the verify side against the fact sheet's vector and oss2 itself."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from alicloud_storage.oss.signer import SignatureError, verify_request
from alicloud_storage.oss.signer import v2
from alicloud_storage.oss.signer.canonical import SigningRequest

AK, SK = "LTAIexampleKeyId", "exampleSecretKey0123456789"
DATE = "Tue, 02 Jan 2024 03:04:05 GMT"
NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
QUERY = ("list-type=2&prefix=dir%2Fa+b&delimiter=&continuation-token=&start-after="
         "&fetch-owner=false&max-keys=10&encoding-type=url")


def test_string_to_sign_and_signature_match_the_vector() -> None:
    from alicloud_storage.oss.signer.canonical import parse_query

    request = SigningRequest("GET", "examplebucket", None, parse_query(QUERY), {"date": DATE})
    to_sign = v2.string_to_sign(request, DATE, [])
    assert to_sign == (
        "GET\n\n\nTue, 02 Jan 2024 03:04:05 GMT\n\n%2Fexamplebucket%2F?continuation-token"
        "&delimiter&encoding-type=url&fetch-owner=false&list-type=2&max-keys=10"
        "&prefix=dir%2Fa%20b&start-after")
    assert v2.signature(SK, to_sign) == "hhhnGI/yVovlZz3Uk9CYS4XzwjoxaWYidWY20svM+m4="


def test_verify_accepts_the_header_and_rejects_a_wrong_secret() -> None:
    headers = {"Date": DATE, "Authorization":
               f"OSS2 AccessKeyId:{AK},Signature:hhhnGI/yVovlZz3Uk9CYS4XzwjoxaWYidWY20svM+m4="}
    verified = verify_request("GET", "examplebucket", None, QUERY, headers, lambda ak: SK, NOW)
    assert (verified.access_key_id, verified.signature_version) == (AK, "v2")
    with pytest.raises(SignatureError) as excinfo:
        verify_request("GET", "examplebucket", None, QUERY, headers, lambda ak: "wrong", NOW)
    assert excinfo.value.code == "SignatureDoesNotMatch"
    assert excinfo.value.details["StringToSign"].startswith("GET\n")
