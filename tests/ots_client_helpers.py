"""Helpers shared by the functional tests that drive our clients (a uniquely named module at
the root of tests/, which is on sys.path through tests/conftest.py)."""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Iterator

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient


class AsyncAsSync:
    """Blocking view of an AsyncOTSClient: every coroutine runs to completion on ``loop``."""

    def __init__(self, client: AsyncOTSClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if inspect.isasyncgenfunction(getattr(type(self._client), name, None)):
            return lambda *args, **kwargs: self._iterate(attribute(*args, **kwargs))
        if inspect.iscoroutinefunction(attribute):
            return lambda *args, **kwargs: self._loop.run_until_complete(attribute(*args, **kwargs))
        return attribute

    def _iterate(self, agen: Any) -> Iterator[Any]:
        while True:
            try:
                yield self._loop.run_until_complete(agen.__anext__())
            except StopAsyncIteration:
                return


def make_client(emu: Emulator, mode: str, signature: str, **kwargs: Any) -> Any:
    """A client of kind ``mode`` ("sync"/"async") signing with ``signature`` ("v2"/"v4")."""
    if signature == "v4":
        kwargs.setdefault("region", emu.region)
    args = (emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance)
    if mode == "sync":
        return OTSClient(*args, **kwargs)
    return AsyncOTSClient(*args, **kwargs)


def official_client(emu: Emulator) -> Any:
    """The official OTSClient pointed at the emulator, without retries, logging to
    "tablestore-client" (which the tests silence: it logs every service error)."""
    from tablestore import OTSClient as OfficialClient
    from tablestore.retry import NoRetryPolicy

    return OfficialClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance,
        retry_policy=NoRetryPolicy(), logger_name="tablestore-client",
    )
