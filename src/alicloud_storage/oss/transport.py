"""HTTP clients the OSS client sends through; ``Config.http_client`` can replace them.

An HTTP client is one method, ``send(request, timeout) -> Response``, on the project's
sans-IO :class:`~alicloud_storage.http.Request` / :class:`~alicloud_storage.http.Response`
(plus ``close()``). :class:`RequestsHttpClient` keeps alibabacloud_oss_v2's name and
keywords over our own pooled transport; a proxy (a string applies to http and https,
as documented) goes through the standard library's proxy support, and a ``session``
(a requests.Session the caller made, with an optional ``adapter``) through requests.
"""
from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Union
from urllib.parse import urljoin

from alicloud_storage.http import AsyncStreamingResponse, Request, Response, StreamingResponse, Timeout, TLSConfig
from alicloud_storage.http.errors import ConnectError, ReadError, ReadTimeoutError
from alicloud_storage.http.models import response_headers

if TYPE_CHECKING:
    from alicloud_storage.http import AsyncBaseTransport, BaseTransport

__all__ = [
    "HttpClient",
    "AsyncHttpClient",
    "RequestsHttpClient",
    "AioHttpClient",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_BLOCK_SIZE",
    "MAX_REDIRECTS",
    "proxy_map",
]

DEFAULT_MAX_CONNECTIONS = 20
DEFAULT_BLOCK_SIZE = 16 * 1024
MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def proxy_map(proxy_host: Optional[Union[str, Mapping[str, str]]]) -> Dict[str, str]:
    """``{scheme: proxy URL}``: a string applies to both http and https."""
    if not proxy_host:
        return {}
    if isinstance(proxy_host, str):
        return {"http": proxy_host, "https": proxy_host}
    return dict(proxy_host)


class HttpClient(abc.ABC):
    """Sends one request and returns its response (no retries: the client decides)."""

    @abc.abstractmethod
    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        """Send ``request``; transport failures raise alicloud_storage.http errors."""

    def stream(self, request: Request, timeout: Optional[Timeout] = None) -> StreamingResponse:
        """Send ``request`` and return as soon as the head has arrived (the body streams)."""
        return StreamingResponse.from_response(self.send(request, timeout))

    def open(self) -> None:
        """Prepare for use (nothing by default)."""

    def close(self) -> None:
        """Release pooled connections."""


class AsyncHttpClient(abc.ABC):
    """The asyncio counterpart of HttpClient."""

    @abc.abstractmethod
    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        """Send ``request``."""

    async def stream(self, request: Request, timeout: Optional[Timeout] = None) -> AsyncStreamingResponse:
        """Send ``request`` and return once the head has arrived (the body streams)."""
        return AsyncStreamingResponse.from_response(await self.send(request, timeout))

    async def close(self) -> None:
        """Release pooled connections."""


def _timeout(connect: Optional[float], read: Optional[float], given: Optional[Timeout]) -> Timeout:
    base = given or Timeout()
    return Timeout(connect if connect is not None else base.connect, read if read is not None else base.read)


def _bytes(request: Request) -> bytes:
    """The whole body, for the paths that cannot stream it (proxy, requests session)."""
    return b"".join(request.iter_body())


def _follow(request: Request, response: Response) -> Optional[Request]:
    location = response.headers.get("location")
    if response.status not in _REDIRECTS or not location:
        return None
    method = "GET" if response.status == 303 else request.method
    return Request(method, urljoin(request.url, location), request.headers,
                   b"" if method == "GET" and request.method != "GET" else request.body)


