"""The server side of the OSS signatures: verify a request signed with V4, V1 or oss2's
OSS2, in a header or in a presigned URL (the emulator verifies with this module, clients sign with
:mod:`.v4` / :mod:`.v1`: one truth for the wire).

Tolerant where the official SDKs differ: oss2 writes ``", "`` between the parts of a
V4 Authorization and puts ``Signature`` before ``AdditionalHeaders``; V1 sub-resource
lists differ between SDKs, so each known list is tried; the STS token may come in
``x-oss-security-token``, ``security-token`` or the query. Time is passed in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from alicloud_storage._signatures import signatures_equal
from alicloud_storage.oss.signer import v1, v2, v4
from alicloud_storage.oss.signer.canonical import SigningRequest, lower_headers, parse_query, utc

__all__ = [
    "MAX_CLOCK_SKEW",
    "AUTH_ERRORS",
    "AuthErrorSpec",
    "SignatureError",
    "VerifiedRequest",
    "SecretLookup",
    "verify_request",
]

MAX_CLOCK_SKEW = timedelta(minutes=15)

SecretLookup = Callable[[str], Optional[str]]
"""``secret_for(access_key_id)`` -> the secret, or None for an unknown key."""


@dataclass(frozen=True)
class AuthErrorSpec:
    """One row of the authentication error table: HTTP status, code, message, EC."""

    http_status: int
    code: str
    message: str
    ec: str


AUTH_ERRORS: Dict[str, AuthErrorSpec] = {
    "unknown_access_key": AuthErrorSpec(
        403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
        "0002-00000902"),
    "signature_mismatch": AuthErrorSpec(
        403, "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.", "0002-00000040"),
    "time_skewed": AuthErrorSpec(
        403, "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.", "0002-00000504"),
    "presign_expired": AuthErrorSpec(403, "AccessDenied", "Request has expired.", "0002-00000069"),
    # The messages below are not sourced from the real service (reference/oss-facts.md §9).
    "presign_not_yet_valid": AuthErrorSpec(
        403, "AccessDenied", "Request is not valid yet.", "0002-00000235"),
    "presign_expires_invalid": AuthErrorSpec(
        400, "InvalidArgument", "x-oss-expires should be an integer between 1 and 604800.",
        "0002-00000069"),
    "missing_date": AuthErrorSpec(403, "AccessDenied", "Missing Date Header.", "0002-00000010"),
    "malformed_authorization": AuthErrorSpec(
        400, "InvalidArgument", "Authorization header is invalid.", "0002-00000206"),
    "payload_not_unsigned": AuthErrorSpec(
        400, "InvalidArgument", "x-oss-content-sha256 must be UNSIGNED-PAYLOAD.", "0002-00000214"),
    "empty_additional_headers": AuthErrorSpec(
        400, "InvalidArgument", "AdditionalHeaders must not be empty.", "0002-00000209"),
    "region_mismatch": AuthErrorSpec(
        400, "InvalidArgument", "Invalid signing region in Authorization header.", "0002-00000210"),
}


class SignatureError(Exception):
    """A request failed verification. ``details`` holds extra <Error> elements for the
    answer (OSSAccessKeyId, StringToSign); no secret or signature is ever kept."""

    def __init__(self, reason: str, details: Optional[Mapping[str, str]] = None) -> None:
        spec = AUTH_ERRORS[reason]
        self.reason = reason
        self.http_status = spec.http_status
        self.code = spec.code
        self.message = spec.message
        self.ec = spec.ec
        self.details: Dict[str, str] = dict(details or {})
        super().__init__(f"{spec.code}: {spec.message}")


@dataclass(frozen=True)
class VerifiedRequest:
    """Who signed a verified request and how; ``access_key_id`` is None when anonymous."""

    access_key_id: Optional[str]
    signature_version: str  # "v4", "v1", "v2" (oss2's OSS2) or "anonymous"
    presigned: bool = False
    date: Optional[datetime] = None
    region: Optional[str] = None
    security_token: Optional[str] = field(default=None, repr=False)
    additional_headers: Tuple[str, ...] = ()


def verify_request(
    method: str,
    bucket: Optional[str],
    key: Optional[str],
    raw_query: str,
    headers: Mapping[str, str],
    secret_for: SecretLookup,
    now: datetime,
    region: Optional[str] = None,
) -> VerifiedRequest:
    """Verify a request's signature; ``bucket``/``key`` are decoded and resolved from the
    Host or path; ``region`` (when given) must be the V4 scope's. Raises SignatureError."""
    lowered = lower_headers(headers)
    query = parse_query(raw_query)
    names = {k for k, _ in query}
    request = SigningRequest(method, bucket, key, query, lowered)
    auth = lowered.get("authorization", "")
    if auth.startswith(v4.ALGORITHM):
        return _verify_v4_header(request, auth, secret_for, utc(now), region)
    if auth.startswith("OSS "):
        return _verify_v1_header(request, auth, secret_for, utc(now))
    if auth.startswith(v2.ALGORITHM + " "):
        return _verify_v2_header(request, auth, secret_for, utc(now))
    if auth:
        raise SignatureError("malformed_authorization")
    if dict(query).get("x-oss-signature-version") == v2.ALGORITHM:
        return _verify_v2_query(request, secret_for, utc(now))
    if "x-oss-signature" in names:
        return _verify_v4_query(request, secret_for, utc(now), region)
    if "Signature" in names and "OSSAccessKeyId" in names:
        return _verify_v1_query(request, secret_for, utc(now))
    return VerifiedRequest(None, "anonymous")


