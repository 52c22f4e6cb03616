"""The operation table: one entry per client method, filled by the family modules.

An :class:`Operation` is one API call: ``encode(*args, **kwargs) -> (message, context)``
has the public signature (the clients copy it), validates arguments with clear
OTSClientError messages and builds the protobuf request; ``decode(response_message,
context, request_id) -> result`` gives the official SDK's result shape; ``idempotent``
tells the retry policy whether the API may be sent twice. Iterators over several calls
(``xget_range``) are generators in :data:`ITERATORS` that yield :class:`SubCall` steps
and the items to hand out; the sync and async clients drive them.

This module imports no protobuf: the family modules do, and register themselves here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Generator, Tuple

__all__ = [
    "Operation",
    "SubCall",
    "OPERATIONS",
    "ITERATORS",
    "Encoder",
    "Decoder",
    "Flow",
    "register",
    "register_iterator",
]

Encoder = Callable[..., Tuple[Any, Any]]
Decoder = Callable[[Any, Any, str], Any]
Flow = Callable[..., Generator[Any, Any, None]]


@dataclass(frozen=True)
class Operation:
    """One API: public signature + encoder, protobuf response type, decoder, idempotency."""

    api: str
    encode: Encoder
    response_type: Any
    decode: Decoder
    idempotent: bool


@dataclass(frozen=True)
class SubCall:
    """A step of an iterator flow: call operation ``method`` with these positional arguments."""

    method: str
    args: Tuple[Any, ...] = ()


OPERATIONS: Dict[str, Operation] = {}
ITERATORS: Dict[str, Flow] = {}


def register(api: str, response_type: Any, decode: Decoder, idempotent: bool) -> Callable[[Encoder], Encoder]:
    """Decorator: add the decorated encoder as client method ``encoder.__name__``."""

    def add(encode: Encoder) -> Encoder:
        OPERATIONS[encode.__name__] = Operation(api, encode, response_type, decode, idempotent)
        return encode

    return add


def register_iterator(flow: Flow) -> Flow:
    """Decorator: add the decorated flow as client iterator method ``flow.__name__``."""
    ITERATORS[flow.__name__] = flow
    return flow
