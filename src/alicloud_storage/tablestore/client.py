"""OTSClient and AsyncOTSClient: thin I/O shells generated from the one operation table.

Every public method comes from :data:`operations.OPERATIONS` (one request) or
:data:`operations.ITERATORS` (several requests), with the official signature; the
mixins of ``_client_methods`` (generated from the same table by
tools/gen_client_types.py) declare them with their types for type checkers. A call
is a sans-IO generator, :meth:`_Core.call`, that yields what it needs (credentials,
an HTTP request, a pause) and receives the result; the sync and the async client
differ only in how they serve those steps (``_serve``, run by ``http.flow``).
The retry loop, signing, response checks, error mapping and logging live in that
one generator.
"""
from __future__ import annotations

import inspect
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import TracebackType
from typing import Any, AsyncIterator, Callable, Dict, Generator, Iterator, Mapping, Optional, Tuple, Type, TypeVar
from urllib.parse import urlsplit

from alicloud_storage.credentials import CredentialsProvider, StaticCredentialsProvider
from alicloud_storage.http.flow import NEED_CREDENTIALS, Step, run_flow, run_flow_async
from alicloud_storage.http import (
    AsyncBaseTransport,
    AsyncTransport,
    BaseTransport,
    Request,
    SyncTransport,
    Timeout,
    TLSConfig,
    TLSError,
    TransportError,
    TransportTimeout,
)
from alicloud_storage.retry import Pause, RetryContext, run_attempts
from alicloud_storage.tablestore import operations
from alicloud_storage.tablestore._client_methods import AsyncMethods, SyncMethods
from alicloud_storage.tablestore.auth import RequestSigner
from alicloud_storage.tablestore.errors import OTSClientError, OTSError, OTSNetworkError, OTSTimeoutError
from alicloud_storage.tablestore.operations import envelope
from alicloud_storage.tablestore.retry import DefaultRetryPolicy, RetryPolicyStrategy

__all__ = ["OTSClient", "AsyncOTSClient"]

_DEFAULT_LOGGER = "alicloud_storage.tablestore"
_KNOWN_KWARGS = frozenset(
    {
        "sts_token",
        "encoding",
        "socket_timeout",
        "max_connection",
        "logger_name",
        "retry_policy",
        "ssl_version",
        "sign_date",
        "auto_update_v4_sign",
        "ca_certs",
        "verify",
        "extra_headers",
        "transport",
        "clock",
        "sleep",
        "rng",
    }
)


@dataclass(frozen=True)
class _Config:
    """A validated client configuration (never holds a secret: those stay in the provider)."""

    base_url: str
    instance_name: str
    provider: CredentialsProvider = field(repr=False)
    signer: RequestSigner
    timeout: Timeout
    max_connection: int
    tls: TLSConfig
    retry_policy: Any
    logger: logging.Logger = field(repr=False)
    failure_level: int
    encoding: str
    extra_headers: Mapping[str, str] = field(repr=False)
    transport: Any = field(repr=False)
    clock: Callable[[], float] = field(repr=False)
    sleep: Optional[Callable[[float], Any]] = field(repr=False)


def _optional_str(kwargs: Mapping[str, Any], name: str) -> Optional[str]:
    value = kwargs.get(name)
    if value is not None and not isinstance(value, str):
        raise OTSClientError(f"{name} must be a str, not {type(value).__name__}")
    return value


def _optional_callable(kwargs: Mapping[str, Any], name: str) -> Any:
    value = kwargs.get(name)
    if value is not None and not callable(value):
        raise OTSClientError(f"{name} must be callable, not {type(value).__name__}")
    return value


