"""Model plumbing: where each field of a request or result lives on the wire.

A field's metadata says where it goes: ``host`` (bucket), ``path`` (key), ``header``,
``query``, ``usermeta`` (``x-oss-meta-*``), ``body`` (raw, or an XML model), ``xml``
(an element of a result or nested model), or nothing (client-side only). One generic
serializer and deserializer (:mod:`alicloud_storage.oss.serde`) read this metadata, so a
model is only its declaration, with the official field names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

__all__ = ["RequestModel", "ResultModel", "Model", "host", "path", "header", "query", "usermeta",
           "body", "xml", "local"]


def _spot(where: str, name: Optional[str] = None, kind: Any = None, default: Any = None) -> Any:
    return field(default=default, metadata={"in": where, "name": name, "kind": kind})


def host() -> Any:
    """The bucket (host or first path segment)."""
    return _spot("host")


def path() -> Any:
    """The object key."""
    return _spot("path")


def header(name: str, kind: Any = None) -> Any:
    """A request or response header."""
    return _spot("header", name, kind)


def query(name: str, kind: Any = None) -> Any:
    """A query parameter."""
    return _spot("query", name, kind)


def usermeta() -> Any:
    """The ``x-oss-meta-*`` headers as a dict (names without the prefix)."""
    return _spot("usermeta")


def body(root: Optional[str] = None) -> Any:
    """The request body: raw bytes/str/file/iterator, or an XML model under ``root``."""
    return _spot("body", root)


def xml(tag: str, kind: Any = None) -> Any:
    """An XML element (``A/B`` for a nested path); kind int, bool, datetime, a model
    class or ``[Model]``/``[str]`` for repeated elements."""
    return _spot("xml", tag, kind)


def local(default: Any = None) -> Any:
    """A client-side parameter (progress callback, ...), never sent."""
    return _spot("local", default=default)


@dataclass
class Model:
    """A plain data model (nested XML structures)."""


@dataclass
class RequestModel:
    """The input of one operation."""


@dataclass
class ResultModel:
    """The output of one operation: HTTP status, request id and headers, plus its fields."""

    status: str = field(default="", metadata={"in": "meta"})
    status_code: int = field(default=0, metadata={"in": "meta"})
    request_id: str = field(default="", metadata={"in": "meta"})
    headers: Dict[str, str] = field(default_factory=dict, metadata={"in": "meta"}, repr=False)
