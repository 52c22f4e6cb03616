"""Verify a POP (RPC-style) request: ACS3-HMAC-SHA256 header or RPC V1 query signature.

The verify side of ``sts/signature.py``, used by the emulated STS and by the emulator's
admin API. Both V1 encodings seen in the wild are accepted: the RFC 3986 one of the spec,
tea-openapi and aliyunsdkcore, and the ``quote_plus`` one of alibabacloud-credentials
(space as ``+``). Pure functions over a plain request view; the secret lookup, the clock
and the nonce cache are passed in. Failures carry the service's error code, never a secret.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Mapping, Optional

from alicloud_storage._signatures import signatures_equal
from alicloud_storage.credentials.base import parse_expiration
from alicloud_storage.sts.signature import (
    EMPTY_SHA256,
    acs3_canonical_request,
    acs3_signature,
    parse_acs3_authorization,
    rpc_signature,
    rpc_string_to_sign,
)

__all__ = [
    "MAX_SKEW", "PopRequest", "VerifiedPop", "PopVerificationError", "NonceCache", "verify_pop_request",
]

MAX_SKEW = 15 * 60
# The real service echoes the caller's security token inside the string to sign; we don't.
_REDACTED = "***"

_SecretLookup = Callable[[str, Optional[str]], str]


class PopVerificationError(Exception):
    """A refused request: the service's error ``code``, a ``detail`` for its message
    template, or a whole ``message``. Neither ever holds a secret."""

    def __init__(self, code: str, detail: str = "", message: Optional[str] = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.message = message


@dataclass(frozen=True)
class PopRequest:
    """What the verifier needs of an HTTP request (query and form already decoded)."""

    method: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class VerifiedPop:
    """A request whose signature holds: the key that signed it, the action and its parameters."""

    access_key_id: str
    action: str
    version: str
    params: Mapping[str, str]


class NonceCache:
    """Signature nonces seen within the accepted clock skew (replay protection)."""

    def __init__(self, limit: int = 100_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def check_and_add(self, access_key_id: str, nonce: str, now: float) -> None:
        """Remember ``nonce`` of this key; raises SignatureNonceUsed if it was seen, and
        Throttling.User when ``limit`` nonces are still live: a flood of fresh nonces must not
        push out one that a replay could then reuse."""
        key = f"{access_key_id}\n{nonce}"
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - 2 * MAX_SKEW:
                self._seen.popitem(last=False)
            if key in self._seen:
                raise PopVerificationError("SignatureNonceUsed")
            if len(self._seen) >= self._limit:
                raise PopVerificationError("Throttling.User")
            self._seen[key] = now

    def clear(self) -> None:
        """Forget every nonce."""
        with self._lock:
            self._seen.clear()


def _parse_timestamp(value: Optional[str], now: float) -> None:
    if not value:
        raise PopVerificationError("MissingParameter", "Timestamp")
    try:
        moment = parse_expiration(value)
    except ValueError:
        raise PopVerificationError("InvalidTimeStamp.Format") from None
    if abs(moment - now) > MAX_SKEW:
        raise PopVerificationError("InvalidTimeStamp.Expired")


def _verify_v1(req: PopRequest, secret_for: _SecretLookup, now: float, nonces: NonceCache) -> VerifiedPop:
    params = {**req.query, **req.form}
    for name in ("AccessKeyId", "Action", "Version", "SignatureNonce"):
        if not params.get(name):
            raise PopVerificationError("MissingParameter", name)
    if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
        raise PopVerificationError("UnsupportedSignatureMethod", params["SignatureMethod"])
    _parse_timestamp(params.get("Timestamp"), now)
    access_key_id = params["AccessKeyId"]
    secret = secret_for(access_key_id, params.get("SecurityToken") or None)
    provided = params["Signature"]
    if not any(
        signatures_equal(rpc_signature(secret, req.method, params, plus), provided)
        for plus in (False, True)
    ):
        shown = {**params, "SecurityToken": _REDACTED} if "SecurityToken" in params else params
        raise PopVerificationError("SignatureDoesNotMatch", rpc_string_to_sign(req.method, shown))
    nonces.check_and_add(access_key_id, params["SignatureNonce"], now)
    return VerifiedPop(access_key_id, params["Action"], params["Version"], params)


def _verify_v3(req: PopRequest, secret_for: _SecretLookup, now: float, nonces: NonceCache) -> VerifiedPop:
    parsed = parse_acs3_authorization(req.headers["authorization"])
    if parsed is None:
        raise PopVerificationError("IncompleteSignature")
    access_key_id, signed, provided = parsed
    if "host" not in signed or not {"x-acs-action", "x-acs-version", "x-acs-date"} <= set(signed):
        raise PopVerificationError("IncompleteSignature")
    for name in ("x-acs-action", "x-acs-version", "x-acs-signature-nonce"):
        if not req.headers.get(name):
            raise PopVerificationError("MissingParameter", name)
    _parse_timestamp(req.headers.get("x-acs-date"), now)
    content_sha256 = req.headers.get("x-acs-content-sha256", EMPTY_SHA256)
    if content_sha256 != hashlib.sha256(req.body).hexdigest():
        raise PopVerificationError(
            "IncompleteSignature", message="x-acs-content-sha256 does not match the body."
        )
    secret = secret_for(access_key_id, req.headers.get("x-acs-security-token") or None)
    canonical = acs3_canonical_request(req.method, req.path, req.query, req.headers, signed, content_sha256)
    if not signatures_equal(acs3_signature(secret, canonical), provided):
        shown = {**req.headers, "x-acs-security-token": _REDACTED}
        detail = acs3_canonical_request(req.method, req.path, req.query, shown, signed, content_sha256)
        raise PopVerificationError("SignatureDoesNotMatch", detail.replace("\n", "\\n"))
    nonces.check_and_add(access_key_id, req.headers["x-acs-signature-nonce"], now)
    params = {**req.query, **req.form}
    return VerifiedPop(access_key_id, req.headers["x-acs-action"], req.headers["x-acs-version"], params)


def verify_pop_request(
    req: PopRequest, secret_for: _SecretLookup, now: float, nonces: NonceCache
) -> VerifiedPop:
    """Check the request's signature with ``secret_for(access_key_id, security_token)``
    (which raises for an unknown key); raises PopVerificationError."""
    if req.headers.get("authorization", "").startswith("ACS3-"):
        return _verify_v3(req, secret_for, now, nonces)
    if "Signature" in req.query or "Signature" in req.form:
        return _verify_v1(req, secret_for, now, nonces)
    raise PopVerificationError("MissingParameter", "Signature")
