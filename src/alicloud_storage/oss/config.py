"""``Config``: every parameter of the OSS SDK 2.0 configuration table, with its documented
default; ``load_default()`` gives the defaults the document describes (V4 signing,
connect 10 s, read/write 20 s).

Values are checked whenever they are set, in the constructor or later
(``cfg.connect_timeout = -1``), and a bad one raises ParamInvalidError naming the
parameter. None always means "not set" (the client's default).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from alicloud_storage.oss.exceptions import ParamInvalidError

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READWRITE_TIMEOUT",
    "DEFAULT_SIGNATURE_VERSION",
    "DEFAULT_MAX_CONNECTIONS",
    "Config",
    "load_default",
]

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READWRITE_TIMEOUT = 20.0
DEFAULT_SIGNATURE_VERSION = "v4"
DEFAULT_MAX_CONNECTIONS = 20

_REGION = re.compile(r"^[a-z0-9-]+$")
_SCHEME = re.compile(r"^([^:/]+)://")


class _Invalid(Exception):
    pass


def _optional_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _Invalid("must be True or False")
    return value


def _positive_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise _Invalid("must be a number of seconds > 0")
    return value


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    return value


def _region(value: Any) -> Any:
    if not isinstance(value, str) or not _REGION.match(value):
        raise _Invalid("must be a region id such as cn-hangzhou (a-z, 0-9 and '-')")
    return value


def _endpoint(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip() or any(c.isspace() for c in value):
        raise _Invalid("must be a host name or URL such as https://oss-cn-hangzhou.aliyuncs.com")
    match = _SCHEME.match(value)
    if match and match.group(1).lower() not in ("http", "https"):
        raise _Invalid("must use the http or https scheme")
    return value


def _signature_version(value: Any) -> Any:
    if value not in ("v1", "v4"):
        raise _Invalid("must be 'v4' or 'v1'")
    return value


def _attempts(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid("must be an integer >= 1")
    return value


def _has(*methods: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        missing = [m for m in methods if not callable(getattr(value, m, None))]
        if missing:
            raise _Invalid(f"must have a {' and '.join(missing)} method")
        return value

    return check


def _proxy(value: Any) -> Any:
    if isinstance(value, str):
        return _endpoint(value)
    if isinstance(value, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return value
    raise _Invalid("must be a proxy URL or a {scheme: proxy URL} mapping")


def _header_names(value: Any) -> Any:
    if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
        raise _Invalid("must be a list of header names")
    return list(value)


def _headers(value: Any) -> Any:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _Invalid("must be a mapping of header names to string values")
    return dict(value)


def _account_id(value: Any) -> Any:
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        raise _Invalid("must be pure digits")
    return value


_CHECKS: Dict[str, Callable[[Any], Any]] = {
    "region": _region,
    "endpoint": _endpoint,
    "signature_version": _signature_version,
    "credentials_provider": _has("get_credentials"),
    "retry_max_attempts": _attempts,
    "retryer": _has("is_error_retryable", "max_attempts", "retry_delay"),
    "http_client": _has("send"),
    "connect_timeout": _positive_number,
    "readwrite_timeout": _positive_number,
    "proxy_host": _proxy,
    "additional_headers": _header_names,
    "user_agent": _text,
    "cloud_box_id": _text,
    "account_id": _account_id,
    "default_request_headers": _headers,
}


@dataclass
class Config:
    """The OSS client configuration (alibabacloud_oss_v2.config.Config's parameters)."""

    region: Optional[str] = None
    endpoint: Optional[str] = None
    signature_version: Optional[str] = None
    credentials_provider: Optional[Any] = None
    retry_max_attempts: Optional[int] = None
    retryer: Optional[Any] = None
    http_client: Optional[Any] = None
    connect_timeout: Optional[Union[int, float]] = None
    readwrite_timeout: Optional[Union[int, float]] = None
    use_dualstack_endpoint: Optional[bool] = None
    use_accelerate_endpoint: Optional[bool] = None
    use_internal_endpoint: Optional[bool] = None
    disable_ssl: Optional[bool] = None
    insecure_skip_verify: Optional[bool] = None
    enabled_redirect: Optional[bool] = None
    use_cname: Optional[bool] = None
    use_path_style: Optional[bool] = None
    proxy_host: Optional[Union[str, Dict[str, str]]] = None
    disable_upload_crc64_check: Optional[bool] = None
    disable_download_crc64_check: Optional[bool] = None
    additional_headers: Optional[List[str]] = None
    user_agent: Optional[str] = None
    cloud_box_id: Optional[str] = None
    enable_auto_detect_cloud_box_id: Optional[bool] = None
    account_id: Optional[str] = None
    use_virtual_hosted_alias: Optional[bool] = None
    default_request_headers: Optional[Dict[str, str]] = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _FIELDS:
            raise AttributeError(f"Config has no parameter {name!r}")
        if value is not None:
            check = _CHECKS.get(name, _optional_bool)
            try:
                value = check(value)
            except _Invalid as error:
                raise ParamInvalidError(field=f"{name}: {error}, got {_shown(name, value)}") from None
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={_shown(f.name, getattr(self, f.name))}"
                          for f in fields(self) if getattr(self, f.name) is not None)
        return f"Config({shown})"


def _shown(name: str, value: Any) -> str:
    """A value for a message or repr; a proxy URL's password is masked."""
    if name == "proxy_host" and isinstance(value, str):
        return repr(re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", value))
    if name == "proxy_host" and isinstance(value, Mapping):
        return repr({k: _shown(name, v).strip("'") for k, v in value.items()})
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_FIELDS = frozenset(f.name for f in fields(Config))


def load_default(**kwargs: Any) -> Config:
    """The documented defaults: V4 signing, 10 s to connect, 20 s to read/write; keyword
    arguments set further parameters."""
    return Config(signature_version=DEFAULT_SIGNATURE_VERSION, connect_timeout=DEFAULT_CONNECT_TIMEOUT,
                  readwrite_timeout=DEFAULT_READWRITE_TIMEOUT, **kwargs)
