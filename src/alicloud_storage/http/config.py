"""Transport configuration values: timeouts and TLS."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple, Union

if TYPE_CHECKING:  # ssl is imported when a context is built, not with the package
    import ssl

__all__ = ["Timeout", "TLSConfig", "TimeoutLike", "TLSVersionLike"]

TimeoutLike = Union["Timeout", float, Tuple[Optional[float], Optional[float]], None]
# An ssl.TLSVersion, one of the legacy ssl.PROTOCOL_TLSv1* constants, or a name like "TLSv1_2".
TLSVersionLike = Union["ssl.TLSVersion", int, str]


@dataclass(frozen=True)
class Timeout:
    """Connect and read timeouts in seconds; None means wait forever."""

    connect: Optional[float] = None
    read: Optional[float] = None

    @classmethod
    def of(cls, value: TimeoutLike) -> "Timeout":
        """From a Timeout, one float for both, a ``(connect, read)`` pair, or None (no limit)."""
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
    """How HTTPS connections are secured; built into one ssl.SSLContext per transport.

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

    def create_ssl_context(self) -> "ssl.SSLContext":
        """A client SSLContext with these settings."""
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


def _certifi_bundle() -> str:
    import certifi

    return str(certifi.where())
