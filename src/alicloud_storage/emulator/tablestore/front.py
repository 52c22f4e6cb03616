"""The Tablestore endpoint: POST /<ApiName> -> verify -> decode -> authorise -> engine -> signed answer.

Every answer, error or not, carries x-ots-contentmd5, x-ots-requestid, x-ots-date and
x-ots-contenttype; it is signed (``authorization``) whenever the request's signature was
verified, so the official SDKs accept it. Failures become ``pb.Error`` bodies with the
service's HTTP status, code and message; nothing reaches the client as a bare 500.
"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from aiohttp import web

from alicloud_storage.emulator.pipeline import Endpoint, Requirement, ServiceError, read_bounded
from alicloud_storage.emulator.ram import AuthenticationError, Principal
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.codec import parse
from alicloud_storage.emulator.tablestore.handlers import Context, Operation
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb

__all__ = ["TablestoreEndpoint", "runs_inline", "INLINE_ROWS"]

_TOKEN_ERRORS = {
    "InvalidAccessKeyId.NotFound": E.ACCESS_KEY_NOT_EXIST,
    "InvalidAccessKeyId.Inactive": E.ACCESS_KEY_DISABLED,
    "InvalidSecurityToken.Expired": E.SECURITY_TOKEN_EXPIRED,
}


_NO_CONTEXT: Mapping[str, str] = MappingProxyType({})

# Calls whose CPU grows with what they carry or return (up to seconds for a full body): they run
# in a worker thread, so no request holds the event loop; so does any call with a large body.
# (BatchGetRow reads at most 100 rows, more are refused before any read: like GetRow it is light.)
_HEAVY_APIS = frozenset({
    "BatchWriteRow", "GetRange", "PutTimeseriesData", "GetTimeseriesData",
    "QueryTimeseriesMeta", "SQLQuery", "CreateSearchIndex", "Search", "ParallelScan",
})
_HEAVY_BODY = 256 * 1024

# A GetRange of at most this many rows is light when nothing in the request can make it skip
# rows (a filter, a column list, a time range: each may scan 5,000 rows to return none): it runs
# inline, where the hop to a worker thread would cost more than the read itself.
INLINE_ROWS = 100


def _small_range(request: Any) -> bool:
    return (
        request.HasField("limit") and request.limit <= INLINE_ROWS and not request.columns_to_get
        and not request.HasField("filter") and not request.HasField("time_range")
    )


def runs_inline(api: str, message: Any, body_size: int) -> bool:
    """Whether a call runs on the event loop (light) rather than in a worker thread (heavy)."""
    if body_size > _HEAVY_BODY:
        return False
    if api == "GetRange":
        return _small_range(message)
    return api not in _HEAVY_APIS


class _UtcText:
    """ISO 8601 UTC texts of a Unix time, formatted once per second (hot path)."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def seconds(self, now: float) -> str:
        """``YYYY-MM-DDTHH:MM:SS`` (no zone)."""
        second = int(now)
        if second != self._second:
            self._second = second
            self._prefix = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return self._prefix

    def micros(self, now: float) -> str:
        """The x-ots-date of a response: microseconds and ``Z``."""
        return f"{self.seconds(now)}.{int((now % 1) * 1_000_000):06d}Z"


class _Call:
    """One Tablestore request in flight."""

    __slots__ = ("request", "api", "body", "verified", "operation", "message")

    def __init__(self, request: web.Request, api: str, body: bytes) -> None:
        self.request = request
        self.api = api
        self.body = body
        self.verified: Optional[auth.VerifiedRequest] = None
        self.operation: Optional[Operation] = None
        self.message: Any = None


def _too_large() -> ServiceError:
    return E.BODY_TOO_LARGE.error()


def _api_of(request: web.Request) -> str:
    return request.path.rstrip("/").rsplit("/", 1)[-1]


