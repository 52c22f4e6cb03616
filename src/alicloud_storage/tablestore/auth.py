"""Tablestore request/response signatures: signing (client) and verifying (emulator).

One truth for the wire: the client signs requests and checks responses with
:class:`RequestSigner`; the emulator checks requests with :func:`verify_request`
and signs its answers with :func:`sign_response`. Both ends share the
string-to-sign and key derivation below.

- V2: ``x-ots-signature = base64(HMAC-SHA1(secret, s))``.
- V4: ``key = base64(HMAC-SHA256 chain("aliyun_v4"+secret; date, region, "ots",
  "aliyun_v4_request"))`` (the base64 *text* is the key);
  ``x-ots-signaturev4 = base64(HMAC-SHA256(key, s + "ots"))``.
- ``s = path + "\\nPOST\\n" + sorted query + "\\n" + sorted "k:v" x-ots-* headers + "\\n"``.
- Response: ``authorization: OTS <akid>:base64(HMAC-SHA1(key, headers + "\\n" + path))``
  where key is the request's signing key (the secret for V2, the V4 key for V4).

Time is always passed in (``now``); nothing here reads the clock. Secrets,
signatures and tokens never appear in exception messages or reprs.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Callable, Dict, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, urlencode

from alicloud_storage._signatures import signatures_equal
from alicloud_storage.credentials import Credentials
from alicloud_storage.tablestore.errors import OTSResponseCheckError

__all__ = [
    "API_VERSION",
    "MAX_CLOCK_SKEW",
    "HEADER_PREFIX",
    "SIGNATURE_V2",
    "SIGNATURE_V4",
    "SIGN_DATE",
    "SIGN_REGION",
    "REQUIRED_REQUEST_HEADERS",
    "REQUIRED_RESPONSE_HEADERS",
    "AUTH_ERRORS",
    "AuthErrorSpec",
    "SignatureError",
    "VerifiedRequest",
    "RequestSigner",
    "content_md5",
    "format_date",
    "string_to_sign",
    "signature_v2",
    "signing_key_v4",
    "signature_v4",
    "signing_key",
    "response_signature",
    "sign_response",
    "check_response_headers",
    "check_response_authorization",
    "verify_request",
]

API_VERSION = "2015-12-31"
MAX_CLOCK_SKEW = timedelta(minutes=15)
HEADER_PREFIX = "x-ots-"
SIGNATURE_V2 = "x-ots-signature"
SIGNATURE_V4 = "x-ots-signaturev4"
SIGN_DATE = "x-ots-signdate"
SIGN_REGION = "x-ots-signregion"
REQUIRED_REQUEST_HEADERS = (
    "x-ots-date",
    "x-ots-apiversion",
    "x-ots-accesskeyid",
    "x-ots-instancename",
    "x-ots-contentmd5",
)
REQUIRED_RESPONSE_HEADERS = (
    "x-ots-contentmd5",
    "x-ots-requestid",
    "x-ots-date",
    "x-ots-contenttype",
)
_V4_PREFIX = "aliyun_v4"
_V4_PRODUCT = "ots"
_V4_TERMINATOR = "aliyun_v4_request"
_V4_SALT = "ots"
_SIGN_DATE_FORMAT = "%Y%m%d"
# Requests: any number of fraction digits (the Go SDK's layout prints odd ones).
_REQUEST_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?Z")
_SIGN_DATE_RE = re.compile(r"[0-9]{8}")
# Responses: what the official client's strptime("%Y-%m-%dT%H:%M:%S.%fZ") takes from a
# server (1 to 6 fraction digits), matched without _strptime's ~25 µs per call.
_RESPONSE_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{1,6}Z")


@dataclass(frozen=True)
class AuthErrorSpec:
    """One row of the verifier's error table: HTTP status, error code, message template."""

    http_status: int
    code: str
    template: str


# Why a request fails verification -> what the service answers (tablestore-facts §1.4).
# Rows marked [I] are inferred: the real service's text is not public.
AUTH_ERRORS: Mapping[str, AuthErrorSpec] = {
    "missing_header": AuthErrorSpec(400, "OTSParameterInvalid", "Missing header: '{header}'."),
    "unsupported_api_version": AuthErrorSpec(  # [I]
        400, "OTSParameterInvalid", "Unsupported API version: '{version}'."
    ),
    "invalid_date": AuthErrorSpec(400, "OTSParameterInvalid", "Invalid date format: {date}."),
    "date_skew": AuthErrorSpec(
        403, "OTSAuthFailed", "Mismatch between system time and x-ots-date: {date}."
    ),
    "md5_mismatch": AuthErrorSpec(
        403,
        "OTSAuthFailed",
        "Mismatch between MD5 value of request body and x-ots-contentmd5 in header.",
    ),
    "unknown_access_key": AuthErrorSpec(403, "OTSAuthFailed", "The AccessKeyID does not exist."),
    "invalid_sign_date": AuthErrorSpec(  # [I]
        403, "OTSAuthFailed", "Invalid x-ots-signdate: {sign_date}."
    ),
    "region_mismatch": AuthErrorSpec(  # [I]
        403, "OTSAuthFailed", "Mismatch between x-ots-signregion and service region: {region}."
    ),
    "signature_mismatch": AuthErrorSpec(403, "OTSAuthFailed", "Signature mismatch."),
}


