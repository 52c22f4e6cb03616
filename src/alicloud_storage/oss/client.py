"""``Client`` and ``AsyncClient``: thin shells over one sans-IO call flow.

Every operation of :data:`~alicloud_storage.oss.operations.OPERATIONS` becomes a method
of both clients (``put_object(request, **kwargs)``), generated at import; the mixins of
``_client_methods`` (tools/gen_client_types.py) declare them with their types. A call is one
generator (:meth:`_Core.call`): encode once, then per attempt ask for credentials, sign
with a fresh time, send, parse; on a retryable error pause and go again (re-signed).
Helpers built on operations (``is_object_exist``, ``get_object_to_file``, ...) are flows
too (``yield from``), so the sync and async clients differ only in how a step is served.
"""
from __future__ import annotations

import datetime
import logging
import os
import re
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Dict, Generator, Mapping, Optional, Type, TypeVar

from alicloud_storage.http import AsyncStreamingResponse, Request, Response, StreamingResponse, Timeout
from alicloud_storage.http.errors import (
    ConnectError,
    ConnectTimeoutError,
    ReadError,
    TransportError,
    TransportTimeout,
)
from alicloud_storage.http.flow import NEED_CREDENTIALS, run_flow, run_flow_async
from alicloud_storage.oss import models, protocol
from alicloud_storage.oss._client_methods import AsyncMethods, SyncMethods
from alicloud_storage.retry import Pause, RetryContext, run_attempts
from alicloud_storage.oss.body import AsyncStreamBody, StreamBody
from alicloud_storage.oss.config import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READWRITE_TIMEOUT, Config
from alicloud_storage.oss.credentials import has_keys, snapshot
from alicloud_storage.oss.exceptions import (
    BaseError,
    CredentialsEmptyError,
    CredentialsFetchError,
    FileNotExist,
    InconsistentError,
    OperationError,
    ParamInvalidError,
    RequestError,
    ResponseError,
    ServiceError,
)
from alicloud_storage.oss.operations import OPERATIONS, Operation
from alicloud_storage.oss.paginator import PAGE_RULES, AsyncPaginator, Paginator
from alicloud_storage.oss.retry import Retryer, RetryerStrategy, StandardRetryer
from alicloud_storage.oss.transport import AioHttpClient, RequestsHttpClient

if TYPE_CHECKING:
    from alicloud_storage.oss import transfer

__all__ = ["Client", "AsyncClient", "PresignResult", "Streamed", "WriteFile", "method_name"]

logger = logging.getLogger("alicloud_storage.oss")

_Flow = Generator[Any, Any, Any]
_FILE_BLOCK = 1 << 20
_C = TypeVar("_C", bound="_BaseClient")


def method_name(api: str) -> str:
    """``PutObject`` -> ``put_object``, ``ListObjectsV2`` -> ``list_objects_v2``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", api).lower()


@dataclass
class PresignResult:
    """A presigned URL: the method, URL, expiration and the headers to send with it."""

    method: Optional[str] = None
    url: Optional[str] = None
    expiration: Optional[datetime.datetime] = None
    signed_headers: Optional[Dict[str, str]] = None


@dataclass(frozen=True)
class Streamed:
    """Step: send a request whose answer body streams; the shell returns (head, stream),
    the stream None and the head's body read whole for a non-2xx answer."""

    request: Request
    timeout: Timeout


@dataclass(frozen=True)
class WriteFile:
    """Step: stream a download body into a file."""

    body: Any
    path: str


