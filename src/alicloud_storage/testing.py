"""pytest plugin: the emulator in-process, so your tests talk to Tablestore without a cloud.

Registered as the ``alicloud_storage`` pytest11 entry point; installed with the package.

    def test_my_code(tablestore):             # a clean emulator for each test
        client = OTSClient(tablestore.tablestore_endpoint, tablestore.access_key_id,
                           tablestore.access_key_secret, tablestore.instance)

``tablestore_emulator`` is the session-wide Emulator (in memory); ``tablestore`` is the
same emulator after ``reset()`` at the start of a test: no tables or time series, no
pending faults or nonces, RAM as configured (no run-time users, keys, roles or policies,
no valid STS token), request ids from the seed.

    def test_my_oss_code(oss_bucket):         # a fresh, empty bucket for each test
        emulator, bucket = oss_bucket.emulator, oss_bucket.name   # emulator.oss_endpoint

``oss_emulator`` is the same session-wide Emulator, reset, for OSS tests; ``oss_bucket``
creates a uniquely named empty bucket in it.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from alicloud_storage.emulator import Emulator

__all__ = ["tablestore_emulator", "tablestore", "OssBucket", "oss_emulator", "oss_bucket"]


@pytest.fixture(scope="session")
def tablestore_emulator() -> Iterator["Emulator"]:
    """One in-memory emulator for the whole test session."""
    from alicloud_storage.emulator import Emulator  # only when a test asks for it

    with Emulator(memory=True) as emulator:
        yield emulator


@pytest.fixture
def tablestore(tablestore_emulator: "Emulator") -> "Emulator":
    """The session emulator, reset to its configured state for this test."""
    tablestore_emulator.reset()
    return tablestore_emulator


@pytest.fixture
def oss_emulator(tablestore_emulator: "Emulator") -> "Emulator":
    """The session emulator, emptied for this test (OSS at ``oss_endpoint``)."""
    tablestore_emulator.reset()
    return tablestore_emulator


@dataclass(frozen=True)
class OssBucket:
    """A bucket made for one test: its emulator and its name."""

    emulator: "Emulator"
    name: str


_bucket_numbers = itertools.count(1)


@pytest.fixture
def oss_bucket(oss_emulator: "Emulator") -> OssBucket:
    """A fresh, empty bucket (owned by the root account) in the reset emulator."""
    name = f"test-bucket-{next(_bucket_numbers)}"
    oss_emulator.create_oss_bucket(name)
    return OssBucket(oss_emulator, name)
