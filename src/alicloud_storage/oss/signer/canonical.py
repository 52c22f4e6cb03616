"""Pieces shared by the OSS signatures: the request to sign, query encoding, dates.

Query values travel decoded in :class:`SigningRequest`; they are percent-encoded here
exactly as ``alibabacloud-oss-v2`` puts them in the URL (``quote(v, safe='')``: only
``A-Za-z0-9-_.~`` stay raw), so the URL sent and the canonical query agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote_plus

__all__ = [
    "QueryPairs",
    "SigningRequest",
    "encode_query",
    "parse_query",
    "quote_value",
    "lower_headers",
    "iso8601",
    "rfc1123",
    "utc",
]

QueryPairs = Sequence[Tuple[str, str]]


@dataclass(frozen=True)
class SigningRequest:
    """What a signature covers: the method, the bucket and key (decoded, whatever the
    address style), the decoded query pairs in URL order, and the headers as sent."""

    method: str
    bucket: Optional[str] = None
    key: Optional[str] = None
    query: QueryPairs = ()
    headers: Mapping[str, str] = field(default_factory=dict)


def quote_value(text: str) -> str:
    """Percent-encode everything but ``A-Za-z0-9-_.~`` (RFC 3986 unreserved)."""
    return quote(text, safe="")


def encode_query(pairs: QueryPairs, bare_empty: bool = False) -> str:
    """The URL query of decoded pairs: ``k=v`` (``k=`` for an empty value, or a bare
    ``k`` when ``bare_empty``), in the given order."""
    parts = []
    for name, value in pairs:
        if value or not bare_empty:
            parts.append(f"{quote_value(name)}={quote_value(value)}")
        else:
            parts.append(quote_value(name))
    return "&".join(parts)


def parse_query(raw: str) -> List[Tuple[str, str]]:
    """Decoded pairs of a raw query string (``+`` is a space, as oss2 sends it)."""
    pairs: List[Tuple[str, str]] = []
    if not raw:
        return pairs
    for item in raw.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


def lower_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """Headers with lowercase names (a later spelling of a name wins)."""
    return {name.lower(): value for name, value in headers.items()}


def utc(now: datetime) -> datetime:
    """``now`` as an aware UTC datetime (naive means UTC)."""
    if now.tzinfo is None:
        return now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc)


def iso8601(now: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ``: the V4 ``x-oss-date``."""
    return utc(now).strftime("%Y%m%dT%H%M%SZ")


def rfc1123(now: datetime) -> str:
    """``Tue, 02 Jan 2024 03:04:05 GMT``: the ``Date`` header."""
    return format_datetime(utc(now), usegmt=True)
