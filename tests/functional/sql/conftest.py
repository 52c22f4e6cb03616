"""SQL against the emulator: one scenario per client (official SDK, our sync and async)."""
from __future__ import annotations

import asyncio
import importlib.util
import logging
from typing import Any, Callable, Iterator

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient

logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)
_KINDS = ["ours-sync", "ours-async"]
if importlib.util.find_spec("tablestore") is not None:
    _KINDS.insert(0, pytest.param("official", marks=pytest.mark.official))


class _Blocking:
    """exe_sql_query of an AsyncOTSClient run to completion on a private loop."""

    def __init__(self, client: AsyncOTSClient, loop: asyncio.AbstractEventLoop) -> None:
        self._client, self._loop = client, loop

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._client, name)
        return lambda *args: self._loop.run_until_complete(method(*args))


@pytest.fixture(params=_KINDS)
def sql_client(request: pytest.FixtureRequest, tablestore: Emulator) -> Iterator[Any]:
    """A client of the clean session emulator: the official one or ours (sync / async)."""
    args = (tablestore.tablestore_endpoint, tablestore.access_key_id, tablestore.access_key_secret, tablestore.instance)
    if request.param == "official":
        from tablestore import OTSClient as OfficialClient
        from tablestore.retry import NoRetryPolicy

        yield OfficialClient(*args, retry_policy=NoRetryPolicy(), logger_name="tablestore-client")
    elif request.param == "ours-sync":
        with OTSClient(*args) as client:
            yield client
    else:
        loop = asyncio.new_event_loop()
        client = AsyncOTSClient(*args)
        try:
            yield _Blocking(client, loop)
            loop.run_until_complete(client.close())
        finally:
            loop.close()


@pytest.fixture
def writer(tablestore: Emulator) -> Iterator[OTSClient]:
    """Our sync client, for creating tables and rows."""
    with OTSClient(tablestore.tablestore_endpoint, tablestore.access_key_id, tablestore.access_key_secret,
                   tablestore.instance) as client:
        yield client