def _transport_error(error: TransportError) -> BaseError:
    if isinstance(error, (ConnectError, ConnectTimeoutError)):
        return RequestError(error=error)
    if isinstance(error, (TransportTimeout, ReadError)):
        return ResponseError(error=error)
    return RequestError(error=error)


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class _Core:
    """The call flows shared by both clients (no I/O)."""

    def __init__(self, config: Config, clock: Callable[[], datetime.datetime]) -> None:
        self.config = config
        self.settings = protocol.resolve(config)
        self.retryer: Retryer = config.retryer or StandardRetryer()
        self.timeout = Timeout(config.connect_timeout or DEFAULT_CONNECT_TIMEOUT,
                               config.readwrite_timeout or DEFAULT_READWRITE_TIMEOUT)
        self.clock = clock
        self.skew = datetime.timedelta(0)

    def attempts(self, options: Mapping[str, Any]) -> int:
        retryer = options.get("retryer") or self.retryer
        value = options.get("retry_max_attempts", self.config.retry_max_attempts)
        return max(1, int(value if value is not None else retryer.max_attempts()))

    def call(self, operation: Operation, request: Any, options: Mapping[str, Any]) -> _Flow:
        """Flow of one API call: encode once, then the retry engine's attempt loop
        (``run_attempts``) with the Retryer as its strategy and the body's restart as its
        rewind; yields NEED_CREDENTIALS, a (Request, Timeout), a Streamed or a Pause."""
        try:
            encoded = protocol.encode(operation, request, self.settings)
        except BaseError as exc:
            raise OperationError(name=operation.name, error=exc) from None
        retryer: Retryer = options.get("retryer") or self.retryer
        timeout = self.timeout
        if options.get("readwrite_timeout") is not None:
            timeout = Timeout(timeout.connect, float(options["readwrite_timeout"]))

        def attempt(number: int) -> _Flow:
            try:
                credentials = snapshot((yield NEED_CREDENTIALS))
            except BaseError:
                raise
            except Exception as exc:  # the provider failed: retryable, as the official client
                raise CredentialsFetchError(error=exc) from exc
            if not has_keys(credentials) and credentials.provider_name != "anonymous":
                raise CredentialsEmptyError()
            http_request = protocol.sign(encoded, self.settings, credentials, self.clock() + self.skew)
            encoded.body.mark_sent()
            try:
                if operation.stream:
                    response, streaming = yield Streamed(http_request, timeout)
                else:
                    response, streaming = (yield (http_request, timeout)), None
            except TransportError as exc:
                raise _transport_error(exc) from exc
            result = protocol.parse(encoded, http_request, response, self.settings)
            if streaming is not None:
                result.body = self._body(request, response, streaming)
            logger.debug("OSS %s: HTTP %d, request id %s, attempt %d", operation.name,
                         response.status, response.headers.get("x-oss-request-id", ""), number)
            return result

        def retrying(context: RetryContext, delay: float) -> None:
            self._note_skew(context.error)
            logger.debug("OSS %s attempt %d failed (%s); retrying in %.3f s", operation.name, context.attempt,
                         type(context.error).__name__, delay)

        def giving_up(context: RetryContext) -> None:
            self._note_skew(context.error)
            logger.debug("OSS %s failed after %d attempt(s): %s", operation.name, context.attempt,
                         type(context.error).__name__)

        strategy = RetryerStrategy(retryer, self.attempts(options))
        try:
            return (yield from run_attempts(
                attempt, strategy, retryable=(BaseError,), clock=lambda: self.clock().timestamp(),
                operation=operation.name, rewind=encoded.body.restart, on_retry=retrying, on_give_up=giving_up))
        except BaseError as exc:
            raise OperationError(name=operation.name, error=exc) from None

    def _note_skew(self, error: BaseException) -> None:
        """After RequestTimeTooSkewed, sign with the service's clock (its Date)."""
        if isinstance(error, ServiceError):
            skew = protocol.skew_from(error, self.clock())
            if skew is not None:
                self.skew = skew

    def _body(self, request: Any, response: Response, streaming: Any) -> Any:
        expected = None
        crc = response.headers.get("x-oss-hash-crc64ecma")
        if self.settings.download_crc and response.status == 200 and crc and crc.isdigit():
            expected = int(crc)
        length = response.headers.get("content-length")
        size = int(length) if length and length.isdigit() else None
        return self.body_type(streaming, expected, size, getattr(request, "progress_fn", None))

    body_type: Callable[..., Any] = StreamBody

    def object_exists(self, bucket: str, key: str, version_id: Optional[str], request_payer: Optional[str],
                      options: Mapping[str, Any]) -> _Flow:
        """is_object_exist: GetObjectMeta; NoSuchKey (or a bare 404) means False."""
        request = models.GetObjectMetaRequest(bucket=bucket, key=key, version_id=version_id,
                                              request_payer=request_payer)
        try:
            yield from self.call(OPERATIONS["GetObjectMeta"], request, options)
        except OperationError as exc:
            inner = exc.unwrap()
            if isinstance(inner, ServiceError) and (
                    inner.code == "NoSuchKey" or (inner.status_code == 404 and inner.code == "BadErrorResponse")):
                return False
            raise
        return True

    def bucket_exists(self, bucket: str, request_payer: Optional[str], options: Mapping[str, Any]) -> _Flow:
        """is_bucket_exist: GetBucketAcl; NoSuchBucket means False, any other answer True."""
        try:
            yield from self.call(OPERATIONS["GetBucketAcl"], models.GetBucketAclRequest(bucket=bucket), options)
        except OperationError as exc:
            inner = exc.unwrap()
            if isinstance(inner, ServiceError):
                return inner.code != "NoSuchBucket"
            raise
        return True

    def put_from_file(self, request: Any, filepath: str, options: Mapping[str, Any]) -> _Flow:
        """put_object_from_file: the file streamed as the body (rewound for a retry)."""
        if not os.path.isfile(filepath):
            raise OperationError(name="PutObject", error=FileNotExist(filepath=filepath))
        with open(filepath, "rb") as file:
            return (yield from self.call(OPERATIONS["PutObject"], _replace(request, body=file), options))

    def get_to_file(self, request: Any, filepath: str, options: Mapping[str, Any]) -> _Flow:
        """get_object_to_file: the body streamed to a temporary file (its CRC-64 checked on
        the way), then renamed into place."""
        result = yield from self.call(OPERATIONS["GetObject"], request, options)
        partial = filepath + ".temp"
        try:
            yield WriteFile(result.body, partial)
        except InconsistentError as exc:
            os.remove(partial)
            raise OperationError(name="GetObject", error=exc) from None
        os.replace(partial, filepath)
        result.body = None
        return result

    def presign(self, request: Any, expires: Optional[datetime.timedelta],
                expiration: Optional[datetime.datetime]) -> _Flow:
        """A presigned URL for a GetObject, PutObject, HeadObject or multipart request."""
        operation = next((op for op in OPERATIONS.values()
                          if op.presignable and isinstance(request, op.request_type)), None)
        if operation is None:
            raise ParamInvalidError(field=f"request: {type(request).__name__} cannot be presigned")
        try:
            encoded = protocol.encode(operation, request, self.settings)
            credentials = snapshot((yield NEED_CREDENTIALS))
            now = self.clock() + self.skew
            until = expiration or now + (expires or datetime.timedelta(minutes=15))
            url, signed = protocol.presign(encoded, self.settings, credentials, now, until)
        except BaseError as exc:
            raise OperationError(name=operation.name, error=exc) from None
        return PresignResult(operation.method, url, until, signed)


