"""Fixtures: our sync and async OSS clients on the emulator, a bucket, a counter of the
parts the emulator receives."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.emulator import Emulator
from alicloud_storage.testing import OssBucket
from oss_transfer_helpers import oss_config


@pytest.fixture
def emu(oss_bucket: OssBucket) -> Emulator:
    return oss_bucket.emulator


@pytest.fixture
def bucket(oss_bucket: OssBucket) -> str:
    return oss_bucket.name


@pytest.fixture
def client(emu: Emulator) -> Iterator[oss.Client]:
    with oss.Client(oss_config(emu)) as made:
        yield made


@pytest.fixture
def received_parts(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Part numbers of every UploadPart the emulator's engine stores (in arrival order)."""
    from alicloud_storage.emulator.oss.service import OssService

    engine = next(s for s in emu._services if isinstance(s, OssService)).engine
    seen: List[int] = []
    original = engine.upload_part

    def counting(*args: Any, **kwargs: Any) -> Any:
        names: Dict[str, Any] = dict(zip(("bucket", "key", "upload_id", "number"), args))
        names.update(kwargs)
        seen.append(int(names["number"]))
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "upload_part", counting)
    return seen
