"""Signing, response checks and verification with pinned time and known vectors."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Dict, Optional

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.errors import OTSResponseCheckError

NOW = datetime(2024, 1, 1, 0, 0, 0)
CREDS = Credentials("testid", "testsecret")
STS = Credentials("testid", "testsecret", "the-sts-token")
V4_KEY = b"huHYf6fOinMwBCVcP/TJoXykdjWqb4GXDWHcrokQllo="
SECRETS = {"testid": "testsecret"}


# Vectors from tablestore-facts.md §1.3 / §1.5 (computed with the official SDK).
def test_request_vectors_v2_and_v4() -> None:
    v2 = auth.RequestSigner().sign("/ListTable", b"", CREDS, "inst", NOW)
    assert v2 == {
        "x-ots-date": "2024-01-01T00:00:00.000Z",
        "x-ots-apiversion": "2015-12-31",
        "x-ots-accesskeyid": "testid",
        "x-ots-instancename": "inst",
        "x-ots-contentmd5": "1B2M2Y8AsgTpgAmY7PhCfg==",
        "x-ots-signature": "dGJLePWTz306MijbgIhL6KFNtq4=",
    }
    v4 = auth.RequestSigner(region="cn-hangzhou").sign("/ListTable", b"", CREDS, "inst", NOW)
    assert auth.signing_key_v4("testsecret", "20240101", "cn-hangzhou") == V4_KEY
    assert v4["x-ots-signdate"] == "20240101"
    assert v4["x-ots-signregion"] == "cn-hangzhou"
    assert v4["x-ots-signaturev4"] == "iksIx1HUje+1FNTp3CPgzrZl7vBH7Mo2TbyQR2J37vA="
    assert "x-ots-signature" not in v4


def response_headers(date: str = "2024-01-01T00:00:00.000000Z", body: bytes = b"") -> Dict[str, str]:
    return {
        "x-ots-contentmd5": auth.content_md5(body),
        "x-ots-contenttype": "protocol buffer",
        "x-ots-date": date,
        "x-ots-requestid": "r1",
    }


def test_response_vectors() -> None:
    headers = response_headers()
    assert auth.response_signature(b"testsecret", "/ListTable", headers) == "z5iqTXoJyPcmnuCE9RLdyFJpAHQ="
    assert auth.response_signature(V4_KEY, "/ListTable", headers) == "Gkom60ZqaJH9rmtalTrry9Vy/qA="
    assert auth.sign_response("/ListTable", headers, "testid", b"testsecret") == (
        "OTS testid:z5iqTXoJyPcmnuCE9RLdyFJpAHQ="
    )


def test_content_md5_and_date_format() -> None:
    assert auth.content_md5(b"") == "1B2M2Y8AsgTpgAmY7PhCfg=="
    aware = datetime(2024, 1, 1, 8, 0, 0, 999999, tzinfo=timezone(timedelta(hours=8)))
    assert auth.format_date(aware) == "2024-01-01T00:00:00.000Z"


def test_string_to_sign_sorts_query_and_lowercases_headers() -> None:
    s = auth.string_to_sign(
        "/Api?b=2&a=1", {"X-OTS-B": " v ", "x-ots-a": "1", "x-ots-signature": "s", "Host": "h"}
    )
    assert s == "/Api\nPOST\na=1&b=2\nx-ots-a:1\nx-ots-b:v\n"


def test_sts_token_and_extra_headers_are_signed() -> None:
    signer = auth.RequestSigner()
    headers = signer.sign("/GetRow", b"x", STS, "inst", NOW, extra_headers={"x-ots-sdk-traceid": "t1"})
    assert headers["x-ots-ststoken"] == "the-sts-token"
    assert "x-ots-ststoken:the-sts-token" in auth.string_to_sign("/GetRow", headers)
    assert "x-ots-sdk-traceid:t1" in auth.string_to_sign("/GetRow", headers)
    assert auth.verify_request("/GetRow", headers, b"x", SECRETS.get, NOW).security_token == "the-sts-token"


@pytest.mark.parametrize(
    "sign_date, auto_update, expected",
    [(None, False, "20240102"), ("20240101", False, "20240101"), ("20240101", True, "20240102")],
)
def test_v4_sign_date_follows_official_rules(
    sign_date: Optional[str], auto_update: bool, expected: str
) -> None:
    signer = auth.RequestSigner(region="r", sign_date=sign_date, auto_update=auto_update)
    headers = signer.sign("/GetRow", b"", CREDS, "inst", datetime(2024, 1, 2, 5))
    assert headers["x-ots-signdate"] == expected


@pytest.mark.parametrize("kwargs", [{"region": ""}, {"sign_date": "2024-01-01"}, {"sign_date": "20241301"}])
def test_signer_rejects_bad_configuration(kwargs: Dict[str, str]) -> None:
    with pytest.raises(ValueError):
        auth.RequestSigner(**kwargs)


def test_signer_repr_and_version() -> None:
    assert auth.RequestSigner().version == 2
    assert auth.RequestSigner(region="cn-hangzhou").version == 4
    assert "cn-hangzhou" in repr(auth.RequestSigner(region="cn-hangzhou"))


# ---------------------------------------------------------------- response checks


def signed_response(key: bytes = b"testsecret", path: str = "/ListTable", **kw: str) -> Dict[str, str]:
    headers = response_headers(**kw)
    headers["authorization"] = auth.sign_response(path, headers, "testid", key)
    return headers


def check(
    headers: Dict[str, str], status: int = 200, body: bytes = b"", region: Optional[str] = None,
    sign_date: Optional[str] = None, now: datetime = NOW, error_code: Optional[str] = None,
) -> None:
    auth.RequestSigner(region=region).check_response(
        "/ListTable", status, headers, body, CREDS, sign_date, now, error_code
    )


def test_check_response_accepts_v2_and_v4_and_any_header_case() -> None:
    check(signed_response())
    check(signed_response(key=V4_KEY), region="cn-hangzhou", sign_date="20240101")
    check({k.upper(): v for k, v in signed_response().items()})


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda h: h.pop("x-ots-requestid"), '"x-ots-requestid" is missing in response header.'),
        (lambda h: h.pop("x-ots-contenttype"), '"x-ots-contenttype" is missing in response header.'),
        (lambda h: h.update({"x-ots-contentmd5": "AAAA"}), "MD5 mismatch in response."),
        (lambda h: h.update({"x-ots-date": "2024-01-01T00:00:00Z"}), "Invalid date format in response."),
        (lambda h: h.pop("authorization"), '"Authorization" is missing in response header.'),
        (lambda h: h.update({"authorization": "Bearer x"}), "Invalid Authorization in response."),
        (lambda h: h.update({"authorization": "OTS a:b:c"}), "Invalid Authorization in response."),
        (lambda h: h.update({"authorization": "OTS other:sig"}), "Invalid access key id in response."),
        (lambda h: h.update({"x-ots-requestid": "r2"}), "Invalid signature in response."),
    ],
)
def test_check_response_failures_have_official_messages(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    headers = signed_response()
    mutate(headers)
    with pytest.raises(OTSResponseCheckError) as caught:
        check(headers)
    assert caught.value.message == f"{message} HTTP status: 200."
    assert caught.value.http_status == 200


def test_check_response_v4_needs_matching_key() -> None:
    with pytest.raises(OTSResponseCheckError, match="Invalid signature"):
        check(signed_response(key=b"testsecret"), region="cn-hangzhou", sign_date="20240101")
    with pytest.raises(ValueError):
        check(signed_response(key=V4_KEY), region="cn-hangzhou")


def test_check_response_date_skew_boundary() -> None:
    headers = signed_response(date="2024-01-01T00:15:00.9Z")
    check(headers)  # exactly 15 minutes (fractions ignored, as the official SDK does)
    with pytest.raises(OTSResponseCheckError, match="more than 15 minutes"):
        check(headers, now=NOW - timedelta(seconds=1))
    check(headers, now=datetime(2024, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))))


@pytest.mark.parametrize(
    "date", ["2024-01-01T00:10:00.0Z", "2024-01-01T00:10:00.000Z", "2024-01-01T00:10:00.123456Z"]
)
def test_check_response_accepts_one_to_six_fraction_digits(date: str) -> None:
    check(signed_response(date=date))  # 10 minutes ahead of NOW
    with pytest.raises(OTSResponseCheckError, match="more than 15 minutes"):
        check(signed_response(date=date), now=NOW - timedelta(minutes=5, seconds=1))


@pytest.mark.parametrize(
    "date",
    [
        "2024-01-01T00:00:00Z",  # no fraction
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567Z",  # 7 digits: strptime's %f refuses them too
        "2024-01-01T00:00:00.000",
        "2024-01-01 00:00:00.000Z",
        "2024-01-01T00:00:00.000Z\n",
        " 2024-01-01T00:00:00.000Z",
        "2024-1-01T00:00:00.000Z",
        "2024-01-01T00:00:0x.000Z",
        "2024-01-01T00:00:+1.000Z",
        "2024-01-01T00:00:0\u0661.000Z",  # a non-ASCII digit
        "2024-13-01T00:00:00.000Z",
        "2023-02-29T00:00:00.000Z",
        "2024-01-01T24:00:00.000Z",
        "2024-01-01T00:60:00.000Z",
        "Mon, 01 Jan 2024 00:00:00 GMT",
        "",
    ],
)
def test_check_response_rejects_other_date_forms(date: str) -> None:
    with pytest.raises(OTSResponseCheckError) as caught:
        check(signed_response(date=date))
    assert caught.value.message == "Invalid date format in response. HTTP status: 200."


def test_check_response_non_2xx_rules() -> None:
    bare = response_headers()
    del bare["x-ots-requestid"]
    check(bare, status=500)  # headers are only required on 2xx, authorization optional
    forged = dict(response_headers(), authorization="OTS testid:forged")
    with pytest.raises(OTSResponseCheckError, match="HTTP status: 500."):
        check(forged, status=500)
    # 403: authorization is checked only once the error code is known and not OTSAuthFailed.
    check(forged, status=403)
    check(forged, status=403, error_code="OTSAuthFailed")
    with pytest.raises(OTSResponseCheckError, match="Invalid signature"):
        check(forged, status=403, error_code="OTSNoPermissionAccess")
    with pytest.raises(OTSResponseCheckError, match="MD5 mismatch"):
        check(dict(forged, **{"x-ots-contentmd5": "AAAA"}), status=403)


# ---------------------------------------------------------------- verification


def signed_request(region: Optional[str] = None, now: datetime = NOW, body: bytes = b"") -> Dict[str, str]:
    return auth.RequestSigner(region=region).sign("/ListTable", body, CREDS, "inst", now)


def verify(headers: Dict[str, str], now: datetime = NOW, region: Optional[str] = None,
           body: bytes = b"") -> auth.VerifiedRequest:
    return auth.verify_request("/ListTable", headers, body, SECRETS.get, now, region=region)


@pytest.mark.parametrize(
    "region, missing",
    [(None, name) for name in auth.REQUIRED_REQUEST_HEADERS + ("x-ots-signature",)]
    + [("r", name) for name in ("x-ots-signdate", "x-ots-signregion")],
)
def test_verify_missing_header(region: Optional[str], missing: str) -> None:
    headers = signed_request(region)
    del headers[missing]
    with pytest.raises(auth.SignatureError) as caught:
        verify(headers)
    assert (caught.value.http_status, caught.value.code) == (400, "OTSParameterInvalid")
    assert caught.value.message == f"Missing header: '{missing}'."


@pytest.mark.parametrize(
    "change, reason, message",
    [
        ({"x-ots-apiversion": "2014-08-08"}, "unsupported_api_version",
         "Unsupported API version: '2014-08-08'."),
        ({"x-ots-date": "Mon, 01 Jan 2024"}, "invalid_date", "Invalid date format: Mon, 01 Jan 2024."),
        ({"x-ots-date": "2024-13-01T00:00:00.000Z"}, "invalid_date",
         "Invalid date format: 2024-13-01T00:00:00.000Z."),
        ({"x-ots-date": "2024-01-01T00:15:01.000Z"}, "date_skew",
         "Mismatch between system time and x-ots-date: 2024-01-01T00:15:01.000Z."),
        ({"x-ots-contentmd5": "AAAA"}, "md5_mismatch",
         "Mismatch between MD5 value of request body and x-ots-contentmd5 in header."),
        ({"x-ots-accesskeyid": "nobody"}, "unknown_access_key", "The AccessKeyID does not exist."),
        ({"x-ots-signature": "AAAA"}, "signature_mismatch", "Signature mismatch."),
    ],
)
def test_verify_failures(change: Dict[str, str], reason: str, message: str) -> None:
    with pytest.raises(auth.SignatureError) as caught:
        verify(dict(signed_request(), **change))
    spec = auth.AUTH_ERRORS[reason]
    assert caught.value.reason == reason
    assert (caught.value.http_status, caught.value.code, caught.value.message) == (
        spec.http_status, spec.code, message
    )
    assert str(caught.value) == f"{spec.code}: {message}"


@pytest.mark.parametrize("date", ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.1Z",
                                  "2024-01-01T00:00:00.11233Z", "2024-01-01T00:00:00.123456789Z"])
def test_verify_accepts_any_fraction_digits(date: str) -> None:
    headers = signed_request()
    headers["x-ots-date"] = date
    headers["x-ots-signature"] = auth.signature_v2("testsecret", "/ListTable", headers)
    assert verify(headers).date == NOW


def test_verify_skew_boundary_and_header_case() -> None:
    headers = {k.title(): v for k, v in signed_request(now=NOW - timedelta(minutes=15)).items()}
    assert verify(headers).signature_version == 2
    assert verify(signed_request(now=NOW + timedelta(minutes=15))).access_key_id == "testid"


@pytest.mark.parametrize("sign_date", ["2024011", "20240230", "20231230", "20240103"])
def test_verify_rejects_bad_v4_sign_date(sign_date: str) -> None:
    headers = signed_request(region="r")
    headers["x-ots-signdate"] = sign_date
    with pytest.raises(auth.SignatureError) as caught:
        verify(headers)
    assert caught.value.reason == "invalid_sign_date"


def test_verify_v4_neighbour_day_and_region() -> None:
    late = auth.RequestSigner(region="r", sign_date="20231231").sign("/ListTable", b"", CREDS, "inst", NOW)
    verified = verify(late, region="r")
    assert (verified.signature_version, verified.sign_date, verified.region) == (4, "20231231", "r")
    assert verified.signing_key == auth.signing_key_v4("testsecret", "20231231", "r")
    with pytest.raises(auth.SignatureError) as caught:
        verify(late, region="other")
    assert caught.value.message == "Mismatch between x-ots-signregion and service region: r."


def test_round_trip_response_signed_with_verified_key() -> None:
    for region in (None, "r"):
        request = signed_request(region, body=b"payload")
        verified = verify(request, body=b"payload")
        headers = response_headers(date="2024-01-01T00:00:01.000Z", body=b"body")
        headers["authorization"] = auth.sign_response("/ListTable", headers, "testid", verified.signing_key)
        auth.RequestSigner(region=region).check_response(
            "/ListTable", 200, headers, b"body", CREDS, request.get("x-ots-signdate"), NOW
        )


def test_no_secret_token_or_signature_in_reprs_and_errors() -> None:
    request = auth.RequestSigner(region="r").sign("/ListTable", b"", STS, "inst", NOW)
    verified = verify(request)
    texts = [repr(verified), str(verified)]
    for change in ({"x-ots-signaturev4": "AAAA"}, {"x-ots-date": "bad"}, {"x-ots-contentmd5": "x"}):
        with pytest.raises(auth.SignatureError) as caught:
            verify(dict(request, **change))
        texts += [repr(caught.value), str(caught.value)]
    with pytest.raises(OTSResponseCheckError) as bad_response:
        check(dict(response_headers(), authorization="OTS testid:AAAA"))
    texts += [repr(bad_response.value), str(bad_response.value)]
    secrets = ["testsecret", "the-sts-token", request["x-ots-signaturev4"], verified.signing_key.decode()]
    for text in texts:
        assert not any(secret in text for secret in secrets), text
