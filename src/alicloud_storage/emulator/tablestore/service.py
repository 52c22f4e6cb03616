"""The emulated Tablestore service: its listener, its SQLite storage and its engines.

The storage (a file under the data directory, or memory) is opened when the emulator
starts and closed when it stops; ``reset`` empties every table and time series table of
every instance. Engines are per instance and made on first use.
"""
from __future__ import annotations

import asyncio
from typing import Dict, Optional, Sequence

from alicloud_storage.emulator.pipeline import Route, Service
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.tablestore import sql, timeseries
from alicloud_storage.emulator.tablestore.engine import Engine
from alicloud_storage.emulator.tablestore.front import TablestoreEndpoint
from alicloud_storage.emulator.tablestore.handlers import OPERATIONS, Context
from alicloud_storage.emulator.tablestore.limits import REQUEST_BODY_BYTES
from alicloud_storage.emulator.tablestore.search import handlers as search
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.emulator.tablestore.timeseries_engine import TimeseriesEngine

__all__ = ["TablestoreService", "DATABASE_FILE"]

DATABASE_FILE = "tablestore.sqlite3"


class TablestoreService(Service):
    """Tablestore (wide tables and time series) of every instance of the emulated account."""

    name = "tablestore"
    listener = "tablestore"
    max_body = REQUEST_BODY_BYTES + 1
    lean = True  # the SDKs' requests skip aiohttp's request machinery (leanhttp.py)

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._storage: Optional[Storage] = None
        self._timeseries: Optional[TimeseriesEngine] = None
        self._contexts: Dict[str, Context] = {}
        self._endpoint = TablestoreEndpoint(
            runtime, {**OPERATIONS, **timeseries.OPERATIONS, **sql.OPERATIONS, **search.OPERATIONS}, self._context_for
        )

    def routes(self) -> Sequence[Route]:
        return [Route("*", "/{tail:.*}", self._endpoint)]

    async def open(self) -> None:
        data_dir = self._runtime.data_dir
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._storage = Storage(str(data_dir / DATABASE_FILE))
        else:
            self._storage = Storage(None)
        self._timeseries = TimeseriesEngine(self._storage, self._runtime.clock)

    async def close(self) -> None:
        if self._storage is not None:
            self._storage.close()
        self._storage = self._timeseries = None
        self._contexts.clear()

    def reset(self) -> None:
        """Drop every table and time series table of every instance."""
        self._require_storage().clear()
        self._contexts.clear()

    def turn(self) -> asyncio.Lock:
        """The engine's turn: heavy calls run in worker threads while they hold it."""
        return self._endpoint.engine_turn()

    def _require_storage(self) -> Storage:
        if self._storage is None:
            raise RuntimeError("the emulator is not started")
        return self._storage

    def _context_for(self, instance: str) -> Context:
        context = self._contexts.get(instance)
        if context is None:
            storage, clock = self._require_storage(), self._runtime.clock
            assert self._timeseries is not None
            context = Context(instance, Engine(storage, clock), self._timeseries, storage, clock)
            self._contexts[instance] = context
        return context
