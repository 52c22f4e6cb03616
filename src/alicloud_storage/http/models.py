"""Sans-IO request and response values, and header redaction for logs and reprs.

Request headers are a ``Mapping[str, str]`` sent as given (names keep their case).
Response headers are a ``dict`` with lowercase names; a repeated header's values
are joined with ``", "``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, Mapping, Tuple

__all__ = ["Request", "Response", "SENSITIVE_HEADERS", "redact_headers", "response_headers"]

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "x-ots-signature",
        "x-ots-signaturev4",
        "x-ots-ststoken",
        "x-oss-security-token",
        "x-acs-security-token",
        "x-aliyun-ecs-metadata-token",  # the IMDSv2 session token of the ECS metadata service
    }
)
_MASK = "***"


def redact_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """A copy of ``headers`` safe to log: signatures and security tokens masked."""
    return {k: (_MASK if k.lower() in SENSITIVE_HEADERS else v) for k, v in headers.items()}


def response_headers(pairs: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    """Response headers as a dict: names lowercased, repeated values joined with ", "."""
    headers: Dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _repr(kind: str, head: str, headers: Mapping[str, str], body: bytes) -> str:
    """A request's or response's repr: headers redacted, the body only by its size."""
    return f"{kind}({head}, headers={redact_headers(headers)!r}, body=<{len(body)} bytes>)"


@dataclass(frozen=True)
class Request:
    """One HTTP request to send; ``url`` is absolute (``https://host/path``)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        return _repr("Request", f"method={self.method!r}, url={self.url!r}", self.headers, self.body)


@dataclass(frozen=True)
class Response:
    """One HTTP response, body fully read; header names are lowercase."""

    status: int
    reason: str = ""
    headers: Dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __repr__(self) -> str:
        return _repr("Response", f"status={self.status!r}, reason={self.reason!r}", self.headers, self.body)
