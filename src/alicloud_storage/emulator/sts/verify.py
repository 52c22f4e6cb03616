"""The STS signer's verify side in the emulator: an aiohttp request -> the caller, or an STS error.

The signature check itself is the library's (``alicloud_storage.sts.verify``); this module
reads the request, looks the key up in RAM and maps every refusal onto the STS error table.
The STS service and the admin API both authenticate with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from aiohttp import web

from alicloud_storage.emulator.ram import AuthenticationError, Iam, Principal
from alicloud_storage.emulator.sts.errors import STS_ERRORS, StsServiceError
from alicloud_storage.sts.verify import NonceCache, PopRequest, PopVerificationError, verify_pop_request

__all__ = ["Authenticated", "authenticate", "pop_request"]


@dataclass(frozen=True)
class Authenticated:
    """A verified request: the caller, the API action and its parameters."""

    principal: Principal
    action: str
    version: str
    params: Mapping[str, str]


async def pop_request(request: web.Request) -> PopRequest:
    """The verifier's view of an aiohttp request (query and form decoded, ``+`` as space)."""
    body = await request.read()
    form: dict[str, str] = {}
    if request.content_type == "application/x-www-form-urlencoded" and body:
        try:
            form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        except UnicodeDecodeError:
            raise StsServiceError("InvalidParameter", "The form body is not UTF-8 text.") from None
    return PopRequest(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        form=form,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )


def authenticate(req: PopRequest, iam: Iam, now: float, nonces: NonceCache) -> Authenticated:
    """Verify the request's signature and resolve its caller; raises StsServiceError."""
    principals: list[Principal] = []

    def secret_for(access_key_id: str, token: Optional[str]) -> str:
        try:
            principal = iam.resolve(access_key_id, token)
        except AuthenticationError as exc:
            code = exc.code if exc.code in STS_ERRORS else "InvalidAccessKeyId.NotFound"
            raise StsServiceError(code) from None
        principals.append(principal)
        return principal.secret

    try:
        verified = verify_pop_request(req, secret_for, now, nonces)
    except PopVerificationError as exc:
        raise StsServiceError(exc.code, exc.message, detail=exc.detail) from None
    return Authenticated(principals[0], verified.action, verified.version, verified.params)
