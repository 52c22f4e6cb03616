"""Fixtures: the OSS emulator (the plugin's), a fresh bucket, official clients V1 and V4."""
from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.testing import OssBucket
from oss_emulator_helpers import RawOss

if any(importlib.util.find_spec(m) is None for m in ("alibabacloud_oss_v2", "oss2")):
    collect_ignore_glob = ["test_official_*.py"]


@pytest.fixture
def emu(oss_bucket: OssBucket) -> Emulator:
    return oss_bucket.emulator


@pytest.fixture
def bucket(oss_bucket: OssBucket) -> str:
    return oss_bucket.name


@pytest.fixture
def raw(emu: Emulator) -> RawOss:
    return RawOss.of(emu)


def v2_client(emu: Emulator, version: str, **credentials: Any) -> Any:
    """An alibabacloud-oss-v2 Client on the emulator (path style: an IP endpoint)."""
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        credentials.get("access_key_id", emu.access_key_id),
        credentials.get("access_key_secret", emu.access_key_secret),
        credentials.get("security_token"))
    cfg.region = emu.region
    cfg.endpoint = emu.oss_endpoint
    cfg.signature_version = version
    cfg.retry_max_attempts = 1
    return oss.Client(cfg)


@pytest.fixture(params=["v1", "v4"])
def client(request: pytest.FixtureRequest, emu: Emulator) -> Any:
    return v2_client(emu, request.param)


@pytest.fixture(params=["v1", "v4"])
def bucket2(request: pytest.FixtureRequest, emu: Emulator, bucket: str) -> Any:
    """An oss2 Bucket (Auth V1, then AuthV4)."""
    import oss2

    if request.param == "v1":
        auth = oss2.Auth(emu.access_key_id, emu.access_key_secret)
        return oss2.Bucket(auth, emu.oss_endpoint, bucket)
    auth = oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(
        emu.access_key_id, emu.access_key_secret))
    return oss2.Bucket(auth, emu.oss_endpoint, bucket, region=emu.region)
