"""The Emulator: the emulated services of one account (Tablestore, OSS, STS, RAM) on loopback.

    with Emulator(memory=True) as emu:
        client = OTSClient(emu.tablestore_endpoint, emu.access_key_id,
                           emu.access_key_secret, emu.instance)

Services come from a registry (``services.SERVICES``, plus the admin API): each names the
listener it is served on and its routes, and every route runs through the one pipeline
(``pipeline.py``). One aiohttp event loop serves every listener; ``start()`` runs it in a
background thread, ``await start_async()`` in the caller's loop. All state (RAM, tables,
faults, nonces, request ids, clock) belongs to the instance; ``reset()`` resets all of it.
The admin API lives under ``/_emulator/`` on the Tablestore listener (see ``admin.py``).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from aiohttp import web

from alicloud_storage.emulator.admin import AdminService
from alicloud_storage.emulator.config import default_data_dir, load_config_file, resolve_settings
from alicloud_storage.emulator.faults import Fault, FaultInjector
from alicloud_storage.emulator.httplog import HTTP_LOGGER
from alicloud_storage.emulator.leanhttp import LeanServer
from alicloud_storage.emulator.oss.service import OssService
from alicloud_storage.emulator.pipeline import Pipeline, Service
from alicloud_storage.emulator.ram import Iam
from alicloud_storage.emulator.runtime import RequestIds, Runtime
from alicloud_storage.emulator.services import SERVICES, ServiceFactory
from alicloud_storage.sts.verify import NonceCache

__all__ = ["Emulator"]

logger = logging.getLogger(__name__)

_GRACE_SECONDS = 5.0  # how long stop() lets in-flight requests (e.g. injected delays) finish


class _LeanRoute(NamedTuple):
    """A listener's route for the lean front: its handler, the prefixes of the listener's other
    services (handed to aiohttp) and its service's body limit."""

    handler: Callable[[Any], Awaitable[web.StreamResponse]]
    handed_over: Tuple[str, ...]
    max_body: int


