"""Transport errors: what went wrong on the wire, independent of any service.

    TransportError              the request failed below HTTP (base)
     ├── ConnectError           no connection was made: the request was not sent
     │    └── TLSError          TLS handshake or certificate verification failed
     ├── ReadError              the connection broke after the request was (maybe) sent
     └── TransportTimeout       a timeout expired
          ├── ConnectTimeoutError   while connecting: the request was not sent
          ├── PoolTimeout           no pooled connection came free: the request was not sent
          ├── WriteTimeoutError     while sending the request
          └── ReadTimeoutError      while waiting for or reading the response

Clients map these into their own trees (Tablestore: OTSNetworkError /
OTSTimeoutError). Messages name the failure, never headers or bodies.
"""
from __future__ import annotations

__all__ = [
    "TransportError",
    "ConnectError",
    "TLSError",
    "ReadError",
    "TransportTimeout",
    "ConnectTimeoutError",
    "PoolTimeout",
    "WriteTimeoutError",
    "ReadTimeoutError",
]


class TransportError(Exception):
    """The request failed below HTTP: no complete response was received."""


class ConnectError(TransportError):
    """No connection could be made (refused, unreachable, name resolution)."""


class TLSError(ConnectError):
    """The TLS handshake or the server certificate's verification failed."""


class ReadError(TransportError):
    """The connection failed while sending the request or reading the response."""


class TransportTimeout(TransportError):
    """A connect, pool, write or read timeout expired."""


class ConnectTimeoutError(TransportTimeout):
    """Connecting took longer than the connect timeout."""


class PoolTimeout(TransportTimeout):
    """Every one of the ``max_connections`` connections stayed busy for the pool timeout."""


class WriteTimeoutError(TransportTimeout):
    """Sending the request stalled for longer than the write timeout."""


class ReadTimeoutError(TransportTimeout):
    """The response did not arrive within the read timeout."""
