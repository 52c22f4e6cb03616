"""Config: every parameter of the document's table, its default, and bad values refused
with a message naming the parameter."""
from __future__ import annotations

from typing import Any

import pytest

from alicloud_storage.oss import config as oss_config
from alicloud_storage.oss.exceptions import ParamInvalidError

DOCUMENT_PARAMETERS = [
    "region", "credentials_provider", "endpoint", "http_client", "retry_max_attempts", "retryer",
    "connect_timeout", "readwrite_timeout", "insecure_skip_verify", "enabled_redirect", "proxy_host",
    "signature_version", "disable_ssl", "use_path_style", "use_cname", "use_dualstack_endpoint",
    "use_accelerate_endpoint", "use_internal_endpoint", "disable_upload_crc64_check",
    "disable_download_crc64_check", "additional_headers", "user_agent",
]


def test_load_default_has_the_documented_defaults() -> None:
    cfg = oss_config.load_default()
    assert (cfg.signature_version, cfg.connect_timeout, cfg.readwrite_timeout) == ("v4", 10, 20)
    for name in DOCUMENT_PARAMETERS:
        if name not in ("signature_version", "connect_timeout", "readwrite_timeout"):
            assert getattr(cfg, name) is None, name
    assert oss_config.load_default(region="cn-hangzhou").region == "cn-hangzhou"


class Provider:
    def get_credentials(self) -> Any:
        return None


class Client:
    def send(self, request: Any, **kwargs: Any) -> Any:
        return None


class Retryer:
    def is_error_retryable(self, error: Exception) -> bool:
        return False

    def max_attempts(self) -> int:
        return 1

    def retry_delay(self, attempt: int, error: Exception) -> float:
        return 0.0


GOOD = {
    "region": "cn-north-2-gov-1", "credentials_provider": Provider(), "endpoint": "oss-cn-hangzhou.aliyuncs.com",
    "http_client": Client(), "retry_max_attempts": 5, "retryer": Retryer(), "connect_timeout": 20,
    "readwrite_timeout": 30.5, "insecure_skip_verify": True, "enabled_redirect": True,
    "proxy_host": "http://user:passswd@proxy.example-***.com", "signature_version": "v1", "disable_ssl": True,
    "use_path_style": True, "use_cname": True, "use_dualstack_endpoint": True, "use_accelerate_endpoint": True,
    "use_internal_endpoint": True, "disable_upload_crc64_check": True, "disable_download_crc64_check": True,
    "additional_headers": ["content-length"], "user_agent": "user identifier",
}
BAD = {
    "region": "CN_Hangzhou", "credentials_provider": object(), "endpoint": "ftp://x", "http_client": "requests",
    "retry_max_attempts": 0, "retryer": 3, "connect_timeout": -1, "readwrite_timeout": "30",
    "insecure_skip_verify": "yes", "enabled_redirect": 1, "proxy_host": 8080, "signature_version": "v2",
    "disable_ssl": "false", "use_path_style": 0, "use_cname": "True", "use_dualstack_endpoint": [],
    "use_accelerate_endpoint": 1.0, "use_internal_endpoint": "on", "disable_upload_crc64_check": "1",
    "disable_download_crc64_check": 2, "additional_headers": "content-length", "user_agent": 7,
}


@pytest.mark.parametrize("name", DOCUMENT_PARAMETERS)
def test_each_parameter_takes_its_documented_example(name: str) -> None:
    cfg = oss_config.Config(**{name: GOOD[name]})
    assert getattr(cfg, name) == GOOD[name]
    later = oss_config.load_default()
    setattr(later, name, GOOD[name])
    assert getattr(later, name) == GOOD[name]
    setattr(later, name, None)
    assert getattr(later, name) is None


@pytest.mark.parametrize("name", DOCUMENT_PARAMETERS)
def test_each_parameter_refuses_a_bad_value_naming_it(name: str) -> None:
    with pytest.raises(ParamInvalidError, match=f"^invalid field, {name}: "):
        oss_config.Config(**{name: BAD[name]})
    cfg = oss_config.load_default()
    with pytest.raises(ParamInvalidError, match=f"^invalid field, {name}: "):
        setattr(cfg, name, BAD[name])


def test_unknown_parameter_and_secret_free_repr() -> None:
    cfg = oss_config.load_default()
    with pytest.raises(AttributeError, match="regoin"):
        cfg.regoin = "cn-hangzhou"  # type: ignore[attr-defined]
    cfg.proxy_host = "http://user:s3cret@proxy.example.com:3128"
    assert "s3cret" not in repr(cfg) and "user:***@proxy" in repr(cfg)
    with pytest.raises(ParamInvalidError) as info:
        cfg.proxy_host = {"https": 3}  # type: ignore[dict-item]
    assert "proxy_host" in str(info.value)
