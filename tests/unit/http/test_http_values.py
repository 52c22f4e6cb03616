"""Pure tests: values, TLS settings, redaction, mock transports, light import."""
from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
from typing import Any, Optional

import pytest

from alicloud_storage.http import (
    SENSITIVE_HEADERS,
    AsyncMockTransport,
    MockTransport,
    ReadTimeoutError,
    Request,
    Response,
    Timeout,
    TLSConfig,
    redact_headers,
)
from alicloud_storage.http.models import response_headers

SECRET_HEADERS = {
    "Authorization": "OTS id:response-sig",
    "x-ots-signature": "sig-v2",
    "x-ots-signaturev4": "sig-v4",
    "X-OTS-STSTOKEN": "sts-token",
    "x-oss-security-token": "oss-token",
    "x-acs-security-token": "acs-token",
    "x-aliyun-ecs-metadata-token": "imds-token",
}


def test_redaction_masks_every_sensitive_header_in_any_case() -> None:
    headers = dict(SECRET_HEADERS, **{"x-ots-date": "2024-01-01T00:00:00.000Z"})
    redacted = redact_headers(headers)
    assert redacted["x-ots-date"] == "2024-01-01T00:00:00.000Z"
    assert {redacted[name] for name in SECRET_HEADERS} == {"***"}
    assert {name.lower() for name in SECRET_HEADERS} == SENSITIVE_HEADERS


def test_request_and_response_reprs_hide_secrets() -> None:
    request = Request("POST", "https://h/PutRow", SECRET_HEADERS, b"secret body")
    response = Response(200, "OK", {"authorization": "OTS id:response-sig"}, b"x")
    text = repr(request) + repr(response)
    assert "<11 bytes>" in text and "https://h/PutRow" in text
    for value in list(SECRET_HEADERS.values()) + ["secret body"]:
        assert value not in text


def test_response_headers_lowercase_and_join_repeats() -> None:
    pairs = [("Set-Cookie", "a=1"), ("X-Ots-RequestId", "r"), ("set-cookie", "b=2")]
    assert response_headers(pairs) == {"set-cookie": "a=1, b=2", "x-ots-requestid": "r"}


@pytest.mark.parametrize(
    "value, expected",
    [(None, Timeout(None, None)), (3, Timeout(3, 3)), (2.5, Timeout(2.5, 2.5)),
     ((1, 30), Timeout(1, 30)), (Timeout(1, None), Timeout(1, None))],
)
def test_timeout_of(value: Any, expected: Timeout) -> None:
    assert Timeout.of(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (ssl.PROTOCOL_TLSv1_2, ssl.TLSVersion.TLSv1_2),
        (ssl.PROTOCOL_TLS_CLIENT, None),
        (ssl.PROTOCOL_TLS, None),
        (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_3),
        (int(ssl.TLSVersion.TLSv1_2), ssl.TLSVersion.TLSv1_2),
        ("TLSv1_3", ssl.TLSVersion.TLSv1_3),
        ("TLSv1.2", ssl.TLSVersion.TLSv1_2),
    ],
)
def test_tls_version_values(value: Any, expected: Optional[ssl.TLSVersion]) -> None:
    context = TLSConfig(min_version=value).create_ssl_context()
    default = ssl.create_default_context().minimum_version
    assert context.minimum_version == (default if expected is None else expected)


@pytest.mark.parametrize("value", ["SSLv9", 12345])
def test_unknown_tls_version_is_rejected(value: Any) -> None:
    with pytest.raises(ValueError):
        TLSConfig(min_version=value).create_ssl_context()


def test_official_ssl_version_kwarg() -> None:
    pinned = TLSConfig.from_ssl_version(ssl.PROTOCOL_TLSv1_2).create_ssl_context()
    assert (pinned.minimum_version, pinned.maximum_version) == (ssl.TLSVersion.TLSv1_2,) * 2
    minimum = TLSConfig.from_ssl_version(ssl.TLSVersion.TLSv1_3).create_ssl_context()
    assert minimum.minimum_version == ssl.TLSVersion.TLSv1_3
    assert minimum.maximum_version == ssl.TLSVersion.MAXIMUM_SUPPORTED
    assert TLSConfig.from_ssl_version(None) == TLSConfig()


def test_context_verification_settings() -> None:
    strict = TLSConfig().create_ssl_context()
    assert (strict.verify_mode, strict.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert strict.cert_store_stats()["x509_ca"] > 0  # certifi's bundle is loaded
    loose = TLSConfig(verify=False).create_ssl_context()
    assert (loose.verify_mode, loose.check_hostname) == (ssl.CERT_NONE, False)


def test_mock_transports() -> None:
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request)
        if request.url.endswith("/slow"):
            raise ReadTimeoutError("read timeout")
        return Response(200, "OK", {"x-ots-requestid": "r"}, request.body)

    async def async_handler(request: Request) -> Response:
        return handler(request)

    with MockTransport(handler) as transport:
        assert transport.send(Request("POST", "http://h/a", body=b"1")).body == b"1"
        with pytest.raises(ReadTimeoutError):
            transport.send(Request("POST", "http://h/slow"))

    async def main() -> None:
        for fn in (handler, async_handler):
            async with AsyncMockTransport(fn) as transport:
                assert (await transport.send(Request("POST", "http://h/b", body=b"2"))).body == b"2"

    asyncio.run(main())
    assert [r.url for r in seen] == ["http://h/a", "http://h/slow", "http://h/b", "http://h/b"]


def test_import_does_not_load_urllib3_or_aiohttp() -> None:
    code = (
        "import sys, alicloud_storage.http as h; h.Request; h.Timeout.of(1);"
        "print(sorted(m for m in ('urllib3', 'aiohttp', 'certifi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
