"""The one request pipeline of every emulated service: read -> authenticate -> faults ->
authorize -> dispatch -> render.

A service describes each of its routes with an ``Endpoint``: how to read a request (the
body is the endpoint's to read: whole and bounded, or streamed), how to authenticate it
(its signer's verify side), what it needs to be allowed (action, resources, context), how
to run it and how to render answers and errors (its error table, its response signer).
The pipeline runs those stages in that order for every request, consults the Emulator's
fault injector after authentication and asks RAM's one decision function before dispatch.
"""
from __future__ import annotations

import abc
import asyncio
import logging
import traceback
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Awaitable, Callable, Dict, Generic, List, Mapping, NamedTuple, Optional, Sequence, TypeVar

from aiohttp import web

from alicloud_storage.credentials.base import format_expiration
from alicloud_storage.emulator.faults import FaultInjector
from alicloud_storage.emulator.ram import Iam, Principal

__all__ = [
    "ServiceError", "ErrorSpec", "Requirement", "NO_REQUIREMENT", "Endpoint", "Route", "Service", "Pipeline",
    "read_bounded", "request_context", "text_fault",
]

logger = logging.getLogger(__name__)

_CallT = TypeVar("_CallT")
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServiceError(Exception):
    """A failure a service answers as the real one would: HTTP status, code, message (no secret)."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ErrorSpec:
    """One row of a service's error table; ``template`` is a ``str.format`` pattern."""

    http_status: int
    code: str
    template: str

    def format(self, **params: Any) -> str:
        """The message text for ``params``."""
        return self.template.format(**params)

    def error(self, **params: Any) -> ServiceError:
        """An exception carrying this failure, ready to raise."""
        return ServiceError(self.http_status, self.code, self.format(**params))


class Requirement(NamedTuple):
    """What a request needs to be allowed: ``action`` on every one of ``resources`` (a tuple: hot path)."""

    action: str
    resources: Sequence[str]
    context: Mapping[str, str]


NO_REQUIREMENT = Requirement("", (), MappingProxyType({}))  # the handler itself decides (e.g. sts:AssumeRole)

# Headers a signature or a credential rides on: each may appear once (a second copy could
# carry what the first one's signature does not cover).
_SINGLE_HEADERS = frozenset({"authorization", "security-token", "x-oss-security-token", "x-oss-date",
                             "x-oss-content-sha256", "content-md5", "date"})
_SINGLE_PREFIXES = ("x-ots-", "x-acs-")


def text_fault(request: web.Request) -> Optional[str]:
    """Why the request's headers cannot be trusted as text (None when they can): a value that
    is not UTF-8 (aiohttp hands such bytes over as lone surrogates), or a credential header
    sent twice. The reason never quotes what the client sent."""
    headers = request.headers
    if len({name.lower() for name, _ in headers.items()}) == len(headers) and "".join(headers.values()).isascii():
        return None  # (the usual request, at a glance: every header once, all ASCII)
    seen = set()
    for name, value in headers.items():
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "A header value is not valid UTF-8 text."
        lowered = name.lower()
        if lowered in _SINGLE_HEADERS or lowered.startswith(_SINGLE_PREFIXES):
            if lowered in seen:
                return "A signature or credential header appears more than once."
            seen.add(lowered)
    return None


def request_context(request: web.Request, now: float) -> Dict[str, str]:
    """The global condition keys of a request (``acs:SourceIp``, ``acs:SecureTransport``,
    ``acs:CurrentTime``, ``acs:UserAgent``): every route's policies see them."""
    return {
        "acs:SourceIp": request.remote or "",
        "acs:SecureTransport": "true" if request.secure else "false",
        "acs:CurrentTime": format_expiration(now),
        "acs:UserAgent": request.headers.get("User-Agent", ""),
    }


class Endpoint(abc.ABC, Generic[_CallT]):
    """The stages of one route, generic in the endpoint's view of one request in flight."""

    service = ""  # the name faults are injected under

    @abc.abstractmethod
    async def read(self, request: web.Request) -> _CallT:
        """Check the request line and read as much of the body as authentication needs."""

    @abc.abstractmethod
    def authenticate(self, call: _CallT) -> Principal:
        """Verify the signature; the caller behind it."""

    @abc.abstractmethod
    def api(self, call: _CallT) -> str:
        """The API name of an authenticated call (what faults are injected for)."""

    @abc.abstractmethod
    def requirement(self, call: _CallT, principal: Principal) -> Requirement:
        """What the call needs to be allowed (may decode the request)."""

    @abc.abstractmethod
    def denied(self, call: _CallT, action: str) -> ServiceError:
        """The error of a call RAM does not allow."""

    @abc.abstractmethod
    async def dispatch(self, call: _CallT, principal: Principal) -> Any:
        """Run the call; its result."""

    @abc.abstractmethod
    def render(self, call: _CallT, result: Any) -> web.StreamResponse:
        """The answer of a call that succeeded."""

    @abc.abstractmethod
    def render_error(self, request: web.Request, call: Optional[_CallT], error: ServiceError) -> web.StreamResponse:
        """The answer of a failure (``call`` is None when reading the request failed)."""

    @abc.abstractmethod
    def internal_error(self) -> ServiceError:
        """What an unexpected exception (an emulator bug) is answered as."""

    def malformed(self, reason: str) -> ServiceError:
        """The service's 4xx for a request whose headers are not trustworthy text (``text_fault``);
        every built-in service answers its own error code."""
        return ServiceError(400, "InvalidRequest", reason)


