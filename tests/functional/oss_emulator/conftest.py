"""Fixtures: the OSS emulator (the plugin's), a fresh bucket, official clients V1 and V4."""
from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.testing import OssBucket
from oss_emulator_helpers import RawOss, v2_client

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
