"""OSS XML bodies: a tiny writer for answers and strict readers for request documents.

Times in XML end in ``.000Z`` (oss2 demands it), headers use RFC 1123 GMT. With
``encoding-type=url`` the listed names are percent-encoded (nothing kept but
``A-Za-z0-9-_.~``, as the service does).
"""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Callable, List, Optional, Sequence, Tuple, Union
from urllib.parse import unquote_plus
from xml.sax.saxutils import escape

from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss import limits
from alicloud_storage.emulator.oss.metadata import Tags
from alicloud_storage.oss.signer.canonical import quote_value

__all__ = [
    "Xml", "iso_time", "http_time", "url_encoder", "error_document", "error_header", "parse_document",
    "parse_delete", "parse_complete", "parse_tagging", "parse_tag_header", "parse_create_bucket",
]

_Value = Union[str, int, bool, None]


def iso_time(epoch: float) -> str:
    """``2024-01-02T03:04:05.000Z``."""
    return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def http_time(epoch: float) -> str:
    """``Tue, 02 Jan 2024 03:04:05 GMT``."""
    return formatdate(int(epoch), usegmt=True)


def _same(text: str) -> str:
    return text


def url_encoder(encoding_type: str) -> Callable[[str], str]:
    """The function applied to names in a listing: percent-encoding or none."""
    return quote_value if encoding_type == "url" else _same


class Xml:
    """Build an XML document element by element (``open``/``close``/``leaf``)."""

    def __init__(self, root: str) -> None:
        self._parts: List[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<{root}>"]
        self._stack = [root]

    def leaf(self, name: str, value: _Value) -> "Xml":
        """``<name>value</name>`` (booleans as ``true``/``false``; None as empty)."""
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = "" if value is None else escape(str(value))
        self._parts.append(f"<{name}>{text}</{name}>")
        return self

    def text(self, value: str) -> "Xml":
        """Text directly inside the innermost open element."""
        self._parts.append(escape(value))
        return self

    def open(self, name: str) -> "Xml":
        """Start a child element."""
        self._parts.append(f"<{name}>")
        self._stack.append(name)
        return self

    def close(self) -> "Xml":
        """End the innermost open element."""
        self._parts.append(f"</{self._stack.pop()}>")
        return self

    def owner(self, account_id: str) -> "Xml":
        """``<Owner><ID/><DisplayName/></Owner>``."""
        return self.open("Owner").leaf("ID", account_id).leaf("DisplayName", account_id).close()

    def body(self) -> bytes:
        """The finished document."""
        while self._stack:
            self.close()
        return "".join(self._parts).encode("utf-8")


def error_document(
    code: str, message: str, request_id: str, host_id: str, ec: str,
    details: Sequence[Tuple[str, str]],
) -> bytes:
    """The service's ``<Error>`` body."""
    doc = Xml("Error").leaf("Code", code).leaf("Message", message).leaf("RequestId", request_id)
    doc.leaf("HostId", host_id)
    for name, value in details:
        doc.leaf(name, value)
    if ec:
        doc.leaf("EC", ec).leaf("RecommendDoc", f"https://api.aliyun.com/troubleshoot?q={ec}")
    return doc.body()


def error_header(document: bytes) -> str:
    """``x-oss-err``: the error document of a body-less answer (HEAD), base64."""
    return base64.b64encode(document).decode("ascii")


def parse_document(body: bytes, root: str) -> ElementTree.Element:
    """Parse a request document whose root must be ``root``; else 400 MalformedXML."""
    if len(body) > limits.MAX_XML_BODY:
        raise E.MALFORMED_XML.error()
    try:
        element = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise E.MALFORMED_XML.error() from None
    if element.tag != root:
        raise E.MALFORMED_XML.error()
    return element


def _text(element: Optional[ElementTree.Element]) -> Optional[str]:
    return None if element is None else (element.text or "")


def parse_delete(body: bytes) -> Tuple[bool, List[str]]:
    """``<Delete><Quiet>…</Quiet><Object><Key>…</Key></Object>…</Delete>`` → (quiet, keys)."""
    root = parse_document(body, "Delete")
    quiet_text = (_text(root.find("Quiet")) or "false").strip().lower()
    if quiet_text not in ("true", "false"):
        raise E.MALFORMED_XML.error()
    keys = []
    for obj in root.findall("Object"):
        key = _text(obj.find("Key"))
        if key is None:
            raise E.MALFORMED_XML.error()
        keys.append(key)
    if not keys or len(keys) > limits.MAX_DELETE_OBJECTS:
        raise E.MALFORMED_XML.error()
    return quiet_text == "true", keys


def parse_complete(body: bytes) -> List[Tuple[int, str]]:
    """``<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…`` → (number, etag)."""
    root = parse_document(body, "CompleteMultipartUpload")
    parts = []
    for part in root.findall("Part"):
        number, etag = _text(part.find("PartNumber")), _text(part.find("ETag"))
        if number is None or etag is None:
            raise E.MALFORMED_XML.error()
        try:
            parts.append((int(number), etag))
        except ValueError:
            raise E.MALFORMED_XML.error() from None
    if not parts:
        raise E.MALFORMED_XML.error()
    return parts


def _check_tags(pairs: List[Tuple[str, str]]) -> Tags:
    if len(pairs) > limits.MAX_TAGS:
        raise E.INVALID_TAG.error(message="Object tags cannot be greater than 10")
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise E.INVALID_TAG.error(message="Cannot provide multiple Tags with the same key")
    for key, value in pairs:
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise E.INVALID_TAG.error(message="The TagKey or TagValue you have provided is invalid")
    return tuple(pairs)


def parse_tagging(body: bytes) -> Tags:
    """``<Tagging><TagSet><Tag><Key/><Value/></Tag>…`` → checked tags."""
    root = parse_document(body, "Tagging")
    tag_set = root.find("TagSet")
    pairs = []
    for tag in [] if tag_set is None else tag_set.findall("Tag"):
        key = _text(tag.find("Key"))
        if key is None:
            raise E.MALFORMED_XML.error()
        pairs.append((key, _text(tag.find("Value")) or ""))
    return _check_tags(pairs)


def parse_tag_header(value: str) -> Tags:
    """``x-oss-tagging: k1=v1&k2=v2`` (URL-encoded) → checked tags."""
    pairs = []
    for item in value.split("&"):
        if not item:
            continue
        key, _, val = item.partition("=")
        if "=" in val:
            raise E.INVALID_TAG.error(message="The tagging header is invalid")
        pairs.append((unquote_plus(key), unquote_plus(val)))
    return _check_tags(pairs)


def parse_create_bucket(body: bytes) -> Tuple[str, str]:
    """PutBucket's optional ``<CreateBucketConfiguration>`` → (storage class, redundancy)."""
    if not body.strip():
        return "Standard", "LRS"
    root = parse_document(body, "CreateBucketConfiguration")
    storage_class = (_text(root.find("StorageClass")) or "Standard").strip()
    redundancy = (_text(root.find("DataRedundancyType")) or "LRS").strip()
    return storage_class, redundancy