def _head(response: Response) -> Response:
    """The head of a whole response; its body too when it is an error to parse."""
    if response.status // 100 == 2:
        return Response(response.status, response.reason, response.headers)
    return response


def _replace(request: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(request, **changes)


class _BaseClient:
    """Configuration shared by both clients (no I/O here)."""

    _default_http_client: Callable[..., Any] = RequestsHttpClient

    def __init__(self, config: Config, clock: Optional[Callable[[], datetime.datetime]] = None) -> None:
        """``config``: an oss Config (see config.load_default()); ``clock``: a source of
        UTC time for signing (tests pin it)."""
        if not isinstance(config, Config):
            raise ParamInvalidError(field="config: expected alicloud_storage.oss.Config")
        self._config = config
        self._core = _Core(config, clock or _utcnow)
        self._http_client = config.http_client or self._default_http_client(
            connect_timeout=config.connect_timeout, readwrite_timeout=config.readwrite_timeout,
            insecure_skip_verify=bool(config.insecure_skip_verify),
            enabled_redirect=bool(config.enabled_redirect), **self._proxy_kwargs(config))
        self._provider = config.credentials_provider

    @staticmethod
    def _proxy_kwargs(config: Config) -> Dict[str, Any]:
        return {"proxy_host": config.proxy_host} if config.proxy_host else {}

    def _credentials(self) -> Any:
        if self._provider is None:
            raise CredentialsEmptyError()
        return self._provider.get_credentials()

    def __repr__(self) -> str:
        settings = self._core.settings
        endpoint = settings.endpoint
        where = f"{endpoint.scheme}://{endpoint.netloc}" if endpoint else None
        return (f"{type(self).__name__}(endpoint={where!r}, region={settings.region!r}, "
                f"signature_version={settings.signature_version!r})")


class Client(_BaseClient, SyncMethods):
    """The blocking OSS client: ``oss.Client(cfg)``; methods take the official request
    models and return the official results."""

    def _run(self, flow: _Flow) -> Any:
        return run_flow(flow, self._serve)

    def _serve(self, step: Any) -> Any:
        if isinstance(step, tuple):
            request, timeout = step
            return self._http_client.send(request, timeout)
        if isinstance(step, Streamed):
            return self._stream(step)
        if isinstance(step, Pause):
            return time.sleep(step.seconds)
        if isinstance(step, WriteFile):
            with open(step.path, "wb") as file:
                for chunk in step.body.iter_bytes(_FILE_BLOCK):
                    file.write(chunk)
            return None
        return self._credentials()

    def _stream(self, step: Streamed) -> Any:
        stream = getattr(self._http_client, "stream", None)
        if stream is None:  # a custom client with send() only
            whole = self._http_client.send(step.request, step.timeout)
            return _head(whole), (StreamingResponse.from_response(whole) if whole.status // 100 == 2 else None)
        answer = stream(step.request, step.timeout)
        if answer.status // 100 == 2:
            return Response(answer.status, answer.reason, answer.headers), answer
        return Response(answer.status, answer.reason, answer.headers, answer.read()), None

    def is_object_exist(self, bucket: str, key: str, version_id: Optional[str] = None,
                        request_payer: Optional[str] = None, **kwargs: Any) -> bool:
        """True if the object exists (GetObjectMeta)."""
        return bool(self._run(self._core.object_exists(bucket, key, version_id, request_payer, kwargs)))

    def is_bucket_exist(self, bucket: str, request_payer: Optional[str] = None, **kwargs: Any) -> bool:
        """True unless the bucket does not exist (GetBucketAcl)."""
        return bool(self._run(self._core.bucket_exists(bucket, request_payer, kwargs)))

    def put_object_from_file(self, request: models.PutObjectRequest, filepath: str,
                             **kwargs: Any) -> models.PutObjectResult:
        """PutObject with a local file's content."""
        result: models.PutObjectResult = self._run(self._core.put_from_file(request, filepath, kwargs))
        return result

    def get_object_to_file(self, request: models.GetObjectRequest, filepath: str,
                           **kwargs: Any) -> models.GetObjectResult:
        """GetObject into a local file (written whole, CRC-64 checked, then renamed)."""
        result: models.GetObjectResult = self._run(self._core.get_to_file(request, filepath, kwargs))
        return result

    def presign(self, request: Any, expires: Optional[datetime.timedelta] = None,
                expiration: Optional[datetime.datetime] = None, **kwargs: Any) -> PresignResult:
        """A presigned URL (default lifetime 15 minutes; V4 at most 7 days)."""
        result: PresignResult = self._run(self._core.presign(request, expires, expiration))
        return result

    def uploader(self, **kwargs: Any) -> "transfer.Uploader":
        """A transfer-manager Uploader (``part_size``, ``parallel_num``, ``leave_parts_on_error``,
        ``enable_checkpoint``, ``checkpoint_dir``)."""
        from alicloud_storage.oss import transfer

        return transfer.Uploader(self, **kwargs)

    def downloader(self, **kwargs: Any) -> "transfer.Downloader":
        """A transfer-manager Downloader (ranged parallel reads into a temporary file)."""
        from alicloud_storage.oss import transfer

        return transfer.Downloader(self, **kwargs)

    def copier(self, **kwargs: Any) -> "transfer.Copier":
        """A transfer-manager Copier (single copy below ``multipart_copy_threshold``)."""
        from alicloud_storage.oss import transfer

        return transfer.Copier(self, **kwargs)

    def open_file(self, bucket: str, key: str, version_id: Optional[str] = None,
                  request_payer: Optional[str] = None, **kwargs: Any) -> "transfer.ReadOnlyFile":
        """A seekable, readable file object over an object (``enable_prefetch=True`` reads ahead)."""
        from alicloud_storage.oss import transfer

        return transfer.ReadOnlyFile(self, bucket, key, version_id, request_payer, **kwargs)

    def append_file(self, bucket: str, key: str, request_payer: Optional[str] = None,
                    create_parameter: Optional[models.AppendObjectRequest] = None,
                    **kwargs: Any) -> "transfer.AppendOnlyFile":
        """An appendable writer (AppendObject) over an object."""
        from alicloud_storage.oss import transfer

        return transfer.AppendOnlyFile(self, bucket, key, request_payer, create_parameter)

    def close(self) -> None:
        """Release pooled connections."""
        self._http_client.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()


class _AsyncCore(_Core):
    body_type = AsyncStreamBody


class AsyncClient(_BaseClient, AsyncMethods):
    """The asyncio OSS client: the same operations as ``Client``, as coroutines."""

    _default_http_client = AioHttpClient

    def __init__(self, config: Config, clock: Optional[Callable[[], datetime.datetime]] = None) -> None:
        super().__init__(config, clock)
        self._core = _AsyncCore(config, clock or _utcnow)

    @staticmethod
    def _proxy_kwargs(config: Config) -> Dict[str, Any]:
        return {}

    async def _run(self, flow: _Flow) -> Any:
        return await run_flow_async(flow, self._serve)

    async def _serve(self, step: Any) -> Any:
        import asyncio

        if isinstance(step, tuple):
            request, timeout = step
            return await self._http_client.send(request, timeout)
        if isinstance(step, Streamed):
            return await self._stream(step)
        if isinstance(step, Pause):
            return await asyncio.sleep(step.seconds)
        if isinstance(step, WriteFile):
            with open(step.path, "wb") as file:
                async for chunk in step.body.iter_bytes(_FILE_BLOCK):
                    file.write(chunk)
            return None
        if self._provider is None:
            raise CredentialsEmptyError()
        fetch = getattr(self._provider, "get_credentials_async", None)
        return await fetch() if fetch is not None else self._provider.get_credentials()

    async def _stream(self, step: Streamed) -> Any:
        stream = getattr(self._http_client, "stream", None)
        if stream is None:  # a custom client with send() only
            whole = await self._http_client.send(step.request, step.timeout)
            return _head(whole), (AsyncStreamingResponse.from_response(whole) if whole.status // 100 == 2 else None)
        answer = await stream(step.request, step.timeout)
        if answer.status // 100 == 2:
            return Response(answer.status, answer.reason, answer.headers), answer
        return Response(answer.status, answer.reason, answer.headers, await answer.read()), None

    async def is_object_exist(self, bucket: str, key: str, version_id: Optional[str] = None,
                              request_payer: Optional[str] = None, **kwargs: Any) -> bool:
        """True if the object exists (GetObjectMeta)."""
        return bool(await self._run(self._core.object_exists(bucket, key, version_id, request_payer, kwargs)))

    async def is_bucket_exist(self, bucket: str, request_payer: Optional[str] = None, **kwargs: Any) -> bool:
        """True unless the bucket does not exist (GetBucketAcl)."""
        return bool(await self._run(self._core.bucket_exists(bucket, request_payer, kwargs)))

    async def put_object_from_file(self, request: models.PutObjectRequest, filepath: str,
                                   **kwargs: Any) -> models.PutObjectResult:
        """PutObject with a local file's content."""
        result: models.PutObjectResult = await self._run(self._core.put_from_file(request, filepath, kwargs))
        return result

    async def get_object_to_file(self, request: models.GetObjectRequest, filepath: str,
                                 **kwargs: Any) -> models.GetObjectResult:
        """GetObject into a local file (CRC-64 checked, then renamed)."""
        result: models.GetObjectResult = await self._run(self._core.get_to_file(request, filepath, kwargs))
        return result

    async def presign(self, request: Any, expires: Optional[datetime.timedelta] = None,
                      expiration: Optional[datetime.datetime] = None, **kwargs: Any) -> PresignResult:
        """A presigned URL (default lifetime 15 minutes; V4 at most 7 days)."""
        result: PresignResult = await self._run(self._core.presign(request, expires, expiration))
        return result

    def uploader(self, **kwargs: Any) -> "transfer.AsyncUploader":
        """The Uploader for this client: the same flows, parts as asyncio tasks."""
        from alicloud_storage.oss import transfer

        return transfer.AsyncUploader(self, **kwargs)

    def downloader(self, **kwargs: Any) -> "transfer.AsyncDownloader":
        """The Downloader for this client."""
        from alicloud_storage.oss import transfer

        return transfer.AsyncDownloader(self, **kwargs)

    def copier(self, **kwargs: Any) -> "transfer.AsyncCopier":
        """The Copier for this client."""
        from alicloud_storage.oss import transfer

        return transfer.AsyncCopier(self, **kwargs)

    async def close(self) -> None:
        """Release pooled connections."""
        await self._http_client.close()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                        tb: Optional[TracebackType]) -> None:
        await self.close()


def _sync_method(operation: Operation) -> Callable[..., Any]:
    def method(self: Client, request: Any, **kwargs: Any) -> Any:
        return self._run(self._core.call(operation, request, kwargs))

    return method


def _async_method(operation: Operation) -> Callable[..., Any]:
    async def method(self: AsyncClient, request: Any, **kwargs: Any) -> Any:
        return await self._run(self._core.call(operation, request, kwargs))

    return method


def _adopt(owner: type, name: str, method: Callable[..., Any], doc: str) -> None:
    method.__name__ = name
    method.__qualname__ = f"{owner.__name__}.{name}"
    method.__doc__ = doc
    setattr(owner, name, method)


def _paginator_method(rule_name: str, kind: type) -> Callable[..., Any]:
    def method(self: Any, **kwargs: Any) -> Any:
        return kind(getattr(self, rule_name), PAGE_RULES[rule_name], kwargs.get("limit"))

    return method


for _operation in OPERATIONS.values():
    _name = method_name(_operation.name)
    _doc = f"{_operation.name}: {_operation.request_type.__name__} -> {_operation.result_type.__name__}."
    _adopt(Client, _name, _sync_method(_operation), _doc)
    _adopt(AsyncClient, _name, _async_method(_operation), _doc)
for _rule in PAGE_RULES:
    _adopt(Client, f"{_rule}_paginator", _paginator_method(_rule, Paginator), f"Pages of {_rule}.")
    _adopt(AsyncClient, f"{_rule}_paginator", _paginator_method(_rule, AsyncPaginator), f"Pages of {_rule}.")
