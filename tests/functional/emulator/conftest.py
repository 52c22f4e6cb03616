"""Fixtures for driving the emulator: the official SDK (V2 and V4) and a raw signed client."""
from __future__ import annotations

import http.client
import importlib.util
import logging
from datetime import datetime, timezone
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import auth

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


def official_client(emu: Emulator, signature: str = "v2", **kwargs: object):
    """The official SDK's OTSClient pointed at the emulator, without retries."""
    from tablestore import OTSClient
    from tablestore.retry import NoRetryPolicy

    if signature == "v4":
        kwargs.setdefault("region", emu.region)
    kwargs.setdefault("retry_policy", NoRetryPolicy())
    kwargs.setdefault("logger_name", "tablestore-client")
    return OTSClient(
        emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret,
        kwargs.pop("instance", emu.instance), **kwargs,
    )


@pytest.fixture(params=["v2", "v4"])
def client(request: pytest.FixtureRequest, emu: Emulator):
    """The official OTSClient, signing with V2 and (second run) V4."""
    return official_client(emu, request.param)


class RawClient:
    """Signed POSTs with any body or header, for what the SDKs will not send."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.credentials = Credentials(emu.access_key_id, emu.access_key_secret)

    def post(
        self,
        api: str,
        body: bytes,
        *,
        instance: Optional[str] = None,
        now: Optional[datetime] = None,
        credentials: Optional[Credentials] = None,
        region: Optional[str] = None,
        tamper: Optional[Mapping[str, str]] = None,
        method: str = "POST",
    ) -> Tuple[int, Dict[str, str], bytes]:
        """Send one request; ``tamper`` overrides headers after signing."""
        signer = auth.RequestSigner(region=region)
        headers = signer.sign(
            "/" + api, body, credentials or self.credentials, instance or self.emu.instance,
            now or datetime.now(timezone.utc),
        )
        headers.update(tamper or {})
        url = urlsplit(self.emu.tablestore_endpoint)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.request(method, "/" + api, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


@pytest.fixture
def raw(emu: Emulator) -> RawClient:
    return RawClient(emu)
