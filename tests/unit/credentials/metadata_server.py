"""A loopback aiohttp stand-in for the ECS metadata service and a credentials URI."""
from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web

TOKEN = "imds-session-token"


class FakeMetadata:
    """Serves the IMDS paths (token flow optional) and ``/uri``; records each request."""

    def __init__(self, role: str = "EcsRole", tokens: bool = True) -> None:
        self.role = role
        self.tokens = tokens
        self.credentials: Dict[str, Any] = {
            "Code": "Success", "AccessKeyId": "STS.ecs", "AccessKeySecret": "ecs-secret-value",
            "SecurityToken": "ecs-token-value", "Expiration": "2099-01-01T00:00:00Z",
            "LastUpdated": "2024-01-01T00:00:00Z",
        }
        self.status = 200
        self.seen: List[Tuple[str, str, Optional[str]]] = []
        self._loop = asyncio.new_event_loop()
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self.url = ""

    async def _token(self, request: web.Request) -> web.Response:
        self.seen.append(("PUT", request.path, request.headers.get("X-aliyun-ecs-metadata-token-ttl-seconds")))
        if not self.tokens:
            return web.Response(status=403)
        return web.Response(text=TOKEN)

    async def _get(self, request: web.Request) -> web.Response:
        token = request.headers.get("X-aliyun-ecs-metadata-token")
        self.seen.append(("GET", request.path, token))
        if self.tokens and token != TOKEN:
            return web.Response(status=401)
        base = "/latest/meta-data/ram/security-credentials/"
        if request.path == base:
            return web.Response(text=self.role)
        if request.path == base + self.role:
            return web.Response(status=self.status, text=json.dumps(self.credentials))
        return web.Response(status=404)

    async def _uri(self, request: web.Request) -> web.Response:
        self.seen.append(("GET", request.path, None))
        return web.Response(status=self.status, text=json.dumps(self.credentials))

    def __enter__(self) -> "FakeMetadata":
        app = web.Application()
        app.router.add_put("/latest/api/token", self._token)
        app.router.add_get("/latest/meta-data/ram/security-credentials/{tail:.*}", self._get)
        app.router.add_get("/uri", self._uri)

        async def start() -> str:
            self._runner = web.AppRunner(app, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            return f"http://127.0.0.1:{self._runner.addresses[0][1]}"

        self.url = self._loop.run_until_complete(start())
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join()
        self._loop.close()
