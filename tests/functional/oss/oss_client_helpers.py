"""Our OSS clients configured for the local server, sync and async behind one adapter."""
from __future__ import annotations

import asyncio
import inspect
from typing import Any

import alicloud_storage.oss as oss
from oss_server import AK, SK, OssServer


def make_config(server: OssServer, **changes: Any) -> oss.config.Config:
    cfg = oss.config.load_default()
    cfg.region = "cn-hangzhou"
    cfg.endpoint = server.endpoint
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    cfg.retryer = oss.retry.StandardRetryer(base_delay=0.001, max_backoff=0.002)
    for name, value in changes.items():
        setattr(cfg, name, value)
    return cfg


class Shell:
    """Calls the sync client directly, or runs the async client's coroutine to completion."""

    def __init__(self, kind: str, cfg: oss.config.Config) -> None:
        self.kind = kind
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self.client: Any = oss.AsyncClient(cfg) if kind == "async" else oss.Client(cfg)

    def __getattr__(self, name: str) -> Any:
        target = getattr(self.client, name)
        if self.loop is None:
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            result = target(*args, **kwargs)
            if inspect.isawaitable(result):
                assert self.loop is not None
                return self.loop.run_until_complete(result)
            return result

        return call

    def read(self, body: Any) -> bytes:
        if self.loop is None:
            return bytes(body.read())
        return bytes(self.loop.run_until_complete(body.read()))

    def read_some(self, body: Any, size: int) -> bytes:
        if self.loop is None:
            return bytes(body.read(size))
        return bytes(self.loop.run_until_complete(body.read(size)))

    def close_body(self, body: Any) -> None:
        if self.loop is None:
            body.close()
        else:
            self.loop.run_until_complete(body.close())

    def pages(self, paginator: Any, request: Any) -> list:
        if self.loop is None:
            return list(paginator.iter_page(request))

        async def collect() -> list:
            return [page async for page in paginator.iter_page(request)]

        return self.loop.run_until_complete(collect())

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.client.close())
            self.loop.close()
        else:
            self.client.close()
