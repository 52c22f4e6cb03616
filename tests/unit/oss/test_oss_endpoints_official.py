"""Endpoint resolution over many configurations, compared with alibabacloud-oss-v2's own:
its client is driven with a fake HTTP client that records the URL it would send to."""
from __future__ import annotations

import itertools
import random
from typing import Any, Dict, List, Optional, Tuple

import pytest

from alicloud_storage.oss import endpoints

pytestmark = pytest.mark.official

REGIONS = ["cn-hangzhou", "cn-hangzhou-finance", "ap-southeast-1", "Bad_Region"]
ENDPOINTS: List[Optional[str]] = [
    None, "oss-cn-hangzhou.aliyuncs.com", "http://oss-cn-hangzhou.aliyuncs.com",
    "https://oss-cn-hangzhou-internal.aliyuncs.com", "127.0.0.1:9000", "http://10.0.0.5",
    "localhost:8080", "https://www.example-test.com", "oss-accelerate.aliyuncs.com",
    "http://service.corp.example.com:8443", "HTTPS://Upper.Example.com",
]
FLAGS = ["disable_ssl", "use_path_style", "use_cname", "use_dualstack_endpoint",
         "use_internal_endpoint", "use_accelerate_endpoint"]
TARGETS: List[Tuple[Optional[str], Optional[str]]] = [
    (None, None), ("examplebucket", None), ("examplebucket", "dir/a b+c%/中文.txt"), ("bkt-1", "k"),
]


def configurations() -> List[Tuple[str, Optional[str], Dict[str, bool], Optional[str], Optional[str]]]:
    rng = random.Random(20240102)
    cases = []
    for region, endpoint in itertools.product(REGIONS, ENDPOINTS):
        for _ in range(3):
            flags = {name: rng.random() < 0.35 for name in FLAGS}
            bucket, key = rng.choice(TARGETS)
            cases.append((region, endpoint, flags, bucket, key))
    return cases


CASES = configurations()


def official_url(region: str, endpoint: Optional[str], flags: Dict[str, bool],
                 bucket: Optional[str], key: Optional[str]) -> Optional[str]:
    import alibabacloud_oss_v2 as oss
    from alibabacloud_oss_v2.types import HttpClient, OperationInput

    seen: List[str] = []

    class Capture(Exception):
        pass

    class Recorder(HttpClient):
        def send(self, request: Any, **kwargs: Any) -> Any:
            seen.append(request.url)
            raise Capture()

        def open(self) -> None:
            pass

        def close(self) -> None:
            pass

    cfg = oss.config.load_default()
    cfg.region = region
    cfg.endpoint = endpoint
    cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
    cfg.http_client = Recorder()
    cfg.retryer = oss.retry.NopRetryer()
    for name, value in flags.items():
        setattr(cfg, name, value)
    client = oss.Client(cfg)
    try:
        client.invoke_operation(OperationInput(op_name="Probe", method="GET", bucket=bucket, key=key))
    except oss.exceptions.OperationError as error:
        if not seen:
            assert "invalid field, endpoint" in str(error)
            return None
    return seen[0]


def our_url(region: str, endpoint: Optional[str], flags: Dict[str, bool],
            bucket: Optional[str], key: Optional[str]) -> Optional[str]:
    resolved = endpoints.resolve_endpoint(
        region, endpoint, flags["disable_ssl"], flags["use_dualstack_endpoint"],
        flags["use_internal_endpoint"], flags["use_accelerate_endpoint"])
    if resolved is None:
        return None
    style = endpoints.resolve_address_style(resolved, flags["use_cname"], flags["use_path_style"])
    return endpoints.build_url(resolved, style, bucket, key)


def test_enough_configurations() -> None:
    assert len(CASES) >= 60
    assert len({(c[0], c[1], tuple(sorted(c[2].items()))) for c in CASES}) >= 60


@pytest.mark.parametrize("region, endpoint, flags, bucket, key", CASES)
def test_same_url_as_oss_v2(region: str, endpoint: Optional[str], flags: Dict[str, bool],
                            bucket: Optional[str], key: Optional[str]) -> None:
    assert our_url(region, endpoint, flags, bucket, key) == official_url(region, endpoint, flags, bucket, key)
