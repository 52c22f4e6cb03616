"""A local OSS-like server (oss_server.py) and our clients configured for it, sync and
async behind one adapter so each test runs against both shells."""
from __future__ import annotations

from typing import Iterator

import pytest

from oss_client_helpers import Shell, make_config
from oss_server import OssServer


@pytest.fixture(scope="module")
def server() -> Iterator[OssServer]:
    with OssServer() as running:
        yield running


@pytest.fixture(autouse=True)
def _clean(server: OssServer) -> None:
    server.buckets.clear()
    server.uploads.clear()
    server.faults.clear()
    server.wrong_crc = False
    server.requests.clear()


@pytest.fixture(params=["sync", "async"])
def shell(request: pytest.FixtureRequest, server: OssServer) -> Iterator[Shell]:
    made = Shell(request.param, make_config(server))
    yield made
    made.close()