class SignatureError(Exception):
    """A request failed verification; ``reason`` is the key of its AUTH_ERRORS row."""

    def __init__(self, reason: str, **fields: str) -> None:
        spec = AUTH_ERRORS[reason]
        self.reason = reason
        self.http_status = spec.http_status
        self.code = spec.code
        self.message = spec.template.format(**fields)
        super().__init__(self.code, self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class VerifiedRequest:
    """Who signed a verified request, and the key to sign the response with."""

    access_key_id: str
    instance_name: str
    date: datetime
    signature_version: int
    signing_key: bytes = field(repr=False)
    sign_date: Optional[str] = None
    region: Optional[str] = None
    security_token: Optional[str] = field(default=None, repr=False)


# ---------------------------------------------------------------- primitives


def content_md5(body: bytes) -> str:
    """base64(MD5(body)), the x-ots-contentmd5 value."""
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")


def format_date(now: datetime) -> str:
    """The x-ots-date value for ``now`` (aware, or naive meaning UTC)."""
    t = _as_utc(now)  # an f-string: strftime is the slowest step of signing
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}.000Z"


def _as_utc(moment: datetime) -> datetime:
    """Naive UTC datetime from an aware or naive-UTC one."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _lower(headers: Mapping[str, str]) -> Dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _canonical_headers(headers: Mapping[str, str], exclude: Tuple[str, ...] = ()) -> str:
    """Sorted ``name:value`` lines of the x-ots-* headers (names lowercased, values stripped)."""
    items = []
    for name, value in headers.items():
        name = name.lower()
        if name.startswith(HEADER_PREFIX) and name not in exclude:
            items.append(f"{name}:{value.strip()}")
    items.sort()
    return "\n".join(items)


def string_to_sign(path: str, headers: Mapping[str, str]) -> str:
    """The request string to sign (V2; V4 appends the salt). Signature headers are left out."""
    uri, _, query = path.partition("?")
    sorted_query = urlencode(sorted(parse_qsl(query))) if query else ""
    canonical = _canonical_headers(headers, exclude=(SIGNATURE_V2, SIGNATURE_V4))
    return f"{uri}\nPOST\n{sorted_query}\n{canonical}\n"


def _hmac_b64(key: bytes, text: str, digest: Callable[..., Any]) -> str:
    # hmac.digest: one OpenSSL call for hashlib's constructors (no HMAC object)
    return base64.b64encode(hmac.digest(key, text.encode("utf-8"), digest)).decode("ascii")


def signature_v2(secret: str, path: str, headers: Mapping[str, str]) -> str:
    """The x-ots-signature value."""
    return _hmac_b64(secret.encode("utf-8"), string_to_sign(path, headers), hashlib.sha1)


@lru_cache(maxsize=128)
def signing_key_v4(secret: str, sign_date: str, region: str) -> bytes:
    """The V4 signing key: base64 text of the derived HMAC-SHA256 key, used as key bytes."""
    key = (_V4_PREFIX + secret).encode("utf-8")
    for part in (sign_date, region, _V4_PRODUCT, _V4_TERMINATOR):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(key)


def signature_v4(key: bytes, path: str, headers: Mapping[str, str]) -> str:
    """The x-ots-signaturev4 value (headers must include signdate and signregion)."""
    return _hmac_b64(key, string_to_sign(path, headers) + _V4_SALT, hashlib.sha256)


def signing_key(secret: str, sign_date: Optional[str] = None, region: Optional[str] = None) -> bytes:
    """Key of a request (and its response): the secret for V2, the V4 key when region is set."""
    if region is None:
        return secret.encode("utf-8")
    if sign_date is None:
        raise ValueError("a V4 signing key needs a sign date")
    return signing_key_v4(secret, sign_date, region)


def response_signature(key: bytes, path: str, headers: Mapping[str, str]) -> str:
    """HMAC-SHA1 over the response's x-ots-* headers and the path (same key as the request)."""
    uri = path.partition("?")[0]
    return _hmac_b64(key, _canonical_headers(headers) + "\n" + uri, hashlib.sha1)