def _base_url(end_point: Any) -> str:
    if not isinstance(end_point, str) or not end_point:
        raise OTSClientError("end_point must be a non-empty str such as https://instance.cn-hangzhou.ots.aliyuncs.com")
    try:
        parts = urlsplit(end_point)
        port = parts.port
    except ValueError:
        raise OTSClientError(f"end_point has an invalid port: {end_point!r}") from None
    if parts.scheme not in ("http", "https"):
        raise OTSClientError(
            "protocol of end_point must be 'http' or 'https', e.g. https://instance.cn-hangzhou.ots.aliyuncs.com"
        )
    if not parts.hostname:
        raise OTSClientError("host of end_point should be specified, e.g. https://instance.cn-hangzhou.ots.aliyuncs.com")
    if parts.query or parts.fragment:
        raise OTSClientError("end_point must not have a query string or fragment")
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in parts.hostname:  # IPv6 literal
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _provider(
    access_key_id: Any, access_key_secret: Any, credentials_provider: Any, sts_token: Optional[str]
) -> CredentialsProvider:
    if credentials_provider is not None:
        if not isinstance(credentials_provider, CredentialsProvider):
            raise OTSClientError(
                "credentials_provider must be an alicloud_storage.credentials.CredentialsProvider, "
                f"not {type(credentials_provider).__name__}"
            )
        return credentials_provider
    if not isinstance(access_key_id, str) or not access_key_id:
        raise OTSClientError("access_key_id must be a non-empty str (or pass credentials_provider)")
    if not isinstance(access_key_secret, str) or not access_key_secret:
        raise OTSClientError("access_key_secret must be a non-empty str (or pass credentials_provider)")
    return StaticCredentialsProvider(access_key_id, access_key_secret, sts_token or None)


def _number(kwargs: Mapping[str, Any], name: str, default: Any, integral: bool) -> Any:
    value = kwargs.get(name)
    if value is None:
        return default
    kinds = (int,) if integral else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        kind = "int" if integral else "int or float"
        raise OTSClientError(f"{name} must be a positive {kind}, not {value!r}")
    return value


def _signer(region: Any, kwargs: Mapping[str, Any]) -> RequestSigner:
    sign_date = _optional_str(kwargs, "sign_date")
    auto_update = kwargs.get("auto_update_v4_sign", False)
    if not isinstance(auto_update, bool):
        raise OTSClientError(f"auto_update_v4_sign must be a bool, not {type(auto_update).__name__}")
    if region is None and (sign_date is not None or auto_update):
        raise OTSClientError("sign_date and auto_update_v4_sign need region (V4 signing)")
    try:
        return RequestSigner(region, sign_date, auto_update)
    except ValueError as exc:
        raise OTSClientError(f"invalid V4 signing settings: {exc}") from None


def _tls(kwargs: Mapping[str, Any]) -> TLSConfig:
    ca_certs = _optional_str(kwargs, "ca_certs")
    if ca_certs is not None and not os.path.isfile(ca_certs):
        raise OTSClientError(f"ca_certs must name a readable CA bundle file: {ca_certs!r}")
    verify = kwargs.get("verify", True)
    if not isinstance(verify, bool):
        raise OTSClientError(f"verify must be a bool, not {type(verify).__name__}")
    ssl_version = kwargs.get("ssl_version")
    base = TLSConfig.from_ssl_version(ssl_version) if ssl_version is not None else TLSConfig()
    config = TLSConfig(verify, ca_certs, base.min_version, base.max_version)
    try:
        config.validate()  # the context itself is built on the first https connection
    except ValueError as exc:  # unknown TLS version
        raise OTSClientError(f"invalid TLS settings (ssl_version / ca_certs): {exc}") from None
    return config


