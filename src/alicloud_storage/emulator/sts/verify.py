"""Authenticate a POP (RPC-style) request: ACS3-HMAC-SHA256 header or RPC V1 query signature.

Both V1 encodings seen in the wild are accepted: the RFC 3986 one of the spec, tea-openapi
and aliyunsdkcore, and the ``quote_plus`` one of alibabacloud-credentials (space as ``+``).
Pure functions over a plain request view; the clock and the nonce cache are passed in.
"""
from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping, Optional

from aiohttp import web

from alicloud_storage.credentials.base import parse_expiration
from alicloud_storage.emulator.ram import AuthenticationError, Iam, Principal
from alicloud_storage.emulator.sts.errors import STS_ERRORS, StsServiceError
from alicloud_storage.sts.signature import (
    EMPTY_SHA256,
    acs3_canonical_request,
    acs3_signature,
    parse_acs3_authorization,
    rpc_signature,
    rpc_string_to_sign,
)

__all__ = ["PopRequest", "Authenticated", "NonceCache", "authenticate", "pop_request", "MAX_SKEW"]

MAX_SKEW = 15 * 60
# The real service echoes the caller's security token inside the string to sign; we don't.
_REDACTED = "***"


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
class Authenticated:
    """A verified request: the caller, the API action and its parameters."""

    principal: Principal
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
        key = f"{access_key_id}\n{nonce}"
        with self._lock:
            while self._seen and (
                len(self._seen) >= self._limit or next(iter(self._seen.values())) < now - 2 * MAX_SKEW
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                raise StsServiceError("SignatureNonceUsed")
            self._seen[key] = now


async def pop_request(request: web.Request) -> PopRequest:
    """The verifier's view of an aiohttp request (query and form decoded, ``+`` as space)."""
    body = await request.read()
    form: dict[str, str] = {}
    if request.content_type == "application/x-www-form-urlencoded" and body:
        form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    return PopRequest(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        form=form,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )


def _parse_timestamp(value: Optional[str], now: float) -> None:
    if not value:
        raise StsServiceError("MissingParameter", detail="Timestamp")
    try:
        moment = parse_expiration(value)
    except ValueError:
        raise StsServiceError("InvalidTimeStamp.Format") from None
    if abs(moment - now) > MAX_SKEW:
        raise StsServiceError("InvalidTimeStamp.Expired")


def _resolve(iam: Iam, access_key_id: str, token: Optional[str]) -> Principal:
    try:
        return iam.resolve(access_key_id, token or None)
    except AuthenticationError as exc:
        code = exc.code if exc.code in STS_ERRORS else "InvalidAccessKeyId.NotFound"
        raise StsServiceError(code) from None


def _verify_v1(req: PopRequest, iam: Iam, now: float, nonces: NonceCache) -> Authenticated:
    params = {**req.query, **req.form}
    for name in ("AccessKeyId", "Action", "Version", "SignatureNonce"):
        if not params.get(name):
            raise StsServiceError("MissingParameter", detail=name)
    if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
        raise StsServiceError("UnsupportedSignatureMethod", detail=params["SignatureMethod"])
    _parse_timestamp(params.get("Timestamp"), now)
    principal = _resolve(iam, params["AccessKeyId"], params.get("SecurityToken"))
    provided = params["Signature"]
    if not any(
        hmac.compare_digest(rpc_signature(principal.secret, req.method, params, plus), provided)
        for plus in (False, True)
    ):
        shown = {**params, "SecurityToken": _REDACTED} if "SecurityToken" in params else params
        raise StsServiceError("SignatureDoesNotMatch", detail=rpc_string_to_sign(req.method, shown))
    nonces.check_and_add(principal.access_key_id, params["SignatureNonce"], now)
    return Authenticated(principal, params["Action"], params["Version"], params)


def _verify_v3(req: PopRequest, iam: Iam, now: float, nonces: NonceCache) -> Authenticated:
    parsed = parse_acs3_authorization(req.headers["authorization"])
    if parsed is None:
        raise StsServiceError("IncompleteSignature")
    access_key_id, signed, provided = parsed
    if "host" not in signed or not {"x-acs-action", "x-acs-version", "x-acs-date"} <= set(signed):
        raise StsServiceError("IncompleteSignature")
    for name in ("x-acs-action", "x-acs-version", "x-acs-signature-nonce"):
        if not req.headers.get(name):
            raise StsServiceError("MissingParameter", detail=name)
    _parse_timestamp(req.headers.get("x-acs-date"), now)
    content_sha256 = req.headers.get("x-acs-content-sha256", EMPTY_SHA256)
    if content_sha256 != hashlib.sha256(req.body).hexdigest():
        raise StsServiceError("IncompleteSignature", message="x-acs-content-sha256 does not match the body.")
    principal = _resolve(iam, access_key_id, req.headers.get("x-acs-security-token"))
    canonical = acs3_canonical_request(req.method, req.path, req.query, req.headers, signed, content_sha256)
    if not hmac.compare_digest(acs3_signature(principal.secret, canonical), provided):
        shown = {**req.headers, "x-acs-security-token": _REDACTED}
        detail = acs3_canonical_request(req.method, req.path, req.query, shown, signed, content_sha256)
        raise StsServiceError("SignatureDoesNotMatch", detail=detail.replace("\n", "\\n"))
    nonces.check_and_add(principal.access_key_id, req.headers["x-acs-signature-nonce"], now)
    params = {**req.query, **req.form}
    return Authenticated(principal, req.headers["x-acs-action"], req.headers["x-acs-version"], params)


def authenticate(req: PopRequest, iam: Iam, now: float, nonces: NonceCache) -> Authenticated:
    """Verify the request's signature and resolve its caller; raises StsServiceError."""
    if req.headers.get("authorization", "").startswith("ACS3-"):
        return _verify_v3(req, iam, now, nonces)
    if "Signature" in req.query or "Signature" in req.form:
        return _verify_v1(req, iam, now, nonces)
    raise StsServiceError("MissingParameter", detail="Signature")
