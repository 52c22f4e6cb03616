"""Endpoints of the user document's examples, IP endpoints, and the name rules."""
from __future__ import annotations

from typing import Optional

import pytest

from alicloud_storage.oss import endpoints
from alicloud_storage.oss.endpoints import AddressStyle, Endpoint
from alicloud_storage.oss.exceptions import BucketNameInvalidError, ObjectNameInvalidError


def url(region: Optional[str] = "cn-hangzhou", endpoint: Optional[str] = None, bucket: Optional[str] = "bkt",
        key: Optional[str] = "k", **flags: bool) -> Optional[str]:
    resolved = endpoints.resolve_endpoint(
        region, endpoint, flags.get("disable_ssl", False), flags.get("use_dualstack_endpoint", False),
        flags.get("use_internal_endpoint", False), flags.get("use_accelerate_endpoint", False))
    if resolved is None:
        return None
    style = endpoints.resolve_address_style(resolved, flags.get("use_cname", False),
                                            flags.get("use_path_style", False))
    return endpoints.build_url(resolved, style, bucket, key)


def test_the_documents_endpoints() -> None:
    assert url() == "https://bkt.oss-cn-hangzhou.aliyuncs.com/k"
    assert url(endpoint="http://oss-cn-hangzhou.aliyuncs.com") == "http://bkt.oss-cn-hangzhou.aliyuncs.com/k"
    assert url(use_internal_endpoint=True) == "https://bkt.oss-cn-hangzhou-internal.aliyuncs.com/k"
    assert url(use_accelerate_endpoint=True) == "https://bkt.oss-accelerate.aliyuncs.com/k"
    assert url(use_dualstack_endpoint=True, use_internal_endpoint=True) == "https://bkt.cn-hangzhou.oss.aliyuncs.com/k"
    assert url(endpoint="https://www.example-***.com", use_cname=True) == "https://www.example-***.com/k"
    assert url(endpoint="https://service.corp.example.com") == "https://bkt.service.corp.example.com/k"
    assert url("cn-hangzhou-finance", "https://oss-cn-hzjbp-a-internal.aliyuncs.com") == (
        "https://bkt.oss-cn-hzjbp-a-internal.aliyuncs.com/k")
    assert url(disable_ssl=True, use_path_style=True, key="a b/c") == "http://oss-cn-hangzhou.aliyuncs.com/bkt/a%20b/c"
    assert url(bucket=None, key=None) == "https://oss-cn-hangzhou.aliyuncs.com/"
    assert url(key=None, use_path_style=True) == "https://oss-cn-hangzhou.aliyuncs.com/bkt/"
    assert url(region=None) is None and url(region="Bad") is None


def test_ip_endpoints_are_path_style_ipv6_too() -> None:
    assert url(endpoint="127.0.0.1:9000", disable_ssl=True) == "http://127.0.0.1:9000/bkt/k"
    # alibabacloud-oss-v2 1.4.1 checks the unbracketed host and builds bkt.[::1]; we do not.
    assert url(endpoint="http://[::1]:9000") == "http://[::1]:9000/bkt/k"
    assert url(endpoint="http://localhost:9000") == "http://bkt.localhost:9000/k"
    assert endpoints.resolve_address_style(Endpoint("http", "10.1.2.3"), use_cname=True) == AddressStyle.Path
    assert not endpoints.is_ip("") and not endpoints.is_ip("example.com")


@pytest.mark.parametrize("name, valid", [
    ("abc", True), ("a" * 63, True), ("my-bucket-1", True), ("ab", False), ("a" * 64, False),
    ("-abc", False), ("abc-", False), ("Abc", False), ("a_b", False), ("a.b", False), ("", False),
])
def test_bucket_names(name: str, valid: bool) -> None:
    assert endpoints.is_valid_bucket_name(name) is valid
    if valid:
        assert endpoints.check_bucket_name(name) == name
    else:
        with pytest.raises(BucketNameInvalidError, match=f"^Bucket name is invalid, got {name}.$"):
            endpoints.check_bucket_name(name)


def test_object_names() -> None:
    assert endpoints.check_object_name("中" * 1024) == "中" * 1024
    for bad in ("", "x" * 1025, None):
        with pytest.raises(ObjectNameInvalidError, match="^Object name is invalid.$"):
            endpoints.check_object_name(bad)