def _configure(
    end_point: Any,
    access_key_id: Any,
    access_key_secret: Any,
    instance_name: Any,
    credentials_provider: Any,
    region: Any,
    kwargs: Mapping[str, Any],
    transport_type: type,
) -> _Config:
    """Validate every argument now, with a clear message, not at the first request."""
    unknown = sorted(set(kwargs) - _KNOWN_KWARGS)
    if unknown:
        raise OTSClientError(f"unknown keyword argument(s): {', '.join(unknown)}")
    base_url = _base_url(end_point)
    if not isinstance(instance_name, str) or not instance_name:
        raise OTSClientError("instance_name must be a non-empty str")
    provider = _provider(access_key_id, access_key_secret, credentials_provider, _optional_str(kwargs, "sts_token"))
    if region is not None and (not isinstance(region, str) or not region):
        raise OTSClientError("region must be a non-empty str (it turns on V4 signing) or None")
    encoding = _optional_str(kwargs, "encoding") or "utf8"
    try:
        "".encode(encoding)
    except LookupError:
        raise OTSClientError(f"unknown encoding: {encoding!r}") from None
    clock, sleep, rng = (_optional_callable(kwargs, name) for name in ("clock", "sleep", "rng"))
    policy = kwargs.get("retry_policy") or DefaultRetryPolicy(rng=rng)
    if not (callable(getattr(policy, "should_retry", None)) and callable(getattr(policy, "get_retry_delay", None))):
        raise OTSClientError(f"retry_policy must be a RetryPolicy, not {type(policy).__name__}")
    logger_name = _optional_str(kwargs, "logger_name")
    extra_headers = kwargs.get("extra_headers") or {}
    if not isinstance(extra_headers, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in extra_headers.items()
    ):
        raise OTSClientError("extra_headers must be a dict of str to str")
    transport = kwargs.get("transport")
    if transport is not None and not isinstance(transport, transport_type):
        raise OTSClientError(f"transport must be a {transport_type.__name__}, not {type(transport).__name__}")
    timeout = _number(kwargs, "socket_timeout", 50, integral=False)
    return _Config(
        base_url=base_url,
        instance_name=instance_name,
        provider=provider,
        signer=_signer(region, kwargs),
        timeout=Timeout(timeout, timeout),
        max_connection=_number(kwargs, "max_connection", 50, integral=True),
        tls=_tls(kwargs),
        retry_policy=policy,
        logger=logging.getLogger(logger_name or _DEFAULT_LOGGER),
        # As documented, ``logger_name`` turns on ERROR records for failures; without it
        # they are DEBUG records of the package logger, so an application that has not
        # configured logging sees no stderr noise for errors it handles.
        failure_level=logging.ERROR if logger_name else logging.DEBUG,
        encoding=encoding,
        extra_headers=dict(extra_headers),
        transport=transport,
        clock=clock or time.time,
        sleep=sleep,
    )


