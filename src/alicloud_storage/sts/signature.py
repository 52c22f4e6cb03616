"""Alibaba Cloud POP signatures: RPC V1 (HMAC-SHA1) and ACS3-HMAC-SHA256 (V3).

One implementation for both ends: the STS client signs with it, the emulated STS
verifies with it. Pure functions on strings; no I/O, no clock.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable, Mapping, Optional
from urllib.parse import quote

__all__ = [
    "EMPTY_SHA256",
    "ACS3_ALGORITHM",
    "percent_encode",
    "rpc_string_to_sign",
    "rpc_signature",
    "acs3_canonical_request",
    "acs3_signature",
    "acs3_authorization",
    "parse_acs3_authorization",
]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
ACS3_ALGORITHM = "ACS3-HMAC-SHA256"


def percent_encode(value: str, space_as_plus: bool = False) -> str:
    """RFC 3986 encoding (unreserved kept, space -> %20); ``space_as_plus`` gives the
    ``quote_plus`` variant that alibabacloud-credentials signs with (space -> +)."""
    encoded = quote(value, safe="~")
    return encoded.replace("%20", "+") if space_as_plus else encoded


def rpc_string_to_sign(method: str, params: Mapping[str, str], space_as_plus: bool = False) -> str:
    """StringToSign of the RPC V1 signature over every parameter but ``Signature``."""
    canonical = "&".join(
        f"{percent_encode(k, space_as_plus)}={percent_encode(v, space_as_plus)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )
    return f"{method.upper()}&%2F&{percent_encode(canonical)}"


def rpc_signature(
    secret: str, method: str, params: Mapping[str, str], space_as_plus: bool = False
) -> str:
    """base64(HMAC-SHA1(secret + '&', StringToSign))."""
    string_to_sign = rpc_string_to_sign(method, params, space_as_plus)
    digest = hmac.new((secret + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _canonical_headers(headers: Mapping[str, str], signed: Iterable[str]) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    return "".join(f"{name}:{lowered.get(name, '').strip()}\n" for name in signed)


def acs3_canonical_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    content_sha256: Optional[str] = None,
) -> str:
    """CanonicalRequest of ACS3-HMAC-SHA256 for the given (sorted, lower-case) header names."""
    names = sorted(h.lower() for h in signed_headers)
    canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in sorted(query.items()))
    payload = content_sha256 or {k.lower(): v for k, v in headers.items()}.get(
        "x-acs-content-sha256", EMPTY_SHA256
    )
    return "\n".join(
        [method.upper(), path or "/", canonical_query, _canonical_headers(headers, names),
         ";".join(names), payload]
    )


def acs3_signature(secret: str, canonical_request: str) -> str:
    """hex(HMAC-SHA256(secret, 'ACS3-HMAC-SHA256\\n' + hex(sha256(CanonicalRequest))))."""
    hashed = hashlib.sha256(canonical_request.encode()).hexdigest()
    string_to_sign = f"{ACS3_ALGORITHM}\n{hashed}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def acs3_authorization(
    access_key_id: str,
    secret: str,
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
) -> str:
    """The Authorization header value signing ``host`` and every ``x-acs-*`` header."""
    signed = sorted(
        name for name in (k.lower() for k in headers) if name == "host" or name.startswith("x-acs-")
    )
    canonical = acs3_canonical_request(method, path, query, headers, signed)
    signature = acs3_signature(secret, canonical)
    return (
        f"{ACS3_ALGORITHM} Credential={access_key_id},"
        f"SignedHeaders={';'.join(signed)},Signature={signature}"
    )


def parse_acs3_authorization(value: str) -> Optional[tuple[str, list[str], str]]:
    """(access key id, signed header names, signature) of an ACS3 header, or None."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ACS3_ALGORITHM:
        return None
    parts = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if sep:
            parts[key] = val
    if not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
        return None
    signed = [h for h in parts["SignedHeaders"].lower().split(";") if h]
    return parts["Credential"], signed, parts["Signature"]
