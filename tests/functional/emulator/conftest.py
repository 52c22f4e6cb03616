"""Fixtures for driving the emulator: the official SDK (V2 and V4) and a raw signed client."""
from __future__ import annotations

import importlib.util
import logging

import pytest

from alicloud_storage.emulator import Emulator
from emulator_helpers import RawClient, official_client

# test_sdk_*.py drive the emulator with the official SDK, which only the oldest-protobuf
# environment has (dev.py runs the others with the newest protobuf too).
if importlib.util.find_spec("tablestore") is None:
    collect_ignore_glob = ["test_sdk_*.py"]

# The official client logs every service error at ERROR level; the tests assert them.
logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)


@pytest.fixture
def emu(tablestore: Emulator) -> Emulator:
    """A clean in-memory emulator (the plugin's function-scoped fixture)."""
    return tablestore


@pytest.fixture(params=["v2", "v4"])
def client(request: pytest.FixtureRequest, emu: Emulator):
    """The official OTSClient, signing with V2 and (second run) V4."""
    return official_client(emu, request.param)


@pytest.fixture
def raw(emu: Emulator) -> RawClient:
    return RawClient(emu)
