"""A service plugs into the Emulator without touching the server: its own listener, the
one pipeline (authenticate, faults, RAM, dispatch, render), streamed bodies, reset and close.

The ``Counter`` service below is what OSS does at full size: a factory in the registry.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Sequence, Tuple
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from aiohttp import web

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.pipeline import Endpoint, ErrorSpec, Requirement, Route, Service, ServiceError
from alicloud_storage.emulator.ram import AuthenticationError, Principal
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.services import SERVICES

UNKNOWN_KEY = ErrorSpec(403, "UnknownKey", "No such key.")
DENIED = ErrorSpec(403, "Denied", "Not allowed: {action}.")
BROKEN = ErrorSpec(500, "Broken", "The counter broke.")
BIG = 3 * 1024 * 1024  # over aiohttp's 1 MiB client_max_size: the body must be streamed


@dataclass
class _Call:
    request: web.Request
    api: str


class _CounterEndpoint(Endpoint[_Call]):
    service = "counter"

    def __init__(self, runtime: Runtime, owner: "CounterService") -> None:
        self._runtime = runtime
        self._owner = owner

    async def read(self, request: web.Request) -> _Call:
        return _Call(request, request.match_info["api"])  # the body stays unread here

    def authenticate(self, call: _Call) -> Principal:
        try:
            return self._runtime.iam.resolve(call.request.headers.get("x-key", ""), None)
        except AuthenticationError:
            raise UNKNOWN_KEY.error() from None

    def api(self, call: _Call) -> str:
        return call.api

    def requirement(self, call: _Call, principal: Principal) -> Requirement:
        return Requirement(f"counter:{call.api}", (f"acs:counter:*:{principal.account_id}:*",), {})

    def denied(self, call: _Call, action: str) -> ServiceError:
        return DENIED.error(action=action)

    async def dispatch(self, call: _Call, principal: Principal) -> Any:
        if call.api == "Break":
            raise RuntimeError("a bug")
        digest, size = hashlib.sha256(), 0
        async for chunk in call.request.content.iter_chunked(64 * 1024):
            digest.update(chunk)
            size += len(chunk)
        self._owner.count += 1
        return {"size": size, "sha256": digest.hexdigest(), "count": self._owner.count}

    def render(self, call: _Call, result: Any) -> web.StreamResponse:
        return web.json_response(result)

    def render_error(self, request: web.Request, call: Optional[_Call], error: ServiceError) -> web.StreamResponse:
        return web.json_response({"Code": error.code, "Message": error.message}, status=error.http_status)

    def internal_error(self) -> ServiceError:
        return BROKEN.error()


class CounterService(Service):
    name = "counter"
    listener = "counter"

    def __init__(self, runtime: Runtime) -> None:
        self.count = 0
        self.events: List[str] = []
        self._endpoint = _CounterEndpoint(runtime, self)
        INSTANCES.append(self)

    def routes(self) -> Sequence[Route]:
        return [Route("POST", "/{api}", self._endpoint)]

    async def open(self) -> None:
        self.events.append("open")

    async def close(self) -> None:
        self.events.append("close")

    def reset(self) -> None:
        self.count = 0
        self.events.append("reset")


INSTANCES: List[CounterService] = []


@pytest.fixture
def emu() -> Iterator[Emulator]:
    INSTANCES.clear()
    with Emulator(memory=True, services=[*SERVICES, CounterService]) as emulator:
        yield emulator


def post(emu: Emulator, api: str, key: str, body: bytes = b"") -> Tuple[int, Any]:
    request = Request(f"{emu.endpoint('counter')}/{api}", data=body, method="POST", headers={"x-key": key})
    try:
        with urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except HTTPError as refused:
        return refused.code, json.load(refused)


def test_a_registered_service_gets_its_own_listener_and_the_pipeline(emu: Emulator) -> None:
    (service,) = INSTANCES
    assert service.events == ["open"]
    assert emu.endpoint("counter") not in (emu.tablestore_endpoint, emu.sts_endpoint)
    body = bytes(range(256)) * (BIG // 256)
    status, answer = post(emu, "Count", emu.access_key_id, body)
    assert (status, answer) == (200, {"size": BIG, "sha256": hashlib.sha256(body).hexdigest(), "count": 1})

    assert post(emu, "Count", "nobody") == (403, {"Code": UNKNOWN_KEY.code, "Message": UNKNOWN_KEY.template})
    emu.iam.create_user("u")
    key_id, _ = emu.iam.create_access_key("u")
    assert post(emu, "Count", key_id) == (403, {"Code": DENIED.code, "Message": DENIED.format(action="counter:Count")})

    emu.inject_fault("Count", "Busy", "Try later.", 503, count=1, service="counter")
    assert post(emu, "Count", emu.access_key_id) == (503, {"Code": "Busy", "Message": "Try later."})
    assert post(emu, "Count", emu.access_key_id)[1]["count"] == 2
    assert post(emu, "Break", emu.access_key_id) == (500, {"Code": BROKEN.code, "Message": BROKEN.template})

    emu.reset()
    assert service.events == ["open", "reset"] and service.count == 0
    assert post(emu, "Count", key_id)[1]["Code"] == UNKNOWN_KEY.code  # RAM was reset with it


def test_services_are_closed_when_the_emulator_stops() -> None:
    INSTANCES.clear()
    with Emulator(memory=True, services=[CounterService]) as emulator:
        assert emulator.sts_endpoint is None  # only what the registry holds is served
        assert post(emulator, "Count", emulator.access_key_id)[0] == 200
    assert INSTANCES[0].events == ["open", "close"]
