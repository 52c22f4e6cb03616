"""Where a request goes: region + flags -> endpoint, address style, URL; and the bucket /
object name rules, all as ``alibabacloud_oss_v2`` resolves them.

- Endpoint: an explicit ``endpoint`` wins (``https://``, or ``http://`` with
  ``disable_ssl``, is prepended when it has no scheme); otherwise a valid region gives
  ``oss-{region}.aliyuncs.com``, with priority dualstack (``{region}.oss.aliyuncs.com``)
  > internal (``oss-{region}-internal``) > accelerate (``oss-accelerate``).
- Address style: cname > path > virtual-hosted alias > virtual; an IP-literal host
  (IPv4 or ``[v6]``) forces path style; ``localhost`` is not an IP.
- URL: virtual ``{bucket}.{host}/{key}``, path ``{host}/{bucket}/{key}``, cname
  ``{host}/{key}``; the key is percent-encoded with ``/`` kept.
"""
from __future__ import annotations

import enum
import re
import socket
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote, urlsplit

from alicloud_storage.oss.exceptions import BucketNameInvalidError, ObjectNameInvalidError

__all__ = [
    "AddressStyle",
    "Endpoint",
    "add_scheme",
    "from_region",
    "resolve_endpoint",
    "resolve_address_style",
    "build_url",
    "is_ip",
    "is_valid_region",
    "is_valid_bucket_name",
    "is_valid_object_name",
    "check_bucket_name",
    "check_object_name",
]

_SCHEME = re.compile(r"^([^:]+)://")
_REGION = re.compile(r"^[a-z0-9-]+$")
_BUCKET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class AddressStyle(enum.IntEnum):
    """How the bucket appears in a URL."""

    Virtual = 1
    Path = 2
    CName = 3
    VirtualAlias = 4


@dataclass(frozen=True)
class Endpoint:
    """A resolved endpoint: scheme and ``host[:port]``."""

    scheme: str
    netloc: str


def add_scheme(endpoint: str, disable_ssl: bool) -> str:
    """``endpoint`` with ``https://`` (``http://`` if disable_ssl) when it has no scheme."""
    if endpoint and not _SCHEME.match(endpoint):
        endpoint = f"{'http' if disable_ssl else 'https'}://{endpoint}"
    return endpoint


def from_region(region: str, disable_ssl: bool, kind: str = "default") -> str:
    """The endpoint URL of a region: kind is default, internal, dualstack, accelerate
    or overseas."""
    hosts = {
        "internal": f"oss-{region}-internal.aliyuncs.com",
        "dualstack": f"{region}.oss.aliyuncs.com",
        "accelerate": "oss-accelerate.aliyuncs.com",
        "overseas": "oss-accelerate-overseas.aliyuncs.com",
    }
    return f"{'http' if disable_ssl else 'https'}://{hosts.get(kind, f'oss-{region}.aliyuncs.com')}"


def is_valid_region(region: Optional[str]) -> bool:
    """A region id usable in an endpoint: ``[a-z0-9-]+``."""
    return bool(region) and _REGION.match(region or "") is not None


def resolve_endpoint(
    region: Optional[str],
    endpoint: Optional[str],
    disable_ssl: bool = False,
    use_dualstack_endpoint: bool = False,
    use_internal_endpoint: bool = False,
    use_accelerate_endpoint: bool = False,
) -> Optional[Endpoint]:
    """The endpoint a configuration sends to, or None when neither an endpoint nor a
    valid region is given."""
    if endpoint:
        url = add_scheme(endpoint, disable_ssl)
    elif is_valid_region(region):
        kind = ("dualstack" if use_dualstack_endpoint else "internal" if use_internal_endpoint
                else "accelerate" if use_accelerate_endpoint else "default")
        url = from_region(str(region), disable_ssl, kind)
    else:
        return None
    parts = urlsplit(url)
    return Endpoint(parts.scheme, parts.netloc)


def is_ip(hostname: str) -> bool:
    """True for an IPv4 literal (``inet_aton`` rules) or a bracketed IPv6 literal."""
    if not hostname:
        return False
    close = hostname.find("]")
    try:
        if hostname[0] == "[" and close > 0:
            socket.inet_pton(socket.AF_INET6, hostname[1:close])
        else:
            socket.inet_aton(hostname.split(":")[0])
    except (OSError, ValueError):
        return False
    return True


def resolve_address_style(
    endpoint: Optional[Endpoint],
    use_cname: bool = False,
    use_path_style: bool = False,
    use_virtual_hosted_alias: bool = False,
) -> AddressStyle:
    """cname > path > alias > virtual; an IP endpoint always gets path style."""
    if use_cname:
        style = AddressStyle.CName
    elif use_path_style:
        style = AddressStyle.Path
    elif use_virtual_hosted_alias:
        style = AddressStyle.VirtualAlias
    else:
        style = AddressStyle.Virtual
    if endpoint is not None and is_ip(_host_for_ip_check(endpoint.netloc)):
        style = AddressStyle.Path
    return style


def _host_for_ip_check(netloc: str) -> str:
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host
    return host.lower()


def build_url(
    endpoint: Endpoint, style: AddressStyle, bucket: Optional[str], key: Optional[str], query: str = ""
) -> str:
    """The request URL of a bucket/key (either may be None) with an encoded query."""
    host = endpoint.netloc
    paths = []
    if bucket is not None:
        if style == AddressStyle.Path:
            paths.append(bucket)
            if key is None:
                paths.append("")
        elif style != AddressStyle.CName:
            host = f"{bucket}.{host}"
    if key is not None:
        paths.append(quote(key, safe="/"))
    url = f"{endpoint.scheme}://{host}/{'/'.join(paths)}"
    return f"{url}?{query}" if query else url


def is_valid_bucket_name(name: object) -> bool:
    """3-63 characters of a-z, 0-9 and '-', not starting or ending with '-'."""
    return (isinstance(name, str) and 3 <= len(name) <= 63 and name[0] != "-" and name[-1] != "-"
            and set(name) <= _BUCKET_CHARS)


def is_valid_object_name(name: object) -> bool:
    """1-1024 characters."""
    return isinstance(name, str) and 1 <= len(name) <= 1024


def check_bucket_name(name: object) -> str:
    """``name`` if valid, else BucketNameInvalidError with the official message."""
    if not is_valid_bucket_name(name):
        raise BucketNameInvalidError(name="" if name is None else str(name))
    return str(name)


def check_object_name(name: object) -> str:
    """``name`` if valid, else ObjectNameInvalidError."""
    if not is_valid_object_name(name):
        raise ObjectNameInvalidError()
    return str(name)
