"""Which bucket and key a request names: virtual-hosted (bucket in Host) or path style.

Host ``<bucket>.oss-<region>[-internal].aliyuncs.com`` (what ali-oss sends to an IP
endpoint), ``<bucket>.<region>.oss.aliyuncs.com``, ``<bucket>.oss-accelerate….aliyuncs.com``,
``<bucket>.localhost`` and ``<bucket>.<configured domain>`` are virtual-hosted; a host in
the CNAME map names its bucket; anything else (an IP, ``localhost``) is path style:
``/<bucket>/<key>``. The path is percent-decoded once (``%2F`` is a ``/`` of the key).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Tuple
from urllib.parse import unquote

__all__ = ["Address", "Addressing"]

_ALIYUN = re.compile(
    r"(?P<bucket>[^.]+)\.(?:oss-[a-z0-9-]+|[a-z0-9-]+\.oss|oss-accelerate(?:-overseas)?)"
    r"\.aliyuncs\.com")


@dataclass(frozen=True)
class Address:
    """The target of a request: service (no bucket), a bucket, or an object."""

    bucket: Optional[str]
    key: Optional[str]
    virtual_host: bool = False


@dataclass(frozen=True)
class Addressing:
    """How hosts map to buckets: extra service domains and a CNAME map (host → bucket)."""

    domains: Sequence[str] = ("localhost",)
    cnames: Mapping[str, str] = field(default_factory=dict)

    def bucket_of_host(self, host: str) -> Optional[str]:
        """The bucket a Host header names, or None for path style."""
        name = host.lower()
        if name.startswith("["):  # IPv6 literal
            return None
        name = name.rsplit(":", 1)[0] if ":" in name else name
        if name in self.cnames:
            return self.cnames[name]
        match = _ALIYUN.fullmatch(name)
        if match:
            return match.group("bucket")
        for domain in self.domains:
            if name.endswith("." + domain):
                bucket = name[: -len(domain) - 1]
                return bucket if bucket and "." not in bucket else None
        return None

    def resolve(self, host: str, raw_path: str) -> Address:
        """Bucket and key of ``raw_path`` (no query) sent to ``host``."""
        path = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
        bucket = self.bucket_of_host(host)
        if bucket is not None:
            key = path[1:] if path.startswith("/") else path
            return Address(bucket, key or None, True)
        bucket_part, key = _split(path)
        return Address(bucket_part or None, key or None if bucket_part else None)


def _split(path: str) -> Tuple[str, str]:
    trimmed = path[1:] if path.startswith("/") else path
    bucket, _, key = trimmed.partition("/")
    return bucket, key
