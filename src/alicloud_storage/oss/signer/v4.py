"""OSS signature V4 (``OSS4-HMAC-SHA256``): header and query (presigned URL) forms.

CanonicalRequest = METHOD \\n quote("/bucket/key", safe="/") \\n sorted encoded query
\\n sorted ``name:value\\n`` of x-oss-*, content-type, content-md5 and the additional
headers \\n ";"-joined additional header names \\n payload hash (``UNSIGNED-PAYLOAD``).
StringToSign = "OSS4-HMAC-SHA256" \\n x-oss-date \\n scope \\n hex(sha256(CR)).
Key = HMAC chain("aliyun_v4" + secret; date, region, product, "aliyun_v4_request").
Pure functions: time is passed in, nothing reads the clock.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

from alicloud_storage.credentials import Credentials
from alicloud_storage.oss.signer.canonical import (
    QueryPairs,
    SigningRequest,
    iso8601,
    lower_headers,
    quote_value,
    rfc1123,
)

__all__ = [
    "ALGORITHM",
    "UNSIGNED_PAYLOAD",
    "MAX_PRESIGN_EXPIRES",
    "additional_header_names",
    "canonical_uri",
    "canonical_request",
    "string_to_sign",
    "signing_key",
    "signature",
    "scope",
    "sign_v4",
    "presign_v4",
]

ALGORITHM = "OSS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_PRESIGN_EXPIRES = 7 * 24 * 3600


def _is_default_signed(name: str) -> bool:
    return name.startswith("x-oss-") or name in ("content-type", "content-md5")


def additional_header_names(names: Optional[Iterable[str]], headers: Mapping[str, str]) -> List[str]:
    """The sorted lowercase names of ``names`` to list as AdditionalHeaders: those not
    signed anyway and present with a non-empty value in ``headers``."""
    if not names:
        return []
    lowered = lower_headers(headers)
    picked = {n.lower() for n in names}
    return sorted(n for n in picked if not _is_default_signed(n) and lowered.get(n))


def canonical_uri(bucket: Optional[str], key: Optional[str]) -> str:
    """``/bucket/key`` percent-encoded with ``/`` kept, whatever the address style."""
    uri = "/"
    if bucket is not None:
        uri += bucket + "/"
    if key is not None:
        uri += key
    return quote(uri, safe="/")


def _canonical_query(query: QueryPairs) -> str:
    encoded = sorted((quote_value(k), quote_value(v)) for k, v in query)
    return "&".join(f"{k}={v}" if v else k for k, v in encoded)


def canonical_request(request: SigningRequest, additional: Sequence[str] = ()) -> str:
    """The V4 canonical request of ``request`` (headers already holding x-oss-date etc.)."""
    headers = lower_headers(request.headers)
    extra = set(additional)
    lines = sorted(
        (name, value) for name, value in headers.items() if _is_default_signed(name) or name in extra
    )
    canonical_headers = "".join(f"{name}:{value}\n" for name, value in lines)
    payload = headers.get("x-oss-content-sha256", UNSIGNED_PAYLOAD)
    return "\n".join(
        (
            request.method.upper(),
            canonical_uri(request.bucket, request.key),
            _canonical_query(request.query),
            canonical_headers,
            ";".join(additional),
            payload,
        )
    )


def scope(date: str, region: str, product: str = "oss") -> str:
    """``YYYYMMDD/region/product/aliyun_v4_request``."""
    return f"{date}/{region}/{product}/aliyun_v4_request"


def string_to_sign(timestamp: str, credential_scope: str, canonical: str) -> str:
    """The V4 string to sign of a canonical request."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{credential_scope}\n{digest}"


@lru_cache(maxsize=64)
def signing_key(secret: str, date: str, region: str, product: str = "oss") -> bytes:
    """The derived V4 key for one day, region and product (cached: one chain per day)."""
    key = ("aliyun_v4" + secret).encode("utf-8")
    for part in (date, region, product, "aliyun_v4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def signature(key: bytes, to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign."""
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_v4(
    request: SigningRequest,
    credentials: Credentials,
    region: str,
    now: datetime,
    product: str = "oss",
    additional_headers: Optional[Iterable[str]] = None,
) -> Dict[str, str]:
    """The headers to add to ``request`` to sign it: ``x-oss-date``, ``Date``,
    ``x-oss-content-sha256``, ``x-oss-security-token`` (STS) and ``Authorization``."""
    timestamp = iso8601(now)
    added = {"x-oss-date": timestamp, "Date": rfc1123(now)}
    if credentials.security_token:
        added["x-oss-security-token"] = credentials.security_token
    added["x-oss-content-sha256"] = UNSIGNED_PAYLOAD
    headers = {**request.headers, **added}
    additional = additional_header_names(additional_headers, headers)
    signed = SigningRequest(request.method, request.bucket, request.key, request.query, headers)
    credential_scope = scope(timestamp[:8], region, product)
    to_sign = string_to_sign(timestamp, credential_scope, canonical_request(signed, additional))
    key = signing_key(credentials.access_key_secret, timestamp[:8], region, product)
    auth = f"{ALGORITHM} Credential={credentials.access_key_id}/{credential_scope}"
    if additional:
        auth += f",AdditionalHeaders={';'.join(additional)}"
    added["Authorization"] = f"{auth},Signature={signature(key, to_sign)}"
    return added


def presign_v4(
    request: SigningRequest,
    credentials: Credentials,
    region: str,
    now: datetime,
    expires: int,
    product: str = "oss",
    additional_headers: Optional[Iterable[str]] = None,
) -> List[Tuple[str, str]]:
    """The whole decoded query of the presigned URL, in oss_v2's order: the request's
    own pairs, then the x-oss-* signature parameters, ``x-oss-signature`` last."""
    timestamp = iso8601(now)
    credential_scope = scope(timestamp[:8], region, product)
    additional = additional_header_names(additional_headers, request.headers)
    drop = {"x-oss-signature", "x-oss-security-token", "x-oss-additional-headers"}
    pairs = [(k, v) for k, v in request.query if k not in drop]
    pairs += [
        ("x-oss-signature-version", ALGORITHM),
        ("x-oss-date", timestamp),
        ("x-oss-expires", str(int(expires))),
        ("x-oss-credential", f"{credentials.access_key_id}/{credential_scope}"),
    ]
    if credentials.security_token:
        pairs.append(("x-oss-security-token", credentials.security_token))
    if additional:
        pairs.append(("x-oss-additional-headers", ";".join(additional)))
    signed = SigningRequest(request.method, request.bucket, request.key, pairs, request.headers)
    to_sign = string_to_sign(timestamp, credential_scope, canonical_request(signed, additional))
    key = signing_key(credentials.access_key_secret, timestamp[:8], region, product)
    pairs.append(("x-oss-signature", signature(key, to_sign)))
    return pairs
