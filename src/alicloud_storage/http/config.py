"""Transport configuration values: timeouts and TLS."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple, Union

if TYPE_CHECKING:  # ssl is imported when a context is built, not with the package
    import ssl

__all__ = ["Timeout", "TLSConfig", "TimeoutLike", "TLSVersionLike"]

TimeoutLike = Union["Timeout", float, Tuple[Optional[float], Optional[float]], None]
# An ssl.TLSVersion, one of the legacy ssl.PROTOCOL_TLSv1* constants, or a name like "TLSv1_2".
TLSVersionLike = Union["ssl.TLSVersion", int, str]


class _Same:
    """Default of Timeout's write and pool fields: take the read (write) or connect (pool) value."""

    def __repr__(self) -> str:
        return "<same>"


_SAME = _Same()


@dataclass(frozen=True, init=False)
class Timeout:
    """Timeouts in seconds; None means wait forever.

    ``connect``: open the TCP connection and the TLS handshake. ``read``: each wait for
    response bytes. ``write``: each wait to send request bytes (default: ``read``).
    ``pool``: waiting for a free connection when ``max_connections`` are busy (default:
    ``connect``); it expires with PoolTimeout.
    """

    connect: Optional[float]
    read: Optional[float]
    write: Optional[float]
    pool: Optional[float]

    def __init__(
        self,
        connect: Optional[float] = None,
        read: Optional[float] = None,
        write: Union[float, None, _Same] = _SAME,
        pool: Union[float, None, _Same] = _SAME,
    ) -> None:
        object.__setattr__(self, "connect", connect)
        object.__setattr__(self, "read", read)
        object.__setattr__(self, "write", read if isinstance(write, _Same) else write)
        object.__setattr__(self, "pool", connect if isinstance(pool, _Same) else pool)

    @classmethod
    def of(cls, value: TimeoutLike) -> "Timeout":
        """From a Timeout, one float for all four, a ``(connect, read)`` pair, or None (no limit)."""
        if isinstance(value, Timeout):
            return value
        if value is None or isinstance(value, (int, float)):
            return cls(value, value)
        connect, read = value
        return cls(connect, read)


def _tls_version(value: Optional[TLSVersionLike]) -> "Optional[ssl.TLSVersion]":
    """Map a TLSVersion, legacy PROTOCOL_* constant or name to an ssl.TLSVersion (None: no bound)."""
    import ssl

    if value is None or isinstance(value, ssl.TLSVersion):
        return value
    if isinstance(value, str):
        try:
            return ssl.TLSVersion[value.replace(".", "_")]
        except KeyError:
            raise ValueError(f"unknown TLS version name: {value!r}") from None
    legacy = {
        getattr(ssl, f"PROTOCOL_{name}"): ssl.TLSVersion[name]
        for name in ("TLSv1", "TLSv1_1", "TLSv1_2")
        if hasattr(ssl, f"PROTOCOL_{name}")
    }
    if value in legacy:
        return legacy[value]
    if value in (ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLS_CLIENT):
        return None
    try:
        return ssl.TLSVersion(value)
    except ValueError:
        raise ValueError(f"unknown TLS version: {value!r}") from None


@dataclass(frozen=True)
class TLSConfig:
    """How HTTPS connections are secured. ``shared_ssl_context()`` builds the ssl.SSLContext
    on first use and shares it between every transport with equal settings.

    ``ca_bundle`` None means certifi's bundle. ``min_version``/``max_version``
    take an ssl.TLSVersion, a legacy ``ssl.PROTOCOL_TLSv1_2``-style constant or
    a name such as ``"TLSv1_3"``.
    """

    verify: bool = True
    ca_bundle: Optional[str] = None
    min_version: Optional[TLSVersionLike] = None
    max_version: Optional[TLSVersionLike] = None

    @classmethod
    def from_ssl_version(cls, ssl_version: Optional[TLSVersionLike]) -> "TLSConfig":
        """The official SDK's ``ssl_version`` kwarg: a legacy PROTOCOL_* constant pins that
        one version (as the official SDK's urllib3-based client does); a TLSVersion is a minimum
        (as the async client sets it)."""
        import ssl

        if isinstance(ssl_version, ssl.TLSVersion):
            return cls(min_version=ssl_version)
        return cls(min_version=ssl_version, max_version=ssl_version)

    def validate(self) -> None:
        """Raise ValueError for an unknown TLS version (cheap: builds no context)."""
        _tls_version(self.min_version)
        _tls_version(self.max_version)

    def shared_ssl_context(self) -> "ssl.SSLContext":
        """The one SSLContext for these settings, built on first use (loading a CA bundle
        costs milliseconds); a context is safe to share between threads and transports."""
        return _shared_context(self)

    def create_ssl_context(self) -> "ssl.SSLContext":
        """A new client SSLContext with these settings."""
        import ssl

        context = ssl.create_default_context(cafile=self.ca_bundle or _certifi_bundle())
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        minimum, maximum = _tls_version(self.min_version), _tls_version(self.max_version)
        if minimum is not None:
            context.minimum_version = minimum
        if maximum is not None:
            context.maximum_version = maximum
        return context


@functools.lru_cache(maxsize=None)
def _shared_context(config: TLSConfig) -> "ssl.SSLContext":
    return config.create_ssl_context()


def _certifi_bundle() -> str:
    import certifi

    return str(certifi.where())
