"""The emulated OSS service on the one pipeline: read → authenticate → faults → authorize →
dispatch → render, on its own listener (``oss_endpoint``).

Reading resolves the bucket and key (virtual-hosted or path style) and the operation;
bodies are left to the handlers, which stream them. Authentication verifies V4, V1,
oss2's OSS2 and presigned requests with the OSS signer's verify side (the client signs
with the same module); the caller is resolved through RAM (root, RAM users, STS sessions
with ``x-oss-security-token``); unsigned requests are anonymous. Authorization is OSS's:
the one RAM decision with ``oss:*`` actions on ``acs:oss:<region>:<account>:<bucket>[/<key>]``,
and what the bucket or object ACL grants to anyone when no policy allows; an explicit
Deny always wins. It runs in dispatch (the pipeline's RAM step cannot see ACLs), for the
operation's action and for the extra ones (copy source, tagging header, each key of a
multi-delete). Every failure is the service's error XML with ``Date``,
``x-oss-request-id`` and ``x-oss-ec`` (in ``x-oss-err`` for HEAD); never a bare 500.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Mapping, Optional, Sequence

from aiohttp import web

from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss import limits
from alicloud_storage.emulator.oss.addressing import Address, Addressing
from alicloud_storage.emulator.oss.documents import error_document, error_header
from alicloud_storage.emulator.oss.engine import OssEngine
from alicloud_storage.emulator.oss.factory import open_oss
from alicloud_storage.emulator.oss.handlers import ACTIONS, HANDLERS, Call, route
from alicloud_storage.emulator.oss.turn import SharedTurn
from alicloud_storage.emulator.pipeline import (
    NO_REQUIREMENT,
    Endpoint,
    Requirement,
    Route,
    Service,
    ServiceError,
    request_context,
)
from alicloud_storage.emulator.ram import AuthenticationError, Principal
from alicloud_storage.emulator.ram.policy import Decision
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.oss.signer.canonical import parse_query
from alicloud_storage.oss.signer.verify import SignatureError, verify_request

__all__ = ["OssService", "OssEndpoint", "ANONYMOUS"]

logger = logging.getLogger(__name__)

ANONYMOUS = Principal("anonymous", "", "anonymous", "*", "", "")
"""The caller of an unsigned request: only ACLs can allow it anything."""

_READS = frozenset({"oss:GetObject", "oss:ListObjects"})
_WRITES = frozenset({"oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload",
                     "oss:ListParts", "oss:ListMultipartUploads"})
_TOKEN_ERRORS = {
    "InvalidAccessKeyId.Inactive": E.INVALID_ACCESS_KEY,
    "InvalidSecurityToken.Expired": E.SECURITY_TOKEN_EXPIRED,
}


@dataclass
class _Request:
    """One OSS request in flight through the pipeline."""

    request: web.Request
    address: Address
    raw_query: str
    query: Dict[str, str]
    op: str
    request_id: str


def _security_token(headers: Mapping[str, str], query: Mapping[str, str]) -> Optional[str]:
    return (headers.get("x-oss-security-token") or headers.get("security-token")
            or query.get("security-token") or query.get("x-oss-security-token") or None)


class OssEndpoint(Endpoint[_Request]):
    """Every OSS request (one route: the operation is in the method, path and query)."""

    service = "oss"

    def __init__(self, runtime: Runtime, engine: Callable[[], OssEngine],
                 turn: Callable[[], SharedTurn], addressing: Addressing) -> None:
        self._runtime = runtime
        self._engine = engine
        self._turn = turn
        self._addressing = addressing

    def _request_id(self) -> str:
        return self._runtime.ids.next().replace("-", "")[:24].upper()

    async def read(self, request: web.Request) -> _Request:
        raw_path, _, raw_query = request.raw_path.partition("?")
        try:
            address = self._addressing.resolve(request.host, raw_path)
            query = dict(parse_query(raw_query))
        except UnicodeDecodeError:
            raise E.INVALID_OBJECT_NAME.error() from None
        op = route(request.method, address, query, "x-oss-copy-source" in request.headers)
        return _Request(request, address, raw_query, query, op, self._request_id())

    def authenticate(self, call: _Request) -> Principal:
        request = call.request
        token = _security_token(request.headers, call.query)
        found: Dict[str, Principal] = {}

        def secret_for(access_key_id: str) -> Optional[str]:
            try:
                principal = self._runtime.iam.resolve(access_key_id, token)
            except AuthenticationError as exc:
                if exc.code == "InvalidAccessKeyId.NotFound":
                    return None
                raise _TOKEN_ERRORS.get(exc.code, E.INVALID_SECURITY_TOKEN).error() from None
            found["principal"] = principal
            return principal.secret

        now = datetime.fromtimestamp(self._runtime.clock(), timezone.utc)
        try:
            verify_request(request.method, call.address.bucket, call.address.key, call.raw_query,
                           request.headers, secret_for, now)
        except SignatureError as exc:
            raise E.OssError(exc.http_status, exc.code, exc.message, exc.ec,
                             dict(exc.details)) from None
        return found.get("principal", ANONYMOUS)

    def api(self, call: _Request) -> str:
        return call.op

    def requirement(self, call: _Request, principal: Principal) -> Requirement:
        return NO_REQUIREMENT  # OSS weighs RAM with ACLs: dispatch authorizes (see above)

    def denied(self, call: _Request, action: str) -> ServiceError:
        return E.ACCESS_DENIED_RAM.error()

    async def dispatch(self, call: _Request, principal: Principal) -> Any:
        address = call.address
        runtime = self._runtime
        engine = self._engine()
        handler_call = Call(call.request, call.op, address, call.query, engine,
                            runtime.settings.account_id, runtime.settings.region, call.request_id,
                            self._authorizer(call, principal), engine.generation, self._turn())
        handler_call.authorize(ACTIONS.get(call.op, "oss:" + call.op), address.bucket, address.key)
        return await HANDLERS[call.op](handler_call)

    def render(self, call: _Request, result: Any) -> web.StreamResponse:
        assert isinstance(result, web.StreamResponse)
        return result

    def render_error(
        self, request: web.Request, call: Optional[_Request], error: ServiceError
    ) -> web.StreamResponse:
        request_id = call.request_id if call is not None else self._request_id()
        ec = getattr(error, "ec", "")
        details: Dict[str, str] = getattr(error, "details", {})
        host = request.host.rsplit(":", 1)[0] if request.host else "localhost"
        if call is not None and call.address.bucket and not call.address.virtual_host:
            host = f"{call.address.bucket}.{host}"
        headers = {"Server": "AliyunOSS", "x-oss-request-id": request_id}
        if ec:
            headers["x-oss-ec"] = ec
        headers.update(getattr(error, "headers", {}))
        if error.http_status == 304:
            return web.Response(status=304, headers=headers)
        body = error_document(error.code, error.message, request_id, host, ec,
                              list(details.items()))
        if request.method == "HEAD":
            headers["x-oss-err"] = error_header(body)
            return web.Response(status=error.http_status, headers=headers)
        headers["Content-Type"] = "application/xml"
        return web.Response(status=error.http_status, body=body, headers=headers)

    def internal_error(self) -> ServiceError:
        return E.INTERNAL_ERROR.error()

    def malformed(self, reason: str) -> ServiceError:
        return E.INVALID_ARGUMENT.error(message=reason)

    # --- who may do what ----------------------------------------------------------------
    def _authorizer(
        self, call: _Request, principal: Principal
    ) -> Callable[[str, Optional[str], Optional[str]], None]:
        runtime = self._runtime
        request = call.request
        context = {
            **request_context(request, runtime.clock()),
            "oss:Prefix": call.query.get("prefix", ""),
            "oss:Delimiter": call.query.get("delimiter", ""),
        }
        account, region = runtime.settings.account_id, runtime.settings.region

        def authorize(action: str, bucket: Optional[str], key: Optional[str]) -> None:
            if principal.is_root:
                return
            decision = Decision.NEUTRAL
            if principal is not ANONYMOUS:
                resource = f"acs:oss:{region}:{account}:" + (
                    "*" if bucket is None else bucket if key is None else f"{bucket}/{key}")
                decision = runtime.iam.decide(principal, action, resource, context)
                if decision is Decision.ALLOW:
                    return
            if decision is not Decision.DENY and self._acl_allows(action, bucket, key):
                return
            if principal is ANONYMOUS:
                raise E.ACCESS_DENIED_ACL.error()
            spec = E.ACCESS_DENIED_RAM_EXPLICIT if decision is Decision.DENY else E.ACCESS_DENIED_RAM
            raise spec.error({"AccessDeniedDetail": f"{decision.value} {action}"})

        return authorize

    def _acl_allows(self, action: str, bucket: Optional[str], key: Optional[str]) -> bool:
        """What public-read / public-read-write ACLs grant to anyone."""
        if bucket is None or action not in _READS | _WRITES:
            return False
        metadata = self._engine().metadata
        record = metadata.get_bucket(bucket)
        if record is None:
            return True  # let the operation answer NoSuchBucket
        acl = record.acl
        if key is not None:
            obj = metadata.get_object(bucket, key)
            if obj is not None and obj.acl != "default":
                acl = obj.acl
        if action in _READS:
            return acl in ("public-read", "public-read-write")
        return acl == "public-read-write"


class OssService(Service):
    """OSS of the emulated account: buckets and objects in SQLite + files (or memory)."""

    name = "oss"
    listener = "oss"
    max_body = limits.MAX_XML_BODY  # object bodies are streamed by the handlers

    def __init__(self, runtime: Runtime, addressing: Optional[Addressing] = None) -> None:
        self._runtime = runtime
        self._engine: Optional[OssEngine] = None
        self._turn: Optional[SharedTurn] = None
        settings = runtime.settings
        self._endpoint = OssEndpoint(
            runtime, lambda: self.engine, self._shared_turn, addressing or Addressing(
                domains=("localhost", *settings.oss_domains), cnames=dict(settings.oss_cnames)))

    @property
    def engine(self) -> OssEngine:
        """The engine (after the emulator started)."""
        if self._engine is None:
            raise RuntimeError("the emulator is not started")
        return self._engine

    def routes(self) -> Sequence[Route]:
        return [Route("*", "/{tail:.*}", self._endpoint)]

    def _shared_turn(self) -> SharedTurn:
        if self._turn is None:
            raise RuntimeError("the emulator is not started")
        return self._turn

    async def open(self) -> None:
        self._turn = SharedTurn()  # on the serving loop (a restarted emulator's is a new one)
        ids = self._runtime.ids
        self._engine = open_oss(self._runtime.data_dir, self._runtime.clock,
                                lambda: ids.next().replace("-", "").upper())

    async def close(self) -> None:
        if self._engine is not None:
            self._engine.metadata.close()
        self._engine = None

    def reset(self) -> None:
        """Drop every bucket, object and multipart upload (in the turn: no blob step runs)."""
        self.engine.clear()

    def turn(self) -> Optional[asyncio.Lock]:
        """Shared by the blob steps requests run in worker threads; a reset takes it alone."""
        return self._turn
