"""The Tablestore front: POST /<ApiName> -> verify -> decode -> authorise -> engine -> signed answer.

Every answer, error or not, carries x-ots-contentmd5, x-ots-requestid, x-ots-date and
x-ots-contenttype; it is signed (``authorization``) whenever the request's signature was
verified, so the official SDKs accept it. Failures become ``pb.Error`` bodies with the
service's HTTP status, code and message; nothing reaches the client as a bare 500.
"""
from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Sequence, Tuple

from aiohttp import web

from alicloud_storage.emulator.ram import AuthenticationError, Iam, Principal
from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.codec import parse
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.handlers import Context, Operation
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.errors import OTSDecodeError
from alicloud_storage.tablestore.wire import pb

__all__ = ["Fault", "FaultBook", "TablestoreFront"]

logger = logging.getLogger(__name__)

_TOKEN_ERRORS = {
    "InvalidAccessKeyId.NotFound": E.ACCESS_KEY_NOT_EXIST,
    "InvalidAccessKeyId.Inactive": E.ACCESS_KEY_DISABLED,
    "InvalidSecurityToken.Expired": E.SECURITY_TOKEN_EXPIRED,
}


@dataclass(frozen=True)
class Fault:
    """An injected failure: sleep ``delay`` s, then answer the error (or serve, if ``code`` is None)."""

    code: Optional[str]
    message: str = ""
    http_status: int = 503
    delay: float = 0.0


class FaultBook:
    """Pending injected faults per API, consumed one per request (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Dict[str, Deque[Fault]] = {}

    def add(self, api: str, fault: Fault, count: int) -> None:
        """Queue ``fault`` for the next ``count`` requests of ``api``."""
        with self._lock:
            self._pending.setdefault(api, deque()).extend([fault] * count)

    def take(self, api: str) -> Optional[Fault]:
        """The next fault for ``api``, if any."""
        with self._lock:
            queue = self._pending.get(api)
            return queue.popleft() if queue else None

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()


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


class TablestoreFront:
    """The aiohttp handler of the Tablestore endpoint of one emulated account."""

    def __init__(
        self,
        *,
        iam: Iam,
        context_for: Callable[[str], Context],
        operations: Mapping[str, Operation],
        instances: Sequence[str],
        region: str,
        account_id: str,
        clock: Callable[[], float],
        rng: random.Random,
        faults: FaultBook,
    ) -> None:
        self._iam = iam
        self._context_for = context_for
        self._operations = dict(operations)
        self._instances = frozenset(instances)
        self._region = region
        self._account_id = account_id
        self._clock = clock
        self._rng = rng
        self._faults = faults
        self._utc = _UtcText()
        self._closing: Optional[asyncio.Event] = None

    # --- HTTP ----------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.Response:
        """Answer one request (any method, any path: the API is the last path segment)."""
        api = request.path.rstrip("/").rsplit("/", 1)[-1]
        verified: Optional[auth.VerifiedRequest] = None
        try:
            if request.method != "POST":
                raise E.METHOD_NOT_ALLOWED.error()
            body = await self._read_body(request)
            verified, principal = self._verify(api, request, body)
            fault = self._faults.take(api)
            if fault is not None:
                if fault.delay:
                    await self._sleep(fault.delay)
                if fault.code is not None:
                    raise TablestoreError(fault.http_status, fault.code, fault.message)
            message = self._run(api, request, body, verified, principal)
            return self._respond(api, 200, message.SerializeToString(), verified)
        except TablestoreError as exc:
            logger.debug("%s -> %s %s", api, exc.http_status, exc.code)
            return self._error(api, exc.http_status, exc.code, exc.message, verified)
        except auth.SignatureError as exc:
            logger.debug("%s -> %s %s", api, exc.http_status, exc.code)
            return self._error(api, exc.http_status, exc.code, exc.message, None)
        except Exception:  # an emulator bug must still look like the service's 500
            logger.exception("internal error while serving %s", api)
            spec = E.INTERNAL_ERROR
            return self._error(api, spec.http_status, spec.code, spec.template, verified)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the emulator is stopping."""
        if self._closing is None:
            self._closing = asyncio.Event()
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    def close(self) -> None:
        """End injected delays now (called from the loop when the emulator stops)."""
        if self._closing is not None:
            self._closing.set()

    @staticmethod
    async def _read_body(request: web.Request) -> bytes:
        if request.content_length is not None and request.content_length > limits.REQUEST_BODY_BYTES:
            raise E.BODY_TOO_LARGE.error()
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise E.BODY_TOO_LARGE.error() from None
        if len(body) > limits.REQUEST_BODY_BYTES:
            raise E.BODY_TOO_LARGE.error()
        return body

    def _verify(
        self, api: str, request: web.Request, body: bytes
    ) -> Tuple[auth.VerifiedRequest, Principal]:
        """Check the signature with the secret of the key's principal; both are returned."""
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
        verified = auth.verify_request("/" + api, request.headers, body, secret_for, now, self._region)
        if verified.instance_name not in self._instances:
            raise E.INSTANCE_NOT_FOUND.error()
        return verified, principals[0]

    def _run(
        self, api: str, request: web.Request, body: bytes, verified: auth.VerifiedRequest,
        principal: Principal,
    ) -> Any:
        """Decode, authorise every resource the request touches, run the operation."""
        operation = self._operations.get(api)
        if operation is None:
            raise E.UNSUPPORTED_OPERATION.error(operation=api)
        message = parse(operation.request, body)
        instance = verified.instance_name
        arn = f"acs:ots:{self._region}:{self._account_id}:instance/{instance}"
        resources = [f"{arn}/table/{t}" for t in operation.tables(message)] or [arn]
        context = {
            "acs:SourceIp": request.remote or "",
            "acs:CurrentTime": self._utc.seconds(self._clock()) + "Z",
            "acs:SecureTransport": "true" if request.secure else "false",
        }
        for resource in resources:
            if not self._iam.is_allowed(principal, "ots:" + api, resource, context):
                raise E.NO_PERMISSION.error()
        try:
            return operation.run(self._context_for(instance), message)
        except OTSDecodeError as exc:
            raise E.BROKEN_ROW.error(detail=exc.message) from None

    # --- answers -------------------------------------------------------------------
    def _request_id(self) -> str:
        bits = self._rng.getrandbits(128)
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def _error(
        self, api: str, status: int, code: str, message: str, verified: Optional[auth.VerifiedRequest]
    ) -> web.Response:
        body = pb.Error(code=code, message=message).SerializeToString()
        return self._respond(api, status, body, verified)

    def _respond(
        self, api: str, status: int, body: bytes, verified: Optional[auth.VerifiedRequest]
    ) -> web.Response:
        headers = {
            "x-ots-contentmd5": auth.content_md5(body),
            "x-ots-requestid": self._request_id(),
            "x-ots-date": self._utc.micros(self._clock()),
            "x-ots-contenttype": "protocol buffer",
        }
        if verified is not None:
            headers["authorization"] = auth.sign_response(
                "/" + api, headers, verified.access_key_id, verified.signing_key
            )
        return web.Response(status=status, body=body, headers=headers)