class RequestsHttpClient(HttpClient):
    """The default HTTP client (alibabacloud_oss_v2's name and keywords), on our transport."""

    def __init__(
        self,
        connect_timeout: Optional[float] = None,
        readwrite_timeout: Optional[float] = None,
        max_connections: Optional[int] = None,
        insecure_skip_verify: bool = False,
        enabled_redirect: bool = False,
        proxy_host: Optional[Union[str, Mapping[str, str]]] = None,
        block_size: Optional[int] = None,
        session: Any = None,
        adapter: Any = None,
        transport: "Optional[BaseTransport]" = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.readwrite_timeout = readwrite_timeout
        self.max_connections = max_connections or DEFAULT_MAX_CONNECTIONS
        self.insecure_skip_verify = bool(insecure_skip_verify)
        self.enabled_redirect = bool(enabled_redirect)
        self.proxies = proxy_map(proxy_host)
        self.block_size = block_size or DEFAULT_BLOCK_SIZE
        self._session = session
        if session is not None and adapter is not None:
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._transport = transport
        self._opener: Any = None

    def _sync_transport(self) -> "BaseTransport":
        if self._transport is None:
            from alicloud_storage.http import SyncTransport

            self._transport = SyncTransport(self.max_connections, TLSConfig(verify=not self.insecure_skip_verify))
        return self._transport

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        limits = _timeout(self.connect_timeout, self.readwrite_timeout, timeout)
        if self._session is not None:
            return self._send_requests(request, limits)
        if self.proxies:
            return self._send_proxied(request, limits)
        transport = self._sync_transport()
        response = transport.send(request, limits)
        for _ in range(MAX_REDIRECTS if self.enabled_redirect else 0):
            following = _follow(request, response)
            if following is None:
                break
            request = following
            response = transport.send(request, limits)
        return response

    def stream(self, request: Request, timeout: Optional[Timeout] = None) -> StreamingResponse:
        if self._session is not None or self.proxies:
            return StreamingResponse.from_response(self.send(request, timeout))
        limits = _timeout(self.connect_timeout, self.readwrite_timeout, timeout)
        transport = self._sync_transport()
        response = transport.stream(request, limits)
        for _ in range(MAX_REDIRECTS if self.enabled_redirect else 0):
            following = _follow(request, Response(response.status, response.reason, response.headers))
            if following is None:
                break
            response.close()
            request = following
            response = transport.stream(request, limits)
        return response

    def _send_proxied(self, request: Request, limits: Timeout) -> Response:
        """Through the proxies with urllib (CONNECT tunnels for https)."""
        import socket
        import ssl
        import urllib.error
        import urllib.request

        if self._opener is None:
            context = TLSConfig(verify=not self.insecure_skip_verify).create_ssl_context()
            handlers: List[Any] = [urllib.request.ProxyHandler(self.proxies), urllib.request.HTTPSHandler(context=context)]
            if not self.enabled_redirect:
                handlers.append(_NoRedirect())
            self._opener = urllib.request.build_opener(*handlers)
        raw = urllib.request.Request(request.url, data=_bytes(request) or None, headers=dict(request.headers),
                                     method=request.method)
        try:
            reply = self._opener.open(raw, timeout=limits.read or limits.connect)
        except urllib.error.HTTPError as error:
            reply = error
        except socket.timeout as exc:
            raise ReadTimeoutError(f"timed out through the proxy: {exc}") from exc
        except (urllib.error.URLError, ssl.SSLError, OSError) as exc:
            raise ConnectError(f"proxy request failed: {exc}") from exc
        try:
            body = reply.read() if request.method != "HEAD" else b""
        except OSError as exc:
            raise ReadError(f"reading through the proxy failed: {exc}") from exc
        finally:
            reply.close()
        return Response(reply.status, reply.reason or "", response_headers(reply.headers.items()), body)

    def _send_requests(self, request: Request, limits: Timeout) -> Response:
        """Through the caller's requests.Session."""
        try:
            reply = self._session.request(
                request.method, request.url, headers=dict(request.headers), data=_bytes(request) or None,
                timeout=(limits.connect, limits.read), verify=not self.insecure_skip_verify,
                allow_redirects=self.enabled_redirect, proxies=self.proxies or None, stream=False)
        except Exception as exc:  # requests' own exception tree: mapped to ours
            name = type(exc).__name__
            if "Timeout" in name and "Connect" not in name:
                raise ReadTimeoutError(str(exc)) from exc
            raise ConnectError(f"{name}: {exc}") from exc
        return Response(reply.status_code, reply.reason or "", response_headers(reply.headers.items()),
                        reply.content)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        if self._session is not None:
            self._session.close()

    def __repr__(self) -> str:
        return (f"RequestsHttpClient(max_connections={self.max_connections}, "
                f"proxied={sorted(self.proxies)}, enabled_redirect={self.enabled_redirect})")


class _NoRedirect:
    """urllib handler that hands 3xx answers back instead of following them."""

    handler_order = 400

    def add_parent(self, parent: Any) -> None:
        self.parent = parent

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def __lt__(self, other: Any) -> bool:
        return True


class AioHttpClient(AsyncHttpClient):
    """The asyncio HTTP client: our AsyncTransport (aiohttp, imported on first use)."""

    def __init__(
        self,
        connect_timeout: Optional[float] = None,
        readwrite_timeout: Optional[float] = None,
        max_connections: Optional[int] = None,
        insecure_skip_verify: bool = False,
        enabled_redirect: bool = False,
        transport: "Optional[AsyncBaseTransport]" = None,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.readwrite_timeout = readwrite_timeout
        self.max_connections = max_connections or DEFAULT_MAX_CONNECTIONS
        self.insecure_skip_verify = bool(insecure_skip_verify)
        self.enabled_redirect = bool(enabled_redirect)
        self._transport = transport

    def _async_transport(self) -> "AsyncBaseTransport":
        if self._transport is None:
            from alicloud_storage.http import AsyncTransport

            self._transport = AsyncTransport(self.max_connections, TLSConfig(verify=not self.insecure_skip_verify))
        return self._transport

    async def stream(self, request: Request, timeout: Optional[Timeout] = None) -> AsyncStreamingResponse:
        limits = _timeout(self.connect_timeout, self.readwrite_timeout, timeout)
        transport = self._async_transport()
        response = await transport.stream(request, limits)
        for _ in range(MAX_REDIRECTS if self.enabled_redirect else 0):
            following = _follow(request, Response(response.status, response.reason, response.headers))
            if following is None:
                break
            await response.close()
            request = following
            response = await transport.stream(request, limits)
        return response

    async def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        limits = _timeout(self.connect_timeout, self.readwrite_timeout, timeout)
        transport = self._async_transport()
        response = await transport.send(request, limits)
        for _ in range(MAX_REDIRECTS if self.enabled_redirect else 0):
            following = _follow(request, response)
            if following is None:
                break
            request = following
            response = await transport.send(request, limits)
        return response

    async def close(self) -> None:
        if self._transport is not None:
            await self._transport.close()