@dataclass(frozen=True)
class Route:
    """One route of a service: HTTP method (``*`` = any), path pattern, endpoint."""

    method: str
    path: str
    endpoint: "Endpoint[Any]"


class Service(abc.ABC):
    """An emulated service: its listener, its routes and its state's lifecycle."""

    name = ""
    listener = ""  # the listener (port) it is served on; services may share one
    prefix = ""  # a path prefix of its own on a shared listener ("" = the listener's root)
    max_body = 1 << 20  # the largest body it reads whole
    # Whether its plain requests may be served by the lean HTTP front (``leanhttp.py``): a service
    # with one catch-all route at the listener's root whose endpoint reads only what
    # ``LeanRequest`` carries (method, path, headers, content length and body, remote, secure).
    lean = False

    @abc.abstractmethod
    def routes(self) -> Sequence[Route]:
        """Every route of the service."""

    async def open(self) -> None:
        """Acquire the service's resources (before the listener accepts requests)."""

    async def close(self) -> None:
        """Release them (after the listener stopped)."""

    def reset(self) -> None:
        """Drop every piece of state a test or a user created (on the emulator's loop, in its turn)."""

    def turn(self) -> Optional[asyncio.Lock]:
        """The lock its calls running in worker threads hold (None: it runs none there); ``reset``
        is run in it, so a reset never lands in the middle of such a call."""
        return None


class Pipeline:
    """Runs every endpoint's stages in the one order; holds RAM and the fault injector."""

    def __init__(self, iam: Iam, faults: FaultInjector, clock: Callable[[], float]) -> None:
        self._iam = iam
        self._faults = faults
        self._clock = clock

    def handler(self, endpoint: "Endpoint[_CallT]") -> _Handler:
        """The aiohttp handler of ``endpoint``."""
        iam, faults, clock = self._iam, self._faults, self._clock

        async def handle(request: web.Request) -> web.StreamResponse:
            call: Optional[_CallT] = None
            try:
                fault_text = text_fault(request)
                if fault_text is not None:
                    raise endpoint.malformed(fault_text)
                call = await endpoint.read(request)
                principal = endpoint.authenticate(call)
                fault = faults.take(endpoint.service, endpoint.api(call))
                if fault is not None:
                    if fault.delay:
                        await faults.sleep(fault.delay)
                    if fault.code is not None:
                        raise ServiceError(fault.http_status, fault.code, fault.message)
                need = endpoint.requirement(call, principal)
                if need.resources and not principal.is_root:  # root may do everything: nothing to decide
                    context = {**need.context, **request_context(request, clock())}
                    for resource in need.resources:
                        if not iam.is_allowed(principal, need.action, resource, context):
                            raise endpoint.denied(call, need.action)
                result = await endpoint.dispatch(call, principal)
                return endpoint.render(call, result)
            except ServiceError as exc:
                logger.debug("%s request -> %s %s", endpoint.service, exc.http_status, exc.code)
                return endpoint.render_error(request, call, exc)
            except Exception as exc:  # an emulator bug must still look like the service's 500
                # The stack and the exception's type only: its message may quote the request.
                logger.error("internal error (%s) while serving a %s request; stack:\n%s", type(exc).__name__,
                             endpoint.service, "".join(traceback.format_tb(exc.__traceback__)))
                return endpoint.render_error(request, call, endpoint.internal_error())

        return handle


async def read_bounded(request: web.Request, limit: int, too_large: Callable[[], ServiceError]) -> bytes:
    """The whole body, read as it arrives; ``too_large()`` is raised past ``limit`` bytes
    (at once when Content-Length says so, else as soon as the chunks received exceed it)."""
    length = request.content_length
    content = request.content
    if length is not None:
        if length > limit:
            raise too_large()
        return await content.readexactly(length) if length else b""
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk = await content.readany()
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise too_large()
        chunks.append(chunk)
