"""One in-process emulator for the whole hostile suite, seen through a ``Target``."""
from __future__ import annotations

from typing import Iterator

import pytest

from alicloud_storage.emulator import Emulator
from hardening_helpers import Target


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with Emulator(memory=True) as emu:
        yield Target(emu.tablestore_endpoint, emu.endpoint("sts"), emu.oss_endpoint, emu.instance,
                     emu.access_key_id, emu.access_key_secret)
