"""Fixtures of the emulator's unit tests: a fake clock and an in-memory storage."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.tablestore.storage import Storage


class FakeClock:
    """Epoch seconds that only move when a test sets ``now``."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def storage() -> Storage:
    return Storage(None)
