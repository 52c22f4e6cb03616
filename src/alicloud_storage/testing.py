"""pytest plugin: the emulator in-process, so your tests talk to Tablestore without a cloud.

Registered as the ``alicloud_storage`` pytest11 entry point; installed with the package.

    def test_my_code(tablestore):             # a clean emulator for each test
        client = OTSClient(tablestore.tablestore_endpoint, tablestore.access_key_id,
                           tablestore.access_key_secret, tablestore.instance)

``tablestore_emulator`` is the session-wide Emulator (in memory); ``tablestore`` is the
same emulator after ``reset()`` at the start of a test: no tables or time series, no
pending faults or nonces, RAM as configured (no run-time users, keys, roles or policies,
no valid STS token), request ids from the seed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from alicloud_storage.emulator import Emulator

__all__ = ["tablestore_emulator", "tablestore"]


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