class Emulator:
    """An emulated Alibaba Cloud account: Tablestore instances, STS and RAM."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sts_port: int = 0,
        oss_port: int = 0,
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
        ports: Optional[Mapping[str, int]] = None,
        services: Sequence[ServiceFactory] = SERVICES,
        oss_domains: Sequence[str] = (),
        oss_cnames: Optional[Mapping[str, str]] = None,
    ) -> None:
        if isinstance(config, (str, Path)):
            config = load_config_file(config)
        self._settings = s = resolve_settings(
            instances=instances, region=region, account_id=account_id,
            access_key_id=access_key_id, access_key_secret=access_key_secret,
            config=config, environ=environ, oss_domains=oss_domains, oss_cnames=oss_cnames,
        )
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        self._host = host
        self._ports: Dict[str, int] = {
            "tablestore": port, "sts": sts_port, "oss": oss_port, **(ports or {})}
        self._data_dir = None if memory else Path(data_dir) if data_dir else default_data_dir()
        self._tls = (str(tls_cert), str(tls_key)) if tls_cert else None
        self.iam = Iam(s.account_id, s.access_key_id, s.access_key_secret, clock=clock)
        self._runtime = Runtime(
            settings=s, iam=self.iam, clock=clock, ids=RequestIds(seed), faults=FaultInjector(),
            nonces=NonceCache(), data_dir=self._data_dir,
        )
        self.iam.reset(s.ram)
        admin = AdminService(self._runtime, self.ready_info, self.reset_async)
        self._services: List[Service] = [admin, *(factory(self._runtime) for factory in services)]
        self._endpoints: Dict[str, str] = {}
        self._runners: List[web.AppRunner] = []
        self._lean_fronts: List[LeanServer] = []
        self._opened: List[Service] = []
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    # --- identity ------------------------------------------------------------------
    @property
    def tablestore_endpoint(self) -> str:
        """``http(s)://host:port`` of the Tablestore API (after start)."""
        return self.endpoint("tablestore")

    @property
    def sts_endpoint(self) -> Optional[str]:
        """``http(s)://host:port`` of the STS API (after start; None before)."""
        return self._endpoints.get("sts")

    @property
    def oss_endpoint(self) -> str:
        """``http(s)://host:port`` of the OSS API (after start)."""
        return self.endpoint("oss")

    def endpoint(self, listener: str) -> str:
        """``http(s)://host:port`` of a listener (``tablestore``, ``sts``, ...) after start."""
        try:
            return self._endpoints[listener]
        except KeyError:
            raise RuntimeError(f"the emulator is not started (no {listener!r} listener)") from None

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
            "oss_endpoint": self._endpoints.get("oss"),
            "region": self.region,
            "instance": self.instance,
            "instances": list(self.instances),
            "account_id": self.account_id,
            "access_key_id": self.access_key_id,
            "access_key_secret": self.access_key_secret,
            "data_dir": None if self._data_dir is None else str(self._data_dir),
        }

    def __repr__(self) -> str:
        return f"Emulator(tablestore_endpoint={self._endpoints.get('tablestore')!r}, instances={self.instances!r})"

    # --- test controls -------------------------------------------------------------
    def inject_fault(
        self,
        api: str,
        code: Optional[str],
        message: str = "",
        http_status: int = 503,
        count: int = 1,
        delay: float = 0.0,
        service: str = "tablestore",
    ) -> None:
        """Answer the next ``count`` ``api`` requests of ``service`` with this error after ``delay`` s.

        ``code=None`` means: only delay, then serve normally (for read-timeout tests).
        """
        self._runtime.faults.add(service, api, Fault(code, message, http_status, delay), count)

    def reset(self) -> None:
        """Back to the configured state: no tables or time series, RAM as configured (every
        other user, key, role, policy and attachment gone, every STS token invalid), no
        nonces, no pending faults, request ids from the seed again. A call running in a worker
        thread (a heavy Tablestore call) finishes first. On the emulator's own running loop,
        where nothing can be waited for, ``await reset_async()`` instead: this one raises
        RuntimeError there while such a call runs."""
        loop = self._started_loop()
        try:
            here: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            if any(turn.locked() for turn in self._turns()):
                raise RuntimeError("a call is running in a worker thread: await reset_async() on the loop")
            self._reset_now()
        elif loop.is_running():
            asyncio.run_coroutine_threadsafe(self.reset_async(), loop).result()
        else:
            loop.run_until_complete(self.reset_async())

    async def reset_async(self) -> None:
        """``reset()`` on the emulator's loop: waits for the calls running in worker threads,
        then resets in their services' turns (no call starts in between)."""
        self._started_loop()
        async with contextlib.AsyncExitStack() as held:
            for turn in self._turns():
                await held.enter_async_context(turn)
            self._reset_now()

    def _started_loop(self) -> asyncio.AbstractEventLoop:
        if not self._opened or self._loop is None:
            raise RuntimeError("the emulator is not started")
        return self._loop

    def _turns(self) -> List[asyncio.Lock]:
        return [turn for turn in (service.turn() for service in self._services) if turn is not None]

    def _reset_now(self) -> None:
        self._runtime.reset()
        for service in self._services:
            service.reset()

    def create_oss_bucket(self, name: str, acl: str = "private") -> None:
        """Create an OSS bucket of the root account directly (test setup, nothing signed)."""
        for service in self._services:
            if isinstance(service, OssService):
                engine = service.engine
                self._in_loop(lambda: engine.create_bucket(name, acl, "Standard", "LRS"))
                return
        raise RuntimeError("this emulator serves no OSS")

    def _in_loop(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the emulator's loop thread (service state is only touched there)."""
        if self._thread is None or threading.current_thread() is self._thread:
            return fn()
        assert self._loop is not None

        async def call() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result()

    # --- lifecycle -----------------------------------------------------------------
    def _ssl_context(self) -> Optional[ssl.SSLContext]:
        if self._tls is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self._tls)
        return context

    def _applications(self) -> Dict[str, Tuple[web.Application, Optional[_LeanRoute]]]:
        """One aiohttp application per listener, holding the routes of every service on it, and
        the lean front's route where a service on it is ``lean``."""
        pipeline = Pipeline(self.iam, self._runtime.faults, self._runtime.clock)
        listeners: Dict[str, List[Service]] = {}
        for service in self._services:
            listeners.setdefault(service.listener, []).append(service)
        apps = {}
        for name, services in listeners.items():
            app = web.Application(client_max_size=max(service.max_body for service in services))
            lean: Optional[_LeanRoute] = None
            for service in services:
                target = web.Application() if service.prefix else app
                for route in service.routes():
                    handler = pipeline.handler(route.endpoint)
                    target.router.add_route(route.method, route.path, handler)
                    if service.lean:
                        prefixes = tuple(other.prefix for other in services if other.prefix)
                        lean = _LeanRoute(handler, prefixes, service.max_body)
                if service.prefix:
                    app.add_subapp(service.prefix, target)
            apps[name] = (app, lean)
        return apps

    async def _listen(self, app: web.Application, lean: Optional[_LeanRoute], port: int,
                      tls: Optional[ssl.SSLContext]) -> str:
        # auto_decompress=False: a Content-Encoding body is never inflated (no zip bomb); OSS keeps it as
        # sent, as the service does, and the Tablestore/STS/admin checks refuse it as the bytes it is.
        runner = web.AppRunner(app, access_log=None, logger=HTTP_LOGGER, auto_decompress=False,
                               shutdown_timeout=_GRACE_SECONDS)
        await runner.setup()
        self._runners.append(runner)
        if lean is None:
            site = web.TCPSite(runner, self._host, port, ssl_context=tls)
            await site.start()
            bound = runner.addresses[0][1]
        else:  # the lean front listens, and hands aiohttp's server what it does not serve
            assert runner.server is not None
            front = LeanServer(lean.handler, lean.handed_over, runner.server, lean.max_body, tls is not None)
            bound = await front.start(self._host, port, tls)
            self._lean_fronts.append(front)
        host = "127.0.0.1" if self._host in ("", "0.0.0.0") else self._host
        host = f"[{host}]" if ":" in host else host
        return f"{'https' if tls else 'http'}://{host}:{bound}"

    async def start_async(self) -> "Emulator":
        """Open every service and start its listener in the running event loop."""
        tls = self._ssl_context()
        self._loop = asyncio.get_running_loop()
        self._runtime.faults.arm()
        try:
            for service in self._services:
                await service.open()
                self._opened.append(service)
            for name, (app, lean) in self._applications().items():
                self._endpoints[name] = await self._listen(app, lean, self._ports.get(name, 0), tls)
        except BaseException:
            await self.stop_async()
            raise
        logger.info("emulator ready at %s", self._endpoints)
        return self

    async def stop_async(self) -> None:
        """Close the listeners (in-flight requests finish), then every service."""
        self._runtime.faults.wake()
        for front in self._lean_fronts:
            await front.stop(_GRACE_SECONDS)
        self._lean_fronts.clear()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        self._endpoints.clear()
        while self._opened:
            await self._opened.pop().close()

    def start(self) -> "Emulator":
        """Start serving from a background thread; returns once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already started")
        ready: "Future[None]" = Future()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
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
