"""The Emulator: Tablestore and STS endpoints of one emulated account on loopback.

    with Emulator(memory=True) as emu:
        client = OTSClient(emu.tablestore_endpoint, emu.access_key_id,
                           emu.access_key_secret, emu.instance)

One aiohttp event loop serves every listener; ``start()`` runs it in a background
thread, ``await start_async()`` in the caller's loop. All state (RAM, tables, faults,
random ids) belongs to the instance. Admin endpoints live under ``/_emulator/`` on the
Tablestore listener: ``GET health``, ``POST reset``, ``POST faults``, ``/ram...``; like the
RAM routes, each request must be signed (ACS3-HMAC-SHA256) by the root AccessKey pair or
by a RAM user allowed ``emulator:Health`` / ``emulator:Reset`` / ``emulator:InjectFault``.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from aiohttp import web

from alicloud_storage.emulator.config import default_data_dir, load_config_file, resolve_settings
from alicloud_storage.emulator.ram import Iam
from alicloud_storage.emulator.ram.admin import ram_admin_routes
from alicloud_storage.emulator.sts.app import create_sts_app
from alicloud_storage.emulator.sts.errors import StsServiceError
from alicloud_storage.emulator.sts.verify import NonceCache, authenticate, pop_request
from alicloud_storage.emulator.tablestore import timeseries
from alicloud_storage.emulator.tablestore.engine import Engine
from alicloud_storage.emulator.tablestore.front import Fault, FaultBook, TablestoreFront
from alicloud_storage.emulator.tablestore.handlers import OPERATIONS, Context, Operation
from alicloud_storage.emulator.tablestore.limits import REQUEST_BODY_BYTES
from alicloud_storage.emulator.tablestore.storage import Storage

__all__ = ["Emulator", "ADMIN_PREFIX", "DATABASE_FILE"]

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/_emulator"
DATABASE_FILE = "tablestore.sqlite3"
_GRACE_SECONDS = 5.0  # how long stop() lets in-flight requests (e.g. injected delays) finish
# The Tablestore front's dispatch table: the wide-table APIs and the time series APIs
# (whose tables live in the same database, so Emulator.reset() empties them too).
_OPERATIONS: Dict[str, Operation] = {**OPERATIONS, **timeseries.OPERATIONS}
_AdminAction = Callable[[Dict[str, Any]], Any]
_AdminHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _admin_error(code: str, message: str, status: int) -> web.Response:
    """The admin routes' error answer, shaped as the RAM admin routes' ones."""
    return web.json_response({"Code": code, "Message": message}, status=status)


class Emulator:
    """An emulated Alibaba Cloud account: Tablestore instances, STS and RAM."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sts_port: int = 0,
        data_dir: Union[str, Path, None] = None,
        memory: bool = False,
        instances: Optional[Sequence[str]] = None,
        region: Optional[str] = None,
        account_id: Optional[str] = None,
        access_key_id: Optional[str] = None,
        access_key_secret: Optional[str] = None,
        tls_cert: Union[str, Path, None] = None,
        tls_key: Union[str, Path, None] = None,
        clock: Callable[[], float] = time.time,
        config: Union[str, Path, Mapping[str, Any], None] = None,
        seed: Optional[int] = None,
        environ: Optional[Mapping[str, str]] = None,
    ) -> None:
        if isinstance(config, (str, Path)):
            config = load_config_file(config)
        self._settings = resolve_settings(
            instances=instances, region=region, account_id=account_id,
            access_key_id=access_key_id, access_key_secret=access_key_secret,
            config=config, environ=environ,
        )
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        self._host = host
        self._port = port
        self._sts_port = sts_port
        self._data_dir = None if memory else Path(data_dir) if data_dir else default_data_dir()
        self._tls = (str(tls_cert), str(tls_key)) if tls_cert else None
        self._clock = clock
        self._rng = random.Random(seed)
        s = self._settings
        self.iam = Iam(s.account_id, s.access_key_id, s.access_key_secret, clock=clock)
        if s.ram:
            self.iam.load_config(s.ram)
        self._faults = FaultBook()
        self._storage: Optional[Storage] = None
        self._contexts: Dict[str, Context] = {}
        self._runners: List[web.AppRunner] = []
        self._front: Optional[TablestoreFront] = None
        self._tablestore_endpoint: Optional[str] = None
        self._sts_endpoint: Optional[str] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    # --- identity ------------------------------------------------------------------
    @property
    def tablestore_endpoint(self) -> str:
        """``http(s)://host:port`` of the Tablestore API (after start)."""
        if self._tablestore_endpoint is None:
            raise RuntimeError("the emulator is not started")
        return self._tablestore_endpoint

    @property
    def sts_endpoint(self) -> Optional[str]:
        """``http(s)://host:port`` of the STS API (after start; None before)."""
        return self._sts_endpoint

    @property
    def instance(self) -> str:
        """The default instance (the first one declared)."""
        return self._settings.instances[0]

    @property
    def instances(self) -> Tuple[str, ...]:
        """Every instance served."""
        return self._settings.instances

    @property
    def region(self) -> str:
        return self._settings.region

    @property
    def account_id(self) -> str:
        return self._settings.account_id

    @property
    def access_key_id(self) -> str:
        """The root AccessKey id of the emulated account."""
        return self._settings.access_key_id

    @property
    def access_key_secret(self) -> str:
        """The root AccessKey secret of the emulated account."""
        return self._settings.access_key_secret

    @property
    def data_dir(self) -> Optional[Path]:
        """Where the database lives; None in memory mode."""
        return self._data_dir

    def ready_info(self) -> Dict[str, Any]:
        """What ``alicloud-storage serve`` prints as its first line once ready."""
        return {
            "tablestore_endpoint": self.tablestore_endpoint,
            "sts_endpoint": self.sts_endpoint,
            "region": self.region,
            "instance": self.instance,
            "instances": list(self.instances),
            "account_id": self.account_id,
            "access_key_id": self.access_key_id,
            "access_key_secret": self.access_key_secret,
            "data_dir": None if self._data_dir is None else str(self._data_dir),
        }

    def __repr__(self) -> str:
        return f"Emulator(tablestore_endpoint={self._tablestore_endpoint!r}, instances={self.instances!r})"

    # --- test controls -------------------------------------------------------------
    def inject_fault(
        self,
        api: str,
        code: Optional[str],
        message: str = "",
        http_status: int = 503,
        count: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``count`` ``api`` requests with this error after ``delay`` s.

        ``code=None`` means: only delay, then serve normally (for read-timeout tests).
        """
        self._faults.add(api, Fault(code, message, http_status, delay), count)

    def reset(self) -> None:
        """Drop every table of every instance and every pending fault."""
        self._faults.clear()
        self._in_loop(self._require_storage().clear)

    def _require_storage(self) -> Storage:
        if self._storage is None:
            raise RuntimeError("the emulator is not started")
        return self._storage

    def _in_loop(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the emulator's loop thread (storage is only touched there)."""
        if self._thread is None or threading.current_thread() is self._thread:
            return fn()
        assert self._loop is not None

        async def call() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result()

    # --- lifecycle -----------------------------------------------------------------
    def _context_for(self, instance: str) -> Context:
        context = self._contexts.get(instance)
        if context is None:
            storage = self._require_storage()
            context = Context(instance, Engine(storage, self._clock), storage, self._clock)
            self._contexts[instance] = context
        return context

    def _ssl_context(self) -> Optional[ssl.SSLContext]:
        if self._tls is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self._tls)
        return context

    async def _listen(self, app: web.Application, port: int, tls: Optional[ssl.SSLContext]) -> str:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=_GRACE_SECONDS)
        await runner.setup()
        self._runners.append(runner)
        site = web.TCPSite(runner, self._host, port, ssl_context=tls)
        await site.start()
        bound = runner.addresses[0][1]
        host = "127.0.0.1" if self._host in ("", "0.0.0.0") else self._host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if tls else 'http'}://{host}:{bound}"

    def _admin_guard(self, action: str, run: _AdminAction, nonces: NonceCache) -> _AdminHandler:
        """A handler that runs ``run(json_body)`` for callers signed in and allowed ``action``."""
        iam, resource = self.iam, f"acs:emulator:*:{self.account_id}:*"

        async def handler(request: web.Request) -> web.StreamResponse:
            pop = await pop_request(request)
            try:
                principal = authenticate(pop, iam, iam.clock(), nonces).principal
            except StsServiceError as exc:
                return _admin_error(exc.code, (
                    f"{exc.message} Admin requests must be signed with ACS3-HMAC-SHA256 (as "
                    f"`alicloud-storage ram` signs) by the root AccessKey pair or a RAM user "
                    f"allowed {action}."
                ), 403)
            if not iam.is_allowed(principal, action, resource, {"acs:SourceIp": request.remote or ""}):
                return _admin_error("NoPermission", f"You are not authorized to do {action}.", 403)
            try:
                payload = json.loads(pop.body) if pop.body else {}
                if not isinstance(payload, dict):
                    raise TypeError("the body must be a JSON object")
                result = run(payload)
            except (KeyError, TypeError, ValueError) as exc:
                return _admin_error("InvalidParameter", f"Bad or missing field: {exc}", 400)
            return web.json_response({} if result is None else result)

        return handler

    def _admin_app(self) -> web.Application:
        admin = web.Application()
        nonces = NonceCache()

        def health(payload: Dict[str, Any]) -> Dict[str, Any]:
            info = self.ready_info()
            del info["access_key_secret"]  # the caller already holds a key: no secret here
            return info

        def faults(spec: Dict[str, Any]) -> None:
            self.inject_fault(
                str(spec["api"]), spec.get("code"), str(spec.get("message", "")),
                int(spec.get("http_status", 503)), int(spec.get("count", 1)),
                float(spec.get("delay", 0.0)),
            )

        admin.add_routes([
            web.get("/health", self._admin_guard("emulator:Health", health, nonces)),
            web.post("/reset", self._admin_guard("emulator:Reset", lambda _: self.reset(), nonces)),
            web.post("/faults", self._admin_guard("emulator:InjectFault", faults, nonces)),
            *ram_admin_routes(self.iam),
        ])
        return admin

    async def start_async(self) -> "Emulator":
        """Open the database and start the listeners in the running event loop."""
        if self._data_dir is not None:
            self._data_dir.mkdir(parents=True, exist_ok=True)
            self._storage = Storage(str(self._data_dir / DATABASE_FILE))
        else:
            self._storage = Storage(None)
        self._front = front = TablestoreFront(
            iam=self.iam, context_for=self._context_for, operations=_OPERATIONS,
            instances=self.instances, region=self.region, account_id=self.account_id,
            clock=self._clock, rng=self._rng, faults=self._faults,
        )
        tls = self._ssl_context()
        app = web.Application(client_max_size=REQUEST_BODY_BYTES + 1)
        app.add_subapp(ADMIN_PREFIX, self._admin_app())
        app.router.add_route("*", "/{tail:.*}", front.handle)
        try:
            self._tablestore_endpoint = await self._listen(app, self._port, tls)
            sts_app = create_sts_app(self.iam, self.region, self._clock)
            self._sts_endpoint = await self._listen(sts_app, self._sts_port, tls)
        except BaseException:
            await self.stop_async()
            raise
        logger.info("emulator ready at %s", self._tablestore_endpoint)
        return self

    async def stop_async(self) -> None:
        """Close the listeners (in-flight requests finish) and the database."""
        if self._front is not None:
            self._front.close()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        if self._storage is not None:
            self._storage.close()
            self._storage = None
        self._contexts.clear()

    def start(self) -> "Emulator":
        """Start serving from a background thread; returns once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already started")
        ready: "Future[None]" = Future()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as exc:
                loop.close()
                ready.set_exception(exc)
                return
            ready.set_result(None)
            loop.run_forever()
            loop.run_until_complete(self.stop_async())
            loop.close()

        self._thread = threading.Thread(target=run, name="alicloud-storage-emulator", daemon=True)
        self._thread.start()
        try:
            ready.result()
        except BaseException:
            self._thread.join()
            self._thread = None
            raise
        return self

    def stop(self) -> None:
        """Stop serving and close the database (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = self._loop = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> "Emulator":
        return await self.start_async()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop_async()