def _secret(access_key_id: str, secret_for: SecretLookup) -> str:
    secret = secret_for(access_key_id)
    if secret is None:
        raise SignatureError("unknown_access_key", {"OSSAccessKeyId": access_key_id})
    return secret


def _token(request: SigningRequest) -> Optional[str]:
    headers = request.headers
    token = headers.get("x-oss-security-token") or headers.get("security-token")
    if token:
        return token
    for name, value in request.query:
        if name in ("security-token", "x-oss-security-token") and value:
            return value
    return None


def _check_skew(moment: datetime, now: datetime) -> None:
    if abs(now - moment) > MAX_CLOCK_SKEW:
        raise SignatureError("time_skewed")


def _parse_iso(text: str) -> datetime:
    """``YYYYMMDDTHHMMSSZ`` (sliced: strptime costs more than the rest of a V4 check)."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z" or not (
            text[:8] + text[9:15]).isdigit():
        raise SignatureError("missing_date")
    try:
        return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[9:11]),
                        int(text[11:13]), int(text[13:15]), tzinfo=timezone.utc)
    except ValueError:
        raise SignatureError("missing_date") from None


def _parse_credential(text: str, region: Optional[str]) -> Tuple[str, str, str, str]:
    parts = text.split("/")
    if len(parts) != 5 or parts[4] != "aliyun_v4_request" or not parts[0]:
        raise SignatureError("malformed_authorization")
    access_key_id, date, scope_region, product = parts[:4]
    if region is not None and scope_region != region:
        raise SignatureError("region_mismatch")
    return access_key_id, date, scope_region, product


def _additional(text: Optional[str]) -> List[str]:
    if text is None:
        return []
    names = sorted({n.strip().lower() for n in text.split(";") if n.strip()})
    if not names:
        raise SignatureError("empty_additional_headers")
    return names


def _compare_v4(
    request: SigningRequest,
    access_key_id: str,
    secret: str,
    timestamp: str,
    scope_parts: Tuple[str, str, str],
    additional: Sequence[str],
    provided: str,
) -> None:
    date, scope_region, product = scope_parts
    if timestamp[:8] != date:
        raise SignatureError("malformed_authorization")
    credential_scope = v4.scope(date, scope_region, product)
    to_sign = v4.string_to_sign(timestamp, credential_scope, v4.canonical_request(request, additional))
    expected = v4.signature(v4.signing_key(secret, date, scope_region, product), to_sign)
    if not signatures_equal(expected, provided.lower()):
        raise SignatureError(
            "signature_mismatch", {"OSSAccessKeyId": access_key_id, "StringToSign": to_sign}
        )


def _verify_v4_header(
    request: SigningRequest, auth: str, secret_for: SecretLookup, now: datetime, region: Optional[str]
) -> VerifiedRequest:
    fields: Dict[str, str] = {}
    for item in auth[len(v4.ALGORITHM):].split(","):
        name, sep, value = item.strip().partition("=")
        if sep:
            fields[name] = value
    if "Credential" not in fields or "Signature" not in fields:
        raise SignatureError("malformed_authorization")
    access_key_id, date, scope_region, product = _parse_credential(fields["Credential"], region)
    additional = _additional(fields.get("AdditionalHeaders"))
    timestamp = request.headers.get("x-oss-date", "")
    moment = _parse_iso(timestamp)
    _check_skew(moment, now)
    if request.headers.get("x-oss-content-sha256", v4.UNSIGNED_PAYLOAD) != v4.UNSIGNED_PAYLOAD:
        raise SignatureError("payload_not_unsigned")
    secret = _secret(access_key_id, secret_for)
    _compare_v4(request, access_key_id, secret, timestamp, (date, scope_region, product),
                additional, fields["Signature"])
    return VerifiedRequest(access_key_id, "v4", False, moment, scope_region, _token(request),
                           tuple(additional))


def _verify_v4_query(
    request: SigningRequest, secret_for: SecretLookup, now: datetime, region: Optional[str]
) -> VerifiedRequest:
    params = dict(request.query)
    if params.get("x-oss-signature-version") != v4.ALGORITHM:
        raise SignatureError("malformed_authorization")
    access_key_id, date, scope_region, product = _parse_credential(
        params.get("x-oss-credential", ""), region)
    timestamp = params.get("x-oss-date", "")
    moment = _parse_iso(timestamp)
    try:
        expires = int(params.get("x-oss-expires", ""))
    except ValueError:
        raise SignatureError("presign_expires_invalid") from None
    if not 0 < expires <= v4.MAX_PRESIGN_EXPIRES:
        raise SignatureError("presign_expires_invalid")
    if now > moment + timedelta(seconds=expires):
        raise SignatureError("presign_expired")
    if now < moment - MAX_CLOCK_SKEW:
        raise SignatureError("presign_not_yet_valid")
    additional = _additional(params.get("x-oss-additional-headers"))
    secret = _secret(access_key_id, secret_for)
    unsigned = SigningRequest(
        request.method, request.bucket, request.key,
        [(k, v) for k, v in request.query if k != "x-oss-signature"], request.headers)
    _compare_v4(unsigned, access_key_id, secret, timestamp, (date, scope_region, product),
                additional, params["x-oss-signature"])
    return VerifiedRequest(access_key_id, "v4", True, moment, scope_region, _token(request),
                           tuple(additional))


_SUB_RESOURCE_LISTS = (v1.SUB_RESOURCES | v1.OSS2_SUB_RESOURCES, v1.SUB_RESOURCES, v1.OSS2_SUB_RESOURCES)


def _compare_v1(
    request: SigningRequest, access_key_id: str, secret: str, date: Optional[str], provided: str
) -> None:
    tried = []
    for sub_resources in _SUB_RESOURCE_LISTS:
        to_sign = v1.string_to_sign(request, date, sub_resources)
        if to_sign in tried:
            continue
        tried.append(to_sign)
        if signatures_equal(v1.signature(secret, to_sign), provided):
            return
    raise SignatureError(
        "signature_mismatch", {"OSSAccessKeyId": access_key_id, "StringToSign": tried[0]}
    )


def _verify_v1_header(
    request: SigningRequest, auth: str, secret_for: SecretLookup, now: datetime
) -> VerifiedRequest:
    access_key_id, sep, provided = auth[4:].strip().rpartition(":")
    if not sep or not access_key_id or not provided:
        raise SignatureError("malformed_authorization")
    text = request.headers.get("x-oss-date") or request.headers.get("date")
    if not text:
        raise SignatureError("missing_date")
    try:
        moment = utc(parsedate_to_datetime(text))
    except (TypeError, ValueError):
        raise SignatureError("missing_date") from None
    _check_skew(moment, now)
    secret = _secret(access_key_id, secret_for)
    _compare_v1(request, access_key_id, secret, None, provided)
    return VerifiedRequest(access_key_id, "v1", False, moment, None, _token(request))


def _verify_v1_query(request: SigningRequest, secret_for: SecretLookup, now: datetime) -> VerifiedRequest:
    params = dict(request.query)
    access_key_id = params["OSSAccessKeyId"]
    expires_text = params.get("Expires", "")
    try:
        expires = datetime.fromtimestamp(int(expires_text), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise SignatureError("presign_expires_invalid") from None
    if now > expires:
        raise SignatureError("presign_expired")
    secret = _secret(access_key_id, secret_for)
    unsigned = SigningRequest(
        request.method, request.bucket, request.key,
        [(k, v) for k, v in request.query if k != "Signature"], request.headers)
    _compare_v1(unsigned, access_key_id, secret, expires_text, params["Signature"])
    return VerifiedRequest(access_key_id, "v1", True, expires, None, _token(request))


def _compare_v2(
    request: SigningRequest, access_key_id: str, secret: str, date: str,
    additional: Sequence[str], provided: str,
) -> None:
    to_sign = v2.string_to_sign(request, date, additional)
    if not signatures_equal(v2.signature(secret, to_sign), provided):
        raise SignatureError(
            "signature_mismatch", {"OSSAccessKeyId": access_key_id, "StringToSign": to_sign})


def _verify_v2_header(
    request: SigningRequest, auth: str, secret_for: SecretLookup, now: datetime
) -> VerifiedRequest:
    fields: Dict[str, str] = {}
    for item in auth[len(v2.ALGORITHM):].split(","):
        name, sep, value = item.strip().partition(":")
        if sep:
            fields[name] = value
    access_key_id, provided = fields.get("AccessKeyId", ""), fields.get("Signature", "")
    if not access_key_id or not provided:
        raise SignatureError("malformed_authorization")
    additional = _additional(fields.get("AdditionalHeaders"))
    text = request.headers.get("date", "")
    try:
        moment = utc(parsedate_to_datetime(text))
    except (TypeError, ValueError):
        raise SignatureError("missing_date") from None
    _check_skew(moment, now)
    secret = _secret(access_key_id, secret_for)
    _compare_v2(request, access_key_id, secret, text, additional, provided)
    return VerifiedRequest(access_key_id, "v2", False, moment, None, _token(request),
                           tuple(additional))


def _verify_v2_query(request: SigningRequest, secret_for: SecretLookup, now: datetime) -> VerifiedRequest:
    params = dict(request.query)
    access_key_id = params.get("x-oss-access-key-id", "")
    expires_text = params.get("x-oss-expires", "")
    if not access_key_id or "x-oss-signature" not in params:
        raise SignatureError("malformed_authorization")
    try:
        expires = datetime.fromtimestamp(int(expires_text), timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise SignatureError("presign_expires_invalid") from None
    if now > expires:
        raise SignatureError("presign_expired")
    additional = _additional(params.get("x-oss-additional-headers"))
    secret = _secret(access_key_id, secret_for)
    unsigned = SigningRequest(
        request.method, request.bucket, request.key,
        [(k, v) for k, v in request.query if k != "x-oss-signature"], request.headers)
    _compare_v2(unsigned, access_key_id, secret, expires_text, additional, params["x-oss-signature"])
    return VerifiedRequest(access_key_id, "v2", True, expires, None, _token(request),
                           tuple(additional))