def sign_response(path: str, headers: Mapping[str, str], access_key_id: str, key: bytes) -> str:
    """The ``authorization`` header value of a response: ``OTS <akid>:<signature>``."""
    return f"OTS {access_key_id}:{response_signature(key, path, headers)}"


# ---------------------------------------------------------------- client side


class RequestSigner:
    """Builds the signed headers of a request and checks its response (sans-IO).

    ``region`` set means V4. As in the official SDK, the V4 sign date is the UTC
    date of each request when ``sign_date`` is None or ``auto_update`` is true,
    else the fixed ``sign_date`` (``YYYYMMDD``).
    """

    def __init__(
        self, region: Optional[str] = None, sign_date: Optional[str] = None, auto_update: bool = False
    ) -> None:
        if region is not None and (not isinstance(region, str) or not region):
            raise ValueError("region must be a non-empty string or None")
        if sign_date is not None and _parse_sign_date(sign_date) is None:
            raise ValueError("sign_date must be YYYYMMDD")
        self.region = region
        self.sign_date = sign_date
        self.auto_update = auto_update or sign_date is None

    @property
    def version(self) -> int:
        return 2 if self.region is None else 4

    def __repr__(self) -> str:
        return (
            f"RequestSigner(region={self.region!r}, sign_date={self.sign_date!r}, "
            f"auto_update={self.auto_update!r})"
        )

    def current_sign_date(self, now: datetime) -> str:
        """The V4 sign date a request made at ``now`` carries."""
        if self.auto_update or self.sign_date is None:
            t = _as_utc(now)
            return f"{t.year:04d}{t.month:02d}{t.day:02d}"
        return self.sign_date

    def sign(
        self,
        path: str,
        body: bytes,
        credentials: Credentials,
        instance_name: str,
        now: datetime,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Dict[str, str]:
        """All x-ots-* request headers, signature included (``extra_headers`` are signed too)."""
        headers = {
            "x-ots-date": format_date(now),
            "x-ots-apiversion": API_VERSION,
            "x-ots-accesskeyid": credentials.access_key_id,
            "x-ots-instancename": instance_name,
            "x-ots-contentmd5": content_md5(body),
        }
        if credentials.security_token is not None:
            headers["x-ots-ststoken"] = credentials.security_token
        if extra_headers:
            headers.update(extra_headers)
        if self.region is None:
            headers[SIGNATURE_V2] = signature_v2(credentials.access_key_secret, path, headers)
            return headers
        sign_date = self.current_sign_date(now)
        headers[SIGN_DATE] = sign_date
        headers[SIGN_REGION] = self.region
        key = signing_key_v4(credentials.access_key_secret, sign_date, self.region)
        headers[SIGNATURE_V4] = signature_v4(key, path, headers)
        return headers

    def check_response(
        self,
        path: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        credentials: Credentials,
        sign_date: Optional[str],
        now: datetime,
        error_code: Optional[str] = None,
    ) -> None:
        """Raise OTSResponseCheckError if the response fails the official client's checks.

        Headers, MD5 and date are always checked. The authorization is checked
        unless the status is 403, where (as the official SDK does) it is checked
        only once the error body is parsed and its ``error_code`` is not
        ``OTSAuthFailed``. ``sign_date`` is the request's x-ots-signdate (V4).
        """
        check_response_headers(status, headers, body, now)
        if status != 403 or (error_code is not None and error_code != "OTSAuthFailed"):
            key = signing_key(credentials.access_key_secret, sign_date, self.region)
            check_response_authorization(path, status, headers, credentials.access_key_id, key)


def _check_failed(message: str, status: int) -> OTSResponseCheckError:
    return OTSResponseCheckError(f"{message} HTTP status: {status}.", http_status=status)


def check_response_headers(
    status: int, headers: Mapping[str, str], body: bytes, now: datetime
) -> None:
    """Required headers (2xx), body MD5 and date skew, with the official messages."""
    lowered = _lower(headers)
    if 200 <= status < 300:
        for name in REQUIRED_RESPONSE_HEADERS:
            if name not in lowered:
                raise _check_failed(f'"{name}" is missing in response header.', status)
    md5 = lowered.get("x-ots-contentmd5")
    if md5 is not None and md5 != content_md5(body):
        raise _check_failed("MD5 mismatch in response.", status)
    date = lowered.get("x-ots-date")
    if date is not None:
        server_time = _parse_response_date(date)
        if server_time is None:
            raise _check_failed("Invalid date format in response.", status)
        skew = server_time - _as_utc(now).replace(microsecond=0)
        if abs(skew) > MAX_CLOCK_SKEW:
            raise _check_failed(
                "The difference between date in response and system time is more than 15 minutes.",
                status,
            )


def _parse_response_date(value: str) -> Optional[datetime]:
    """A response's x-ots-date to the second (fractions are ignored), or None if invalid."""
    match = _RESPONSE_DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # e.g. month 13 or February 30
        return None


def check_response_authorization(
    path: str, status: int, headers: Mapping[str, str], access_key_id: str, key: bytes
) -> None:
    """The response's ``authorization`` (required on 2xx), with the official messages."""
    lowered = _lower(headers)
    auth = lowered.get("authorization")
    if auth is None:
        if 200 <= status < 300:
            raise _check_failed('"Authorization" is missing in response header.', status)
        return
    if not auth.startswith("OTS "):
        raise _check_failed("Invalid Authorization in response.", status)
    parts = auth[4:].split(":")
    if len(parts) != 2:
        raise _check_failed("Invalid Authorization in response.", status)
    if parts[0] != access_key_id:
        raise _check_failed("Invalid access key id in response.", status)
    if not signatures_equal(response_signature(key, path, lowered), parts[1]):
        raise _check_failed("Invalid signature in response.", status)


# ---------------------------------------------------------------- emulator side


@lru_cache(maxsize=64)  # (hot path: the requests of one second carry the same date)
def _parse_request_date(value: str) -> datetime:
    match = _REQUEST_DATE.fullmatch(value)
    if match is None:
        raise SignatureError("invalid_date", date=value)
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise SignatureError("invalid_date", date=value) from None


def _parse_sign_date(value: str) -> Optional[datetime]:
    """The day a ``YYYYMMDD`` sign date names, or None if it is not one."""
    if not _SIGN_DATE_RE.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, _SIGN_DATE_FORMAT)
    except ValueError:
        return None