class TablestoreEndpoint(Endpoint[_Call]):
    """Every Tablestore API (any method, any path: the API is the last path segment)."""

    service = "tablestore"

    def __init__(
        self, runtime: Runtime, operations: Mapping[str, Operation], context_for: Callable[[str], Context],
    ) -> None:
        settings = runtime.settings
        self._iam = runtime.iam
        self._clock = runtime.clock
        self._ids = runtime.ids
        self._operations = dict(operations)
        self._context_for = context_for
        self._instances = frozenset(settings.instances)
        self._region = settings.region
        self._arn = f"acs:ots:{settings.region}:{settings.account_id}:instance/"
        self._utc = _UtcText()
        self._engine_turn: Optional[Tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = None

    async def read(self, request: web.Request) -> _Call:
        if request.method != "POST":
            raise E.METHOD_NOT_ALLOWED.error()
        body = await read_bounded(request, limits.REQUEST_BODY_BYTES, _too_large)
        return _Call(request, _api_of(request), body)

    def authenticate(self, call: _Call) -> Principal:
        """Check the signature with the secret of the key's principal; the instance must be served."""
        request = call.request
        token = request.headers.get("x-ots-ststoken")
        principals: List[Principal] = []

        def secret_for(access_key_id: str) -> Optional[str]:
            try:
                principal = self._iam.resolve(access_key_id, token)
            except AuthenticationError as exc:
                spec = _TOKEN_ERRORS.get(exc.code, E.SECURITY_TOKEN_INVALID)
                raise spec.error() from None
            principals.append(principal)
            return principal.secret

        now = datetime.fromtimestamp(self._clock(), timezone.utc)
        try:
            verified = auth.verify_request("/" + call.api, request.headers, call.body, secret_for, now, self._region)
        except auth.SignatureError as exc:
            raise E.TablestoreError(exc.http_status, exc.code, exc.message) from None
        if verified.instance_name not in self._instances:
            raise E.INSTANCE_NOT_FOUND.error()
        call.verified = verified
        return principals[0]

    def api(self, call: _Call) -> str:
        return call.api

    def requirement(self, call: _Call, principal: Principal) -> Requirement:
        """Decode the body; ``ots:<Api>`` on every table it touches (or on the instance)."""
        operation = self._operations.get(call.api)
        if operation is None:
            raise E.UNSUPPORTED_OPERATION.error(operation=call.api)
        call.operation = operation
        call.message = message = parse(operation.request, call.body)
        assert call.verified is not None
        arn = self._arn + call.verified.instance_name
        resources: Sequence[str] = [f"{arn}/table/{t}" for t in operation.tables(message)] or [arn]
        return Requirement("ots:" + call.api, resources, _NO_CONTEXT)  # the global keys are the pipeline's

    def denied(self, call: _Call, action: str) -> ServiceError:
        return E.NO_PERMISSION.error()

    def engine_turn(self) -> asyncio.Lock:
        """The engine's one turn on the running loop: held by a call in a worker thread, waited for
        by a light call and by ``reset``, so nothing interleaves with a worker's engine call."""
        loop = asyncio.get_running_loop()
        if self._engine_turn is None or self._engine_turn[0] is not loop:  # (a restarted emulator's new loop)
            self._engine_turn = (loop, asyncio.Lock())
        return self._engine_turn[1]

    async def dispatch(self, call: _Call, principal: Principal) -> Any:
        """Run the operation: inline when light, in a worker thread when heavy; either way one
        engine call at a time (the engine is single-threaded), and the loop stays free. The
        instance's context is looked up in the turn: a reset waited for may have replaced it."""
        assert call.operation is not None and call.verified is not None
        operation, instance, message = call.operation, call.verified.instance_name, call.message
        turn = self.engine_turn()
        try:
            if not runs_inline(call.api, message, len(call.body)):
                async with turn:
                    return await asyncio.to_thread(operation.run, self._context_for(instance), message)
            if turn.locked():  # a worker holds the engine: wait for its turn
                async with turn:
                    return operation.run(self._context_for(instance), message)
            return operation.run(self._context_for(instance), message)
        except OTSDecodeError as exc:
            raise E.BROKEN_ROW.error(detail=exc.message) from None

    def render(self, call: _Call, result: Any) -> web.StreamResponse:
        """A response message, or its bytes when the handler wrote them (BatchGetRow)."""
        body = result if isinstance(result, bytes) else result.SerializeToString()
        return self._respond(call.api, 200, body, call.verified)

    def render_error(self, request: web.Request, call: Optional[_Call], error: ServiceError) -> web.StreamResponse:
        body = pb.Error(code=error.code, message=error.message).SerializeToString()
        if call is None:
            return self._respond(_api_of(request), error.http_status, body, None)
        return self._respond(call.api, error.http_status, body, call.verified)

    def internal_error(self) -> ServiceError:
        return E.INTERNAL_ERROR.error()

    def malformed(self, reason: str) -> ServiceError:
        return E.MALFORMED_HEADER.error(reason=reason)

    def _respond(
        self, api: str, status: int, body: bytes, verified: Optional[auth.VerifiedRequest]
    ) -> web.Response:
        headers = {
            "x-ots-contentmd5": auth.content_md5(body),
            "x-ots-requestid": self._ids.next(),
            "x-ots-date": self._utc.micros(self._clock()),
            "x-ots-contenttype": "protocol buffer",
        }
        if verified is not None:
            headers["authorization"] = auth.sign_response(
                "/" + api, headers, verified.access_key_id, verified.signing_key
            )
        return web.Response(status=status, body=body, headers=headers)
