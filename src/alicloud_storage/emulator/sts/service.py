"""The emulated STS service (Version 2015-04-01): AssumeRole and GetCallerIdentity.

Every request is authenticated (ACS3 or RPC V1 signature), then dispatched; answers and
errors use the real service's JSON shapes and codes. AssumeRole's authorisation (the
caller's ``sts:AssumeRole`` permission and the role's trust policy) is RAM's.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from aiohttp import web

from alicloud_storage.emulator.pipeline import (
    NO_REQUIREMENT,
    Endpoint,
    Requirement,
    Route,
    Service,
    ServiceError,
    request_context,
)
from alicloud_storage.emulator.ram import Iam, Principal, RamError
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.sts.errors import StsServiceError, error_body
from alicloud_storage.emulator.sts.verify import Authenticated, authenticate, pop_request
from alicloud_storage.sts.protocol import STS_VERSION
from alicloud_storage.sts.verify import PopRequest

__all__ = ["StsService"]

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


def _assume_role(iam: Iam, auth: Authenticated, request: web.Request) -> dict[str, Any]:
    params = auth.params
    for name in ("RoleArn", "RoleSessionName"):
        if not params.get(name):
            raise StsServiceError("MissingParameter", detail=name)
    context = request_context(request, iam.clock())
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


@dataclass
class _Call:
    request: web.Request
    pop: PopRequest
    request_id: str
    auth: Optional[Authenticated] = None


class _StsEndpoint(Endpoint[_Call]):
    service = "sts"

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    async def read(self, request: web.Request) -> _Call:
        return _Call(request, await pop_request(request), self._runtime.ids.next().upper())

    def authenticate(self, call: _Call) -> Principal:
        rt = self._runtime
        call.auth = auth = authenticate(call.pop, rt.iam, rt.clock(), rt.nonces)
        if auth.version != STS_VERSION:
            raise StsServiceError("InvalidVersion")
        return auth.principal

    def api(self, call: _Call) -> str:
        assert call.auth is not None
        return call.auth.action

    def requirement(self, call: _Call, principal: Principal) -> Requirement:
        return NO_REQUIREMENT

    def denied(self, call: _Call, action: str) -> ServiceError:
        return StsServiceError("NoPermission", f"You are not authorized to do {action}.", 403)

    async def dispatch(self, call: _Call, principal: Principal) -> Any:
        assert call.auth is not None
        if call.auth.action == "AssumeRole":
            return _assume_role(self._runtime.iam, call.auth, call.request)
        if call.auth.action == "GetCallerIdentity":
            return _caller_identity(principal)
        raise StsServiceError("InvalidAction.NotFound")

    def render(self, call: _Call, result: Any) -> web.StreamResponse:
        assert call.auth is not None
        logger.debug("STS %s %s by %s", call.request_id, call.auth.action, call.auth.principal.arn)
        return web.Response(
            text=json.dumps({"RequestId": call.request_id, **result}), content_type="application/json"
        )

    def render_error(self, request: web.Request, call: Optional[_Call], error: ServiceError) -> web.StreamResponse:
        request_id = call.request_id if call else self._runtime.ids.next().upper()
        host_id = request.host or f"sts.{self._runtime.settings.region}.aliyuncs.com"
        logger.info("STS %s refused: %s", request_id, error.code)
        return web.Response(
            status=error.http_status, text=error_body(error, request_id, host_id),
            content_type="application/json",
        )

    def internal_error(self) -> ServiceError:
        return StsServiceError("InternalError")

    def malformed(self, reason: str) -> ServiceError:
        return StsServiceError("InvalidParameter", reason)


class StsService(Service):
    """STS of the emulated account, on its own listener."""

    name = "sts"
    listener = "sts"

    def __init__(self, runtime: Runtime) -> None:
        self._endpoint = _StsEndpoint(runtime)

    def routes(self) -> Sequence[Route]:
        return [Route("*", "/", self._endpoint)]