def _check_sign_date(sign_date: str, request_date: datetime) -> None:
    """A V4 sign date must be a real date within a day of the request's x-ots-date."""
    day = _parse_sign_date(sign_date)
    request_day = request_date.replace(hour=0, minute=0, second=0)
    if day is None or abs(day - request_day) > timedelta(days=1):
        raise SignatureError("invalid_sign_date", sign_date=sign_date)


def verify_request(
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    secret_for: Callable[[str], Optional[str]],
    now: datetime,
    region: Optional[str] = None,
) -> VerifiedRequest:
    """Check a request's headers, MD5, date and V2/V4 signature; raise SignatureError.

    ``path`` is the signed path (``/ApiName``). ``secret_for`` maps an access
    key id to its secret, or None if unknown. ``region`` (the service's) is
    enforced on V4 requests when given.
    """
    lowered = _lower(headers)
    for name in REQUIRED_REQUEST_HEADERS:
        if name not in lowered:
            raise SignatureError("missing_header", header=name)
    version = 4 if SIGNATURE_V4 in lowered else 2
    needed = (SIGN_DATE, SIGN_REGION, SIGNATURE_V4) if version == 4 else (SIGNATURE_V2,)
    for name in needed:
        if name not in lowered:
            raise SignatureError("missing_header", header=name)
    if lowered["x-ots-apiversion"] != API_VERSION:
        raise SignatureError("unsupported_api_version", version=lowered["x-ots-apiversion"])
    date = _parse_request_date(lowered["x-ots-date"])
    if abs(date - _as_utc(now).replace(microsecond=0)) > MAX_CLOCK_SKEW:
        raise SignatureError("date_skew", date=lowered["x-ots-date"])
    if lowered["x-ots-contentmd5"] != content_md5(body):
        raise SignatureError("md5_mismatch")
    access_key_id = lowered["x-ots-accesskeyid"]
    secret = secret_for(access_key_id)
    if secret is None:
        raise SignatureError("unknown_access_key")
    if version == 2:
        key = secret.encode("utf-8")
        sign_date = sign_region = None
        expected = signature_v2(secret, path, lowered)
        given = lowered[SIGNATURE_V2]
    else:
        sign_date, sign_region = lowered[SIGN_DATE], lowered[SIGN_REGION]
        _check_sign_date(sign_date, date)
        if region is not None and sign_region != region:
            raise SignatureError("region_mismatch", region=sign_region)
        key = signing_key_v4(secret, sign_date, sign_region)
        expected = signature_v4(key, path, lowered)
        given = lowered[SIGNATURE_V4]
    if not signatures_equal(expected, given):
        raise SignatureError("signature_mismatch")
    return VerifiedRequest(
        access_key_id=access_key_id,
        instance_name=lowered["x-ots-instancename"],
        date=date,
        signature_version=version,
        sign_date=sign_date,
        region=sign_region,
        security_token=lowered.get("x-ots-ststoken"),
        signing_key=key,
    )