class _Core:
    """The sans-IO call flow shared by both clients: encode once, then per attempt sign
    (fresh credentials, the injected clock's date), send, check and decode; the retry
    engine's one attempt loop asks the retry policy and pauses between attempts."""

    def __init__(self, config: _Config) -> None:
        self.config = config
        self._strategy = RetryPolicyStrategy(config.retry_policy)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.config.clock(), timezone.utc)

    def call(self, method: str, operation: operations.Operation, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Generator[Any, Any, Any]:
        """Flow of one API call; yields NEED_CREDENTIALS, a Request or a Pause."""
        try:
            message, context = operation.encode(*args, **kwargs)
        except ValueError as exc:  # protobuf range checks (e.g. int32 fields)
            raise OTSClientError(f"{method}: invalid argument: {exc}") from None
        body = message.SerializeToString()
        return (yield from run_attempts(
            lambda attempt: self._attempt(operation, body, context, attempt),
            self._strategy,
            retryable=(OTSError,),
            clock=self.config.clock,
            operation=operation.api,
            idempotent=operation.idempotent,
            on_retry=self._log_retry,
            on_give_up=self._log_failure,
        ))

    def _attempt(self, operation: operations.Operation, body: bytes, context: Any, attempt: int) -> Generator[Any, Any, Any]:
        """One signed request and its checked, decoded answer; failures raise OTSError."""
        config, api = self.config, operation.api
        credentials = yield NEED_CREDENTIALS
        request = envelope.build_request(
            api, body, config.base_url, credentials, config.instance_name, config.signer, self._now(),
            config.extra_headers,
        )
        started = time.perf_counter()
        try:
            response = yield request
        except TransportTimeout as exc:
            raise OTSTimeoutError(f"{api} timed out: {exc}") from exc
        except TLSError as exc:  # a certificate or protocol mismatch: retrying cannot help
            raise OTSClientError(f"{api} failed to set up TLS: {exc}") from exc
        except TransportError as exc:
            raise OTSNetworkError(f"{api} failed on the network: {exc}") from exc
        result = envelope.parse_response(
            operation, response, context, credentials, config.signer,
            request.headers.get("x-ots-signdate"), self._now(),
        )
        logger = config.logger
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "OTS %s: HTTP %d, request id %s, %.1f ms, attempt %d",
                api, response.status, envelope.request_id_of(response.headers),
                (time.perf_counter() - started) * 1000, attempt,
            )
        return result

    def _log_retry(self, context: RetryContext, delay: float) -> None:
        self.config.logger.debug(
            "OTS %s attempt %d failed (%s); retrying in %.3f s", context.operation, context.attempt, context.error, delay
        )

    def _log_failure(self, context: RetryContext) -> None:
        self.config.logger.log(
            self.config.failure_level, "OTS %s failed after %d attempt(s): %s",
            context.operation, context.attempt, context.error,
        )


_Flow = Generator[Any, Any, Any]


_C = TypeVar("_C", bound="_BaseClient")


