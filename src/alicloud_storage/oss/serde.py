"""One serializer and one deserializer for every model, driven by the field metadata of
:mod:`alicloud_storage.oss.models.base`: request -> (query, headers, body), and
(status, headers, XML body) -> result. No per-operation code lives here.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from email.utils import parsedate_to_datetime
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from alicloud_storage.oss.exceptions import DeserializationError, SerializationError
from alicloud_storage.oss.models.base import Model

__all__ = [
    "FieldSpec",
    "WireInput",
    "field_specs",
    "serialize",
    "model_to_xml",
    "parse_xml",
    "deserialize",
    "parse_datetime",
    "parse_httptime",
    "bool_text",
]

_M = TypeVar("_M")


@dataclass(frozen=True)
class FieldSpec:
    """Where one model field lives: ``where`` (host, path, header, query, usermeta, body,
    xml, local, meta), the wire name and the value kind."""

    name: str
    where: str
    wire: Optional[str]
    kind: Any


_SPECS: Dict[type, Tuple[FieldSpec, ...]] = {}


def field_specs(cls: type) -> Tuple[FieldSpec, ...]:
    """The wire layout of a model class (cached per class)."""
    specs = _SPECS.get(cls)
    if specs is None:
        specs = _SPECS[cls] = tuple(
            FieldSpec(f.name, f.metadata.get("in", "local"), f.metadata.get("name"), f.metadata.get("kind"))
            for f in fields(cls))
    return specs


@dataclass
class WireInput:
    """A serialized request: bucket, key, query pairs in order, headers and the body."""

    bucket: Optional[str] = None
    key: Optional[str] = None
    query: List[Tuple[str, str]] = field(default_factory=list)
    headers: Dict[str, str] = field(default_factory=dict)
    body: Any = None


def bool_text(value: bool) -> str:
    """``true`` / ``false``."""
    return "true" if value else "false"


def _text(value: Any, kind: Any) -> str:
    if isinstance(value, bool):
        return bool_text(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return str(value)


def serialize(request: Any) -> WireInput:
    """Split a request model into bucket, key, query, headers and body."""
    wire = WireInput()
    for spec in field_specs(type(request)):
        value = getattr(request, spec.name)
        if value is None:
            continue
        if spec.where == "host":
            wire.bucket = value
        elif spec.where == "path":
            wire.key = value
        elif spec.where == "header":
            wire.headers[str(spec.wire)] = _text(value, spec.kind)
        elif spec.where == "query":
            wire.query.append((str(spec.wire), _text(value, spec.kind)))
        elif spec.where == "usermeta":
            for name, meta in dict(value).items():
                wire.headers[f"x-oss-meta-{name}"] = str(meta)
        elif spec.where == "body":
            wire.body = model_to_xml(value, spec.wire) if isinstance(value, Model) and spec.wire else value
    return wire


def _xml_of(value: Any, tag: str, kind: Any) -> str:
    if isinstance(value, Model):
        return f"<{tag}>{_xml_children(value)}</{tag}>"
    return f"<{tag}>{escape(_text(value, kind))}</{tag}>"


def _xml_children(model: Any) -> str:
    parts: List[str] = []
    for spec in field_specs(type(model)):
        value = getattr(model, spec.name)
        if value is None or spec.where != "xml":
            continue
        tag = str(spec.wire)
        if isinstance(value, (list, tuple)):
            parts.extend(_xml_of(item, tag, None) for item in value)
        else:
            parts.append(_xml_of(value, tag, spec.kind))
    return "".join(parts)


def model_to_xml(model: Any, root: str) -> bytes:
    """``<root>...</root>`` of a model, fields in declaration order."""
    try:
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{_xml_children(model)}</{root}>'.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise SerializationError(error=exc) from exc


def parse_datetime(text: str) -> datetime.datetime:
    """An XML time (``2024-01-02T03:04:05.000Z`` or with an offset) as an aware datetime."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    head, dot, rest = value.partition(".")
    if dot:  # fromisoformat on 3.9 wants 3 or 6 fraction digits
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits):]
        value = f"{head}.{(digits + '000000')[:6]}{zone}"
    return datetime.datetime.fromisoformat(value)


def parse_httptime(text: str) -> datetime.datetime:
    """An HTTP date (``Tue, 02 Jan 2024 03:04:05 GMT``) as an aware datetime."""
    return parsedate_to_datetime(text)


def _convert(text: Optional[str], kind: Any) -> Any:
    if text is None:
        return None
    if kind == "int":
        return int(text)
    if kind == "bool":
        return text.strip().lower() == "true"
    if kind == "datetime":
        return parse_datetime(text)
    if kind == "httptime":
        return parse_httptime(text)
    return text


def parse_xml(cls: Type[_M], element: ElementTree.Element, target: Optional[_M] = None) -> _M:
    """Fill a model's ``xml`` fields from an element (a new instance unless ``target``)."""
    values: Dict[str, Any] = {}
    for spec in field_specs(cls):
        if spec.where != "xml":
            continue
        tag, kind = str(spec.wire), spec.kind
        if isinstance(kind, list):
            item_kind = kind[0]
            items = element.findall(tag)
            if items:
                values[spec.name] = [parse_xml(item_kind, item) if isinstance(item_kind, type)
                                     else _convert(item.text or "", None) for item in items]
            continue
        child = element if tag == "." else element.find(tag)
        if child is None:
            continue
        if isinstance(kind, type):
            values[spec.name] = parse_xml(kind, child)
        else:
            values[spec.name] = _convert(child.text if child.text is not None else "", kind)
    if target is None:
        return cls(**values)
    for name, value in values.items():
        setattr(target, name, value)
    return target


def deserialize(cls: Type[_M], status_code: int, reason: str, headers: Dict[str, str],
                root: Optional[ElementTree.Element] = None) -> _M:
    """A result from the response: meta fields, headers (and user metadata), XML fields."""
    values: Dict[str, Any] = {
        "status": reason, "status_code": status_code, "headers": headers,
        "request_id": headers.get("x-oss-request-id", ""),
    }
    try:
        for spec in field_specs(cls):
            if spec.where == "header":
                text = headers.get(str(spec.wire).lower())
                if text is not None:
                    values[spec.name] = _convert(text, spec.kind)
            elif spec.where == "usermeta":
                values[spec.name] = {k[len("x-oss-meta-"):]: v for k, v in headers.items()
                                     if k.startswith("x-oss-meta-")}
        result = cls(**values)
        if root is not None:
            parse_xml(cls, root, result)
    except (ValueError, TypeError) as exc:
        raise DeserializationError(error=exc) from exc
    return result
