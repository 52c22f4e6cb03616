"""The emulated STS endpoint (Version 2015-04-01): AssumeRole and GetCallerIdentity.

Every request is authenticated (ACS3 or RPC V1 signature), then dispatched; answers and
errors use the real service's JSON shapes and codes.
"""
from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Callable, Optional

from aiohttp import web

from alicloud_storage.emulator.ram import Iam, Principal, RamError
from alicloud_storage.emulator.sts.errors import StsServiceError, error_body
from alicloud_storage.emulator.sts.verify import Authenticated, NonceCache, authenticate, pop_request
from alicloud_storage.sts.protocol import STS_VERSION

__all__ = ["create_sts_app"]

logger = logging.getLogger(__name__)

_IDENTITY_TYPES = {"root": "Account", "user": "RAMUser", "assumed-role": "AssumedRoleUser"}


def _caller_identity(principal: Principal) -> dict[str, Any]:
    body: dict[str, Any] = {
        "IdentityType": _IDENTITY_TYPES[principal.kind],
        "AccountId": principal.account_id,
        "PrincipalId": principal.principal_id,
        "Arn": principal.arn,
    }
    if principal.kind == "assumed-role":
        body["RoleId"] = principal.principal_id.split(":", 1)[0]
    else:
        body["UserId"] = principal.principal_id
    return body


def _int_param(params: Any, name: str) -> Optional[int]:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise StsServiceError(f"InvalidParameter.{name}") from None


def _context(request: web.Request) -> dict[str, str]:
    return {
        "acs:SourceIp": request.remote or "",
        "acs:SecureTransport": "true" if request.secure else "false",
    }


def _assume_role(iam: Iam, auth: Authenticated, request: web.Request) -> dict[str, Any]:
    params = auth.params
    for name in ("RoleArn", "RoleSessionName"):
        if not params.get(name):
            raise StsServiceError("MissingParameter", detail=name)
    context = _context(request)
    if params.get("ExternalId"):
        context["sts:ExternalId"] = params["ExternalId"]
    try:
        result = iam.assume_role(
            auth.principal,
            params["RoleArn"],
            params["RoleSessionName"],
            _int_param(params, "DurationSeconds"),
            params.get("Policy") or None,
            context,
        )
    except RamError as exc:
        raise StsServiceError(exc.code, exc.message, exc.http_status) from None
    return {
        "AssumedRoleUser": {"Arn": result.arn, "AssumedRoleId": result.assumed_role_id},
        "Credentials": {
            "AccessKeyId": result.access_key_id,
            "AccessKeySecret": result.access_key_secret,
            "SecurityToken": result.security_token,
            "Expiration": result.expiration_iso,
        },
    }


def create_sts_app(iam: Iam, region: str, clock: Callable[[], float]) -> web.Application:
    """The STS aiohttp application for one emulated account."""
    nonces = NonceCache()

    async def handle(request: web.Request) -> web.Response:
        request_id = str(uuid.uuid4()).upper()
        host_id = request.host or f"sts.{region}.aliyuncs.com"
        try:
            auth = authenticate(await pop_request(request), iam, clock(), nonces)
            if auth.version != STS_VERSION:
                raise StsServiceError("InvalidVersion")
            if auth.action == "AssumeRole":
                body = _assume_role(iam, auth, request)
            elif auth.action == "GetCallerIdentity":
                body = _caller_identity(auth.principal)
            else:
                raise StsServiceError("InvalidAction.NotFound")
        except StsServiceError as exc:
            logger.info("STS %s refused: %s", request_id, exc.code)
            return web.Response(
                status=exc.http_status, text=error_body(exc, request_id, host_id),
                content_type="application/json",
            )
        logger.debug("STS %s %s by %s", request_id, auth.action, auth.principal.arn)
        return web.Response(
            text=json.dumps({"RequestId": request_id, **body}), content_type="application/json"
        )

    app = web.Application()
    app.router.add_route("*", "/", handle)
    return app