class _BaseClient:
    """Configuration and repr shared by both clients (no I/O here)."""

    _transport_type: type = BaseTransport  # what a custom ``transport=`` must be
    _default_transport: type = SyncTransport  # made with (max_connection, tls) otherwise
    _transport: Any

    def __init__(
        self,
        end_point: str,
        access_key_id: Optional[str] = None,
        access_key_secret: Optional[str] = None,
        instance_name: Optional[str] = None,
        credentials_provider: Optional[CredentialsProvider] = None,
        region: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        """Check every argument (OTSClientError on a bad one) and set up the transport.

        Keywords: sts_token, encoding ('utf8'), socket_timeout (50 s, connect and read),
        max_connection (50), logger_name (DEBUG record per response, ERROR per failure;
        no handler is added), retry_policy (DefaultRetryPolicy()), ssl_version (https
        only), sign_date / auto_update_v4_sign (with region), ca_certs (CA bundle path,
        default certifi), verify (True), extra_headers (signed x-ots-* headers),
        transport (a custom BaseTransport / AsyncBaseTransport, e.g. MockTransport);
        for tests: clock (epoch seconds for signing dates and retry timing, time.time),
        sleep (the pause between attempts: time.sleep, or asyncio.sleep for the async
        client) and rng (the default retry policy's jitter draw, random.random).
        """
        self._config = config = _configure(
            end_point, access_key_id, access_key_secret, instance_name, credentials_provider, region,
            kwargs, self._transport_type,
        )
        self._transport = config.transport or self._default_transport(config.max_connection, config.tls)
        self._core = _Core(config)
        # Read-only views with the official client's attribute names.
        self.logger = config.logger
        self.retry_policy = config.retry_policy
        self.credentials_provider = config.provider
        self.encoding = config.encoding
        self.socket_timeout = config.timeout.read
        self.max_connection = config.max_connection

    def __repr__(self) -> str:
        config = self._config
        return (
            f"{type(self).__name__}(end_point={config.base_url!r}, instance_name={config.instance_name!r}, "
            f"signature=V{config.signer.version})"
        )


def _public_signature(target: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(target)
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return signature.replace(parameters=[self_param, *signature.parameters.values()])


def _adopt(method: Callable[..., Any], name: str, target: Callable[..., Any], owner: type) -> None:
    method.__name__ = name
    method.__qualname__ = f"{owner.__name__}.{name}"
    method.__doc__ = target.__doc__
    method.__signature__ = _public_signature(target)  # type: ignore[attr-defined]
    setattr(owner, name, method)


class OTSClient(_BaseClient, SyncMethods):
    """Blocking Tablestore client (pooled keep-alive connections). Use as a context manager or
    call close(). Methods and results are those of the official ``tablestore.OTSClient``."""

    _transport_type = BaseTransport
    _default_transport = SyncTransport
    _transport: BaseTransport

    def _run(self, flow: _Flow) -> Any:
        return run_flow(flow, self._serve)

    def _serve(self, step: Step) -> Any:
        if isinstance(step, Request):
            return self._transport.send(step, self._config.timeout)
        if isinstance(step, Pause):
            return (self._config.sleep or time.sleep)(step.seconds)
        return self._config.provider.get_credentials()

    def close(self) -> None:
        """Release pooled connections."""
        self._transport.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        self.close()


class AsyncOTSClient(_BaseClient, AsyncMethods):
    """asyncio Tablestore client (aiohttp); every method is a coroutine, xget_range an
    async iterator. Use ``async with`` or ``await close()``."""

    _transport_type = AsyncBaseTransport
    _default_transport = AsyncTransport
    _transport: AsyncBaseTransport

    async def _run(self, flow: _Flow) -> Any:
        return await run_flow_async(flow, self._serve)

    async def _serve(self, step: Step) -> Any:
        import asyncio  # here, not at module level: the sync client never needs it

        if isinstance(step, Request):
            return await self._transport.send(step, self._config.timeout)
        if isinstance(step, Pause):
            return await (self._config.sleep or asyncio.sleep)(step.seconds)
        return await self._config.provider.get_credentials_async()

    async def close(self) -> None:
        """Release pooled connections."""
        await self._transport.close()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        await self.close()


def _sync_operation(name: str, operation: operations.Operation) -> Callable[..., Any]:
    def method(self: OTSClient, *args: Any, **kwargs: Any) -> Any:
        return self._run(self._core.call(name, operation, args, kwargs))

    return method


def _async_operation(name: str, operation: operations.Operation) -> Callable[..., Any]:
    async def method(self: AsyncOTSClient, *args: Any, **kwargs: Any) -> Any:
        return await self._run(self._core.call(name, operation, args, kwargs))

    return method


def _sync_iterator(flow_factory: Callable[..., _Flow]) -> Callable[..., Iterator[Any]]:
    def method(self: OTSClient, *args: Any, **kwargs: Any) -> Iterator[Any]:
        flow = flow_factory(*args, **kwargs)
        result: Any = None
        while True:
            try:
                item = flow.send(result)
            except StopIteration:
                return
            if isinstance(item, operations.SubCall):
                result = getattr(self, item.method)(*item.args)
            else:
                result = None
                yield item

    return method


def _async_iterator(flow_factory: Callable[..., _Flow]) -> Callable[..., AsyncIterator[Any]]:
    async def method(self: AsyncOTSClient, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        flow = flow_factory(*args, **kwargs)
        result: Any = None
        while True:
            try:
                item = flow.send(result)
            except StopIteration:
                return
            if isinstance(item, operations.SubCall):
                result = await getattr(self, item.method)(*item.args)
            else:
                result = None
                yield item

    return method


def _install() -> None:
    """Generate both clients' public methods from the operation table."""
    for name, operation in operations.OPERATIONS.items():
        _adopt(_sync_operation(name, operation), name, operation.encode, OTSClient)
        _adopt(_async_operation(name, operation), name, operation.encode, AsyncOTSClient)
    for name, flow in operations.ITERATORS.items():
        _adopt(_sync_iterator(flow), name, flow, OTSClient)
        _adopt(_async_iterator(flow), name, flow, AsyncOTSClient)


_install()
