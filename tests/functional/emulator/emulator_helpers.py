"""Helpers shared by the emulator tests: a raw signed client, official-SDK shortcuts."""
from __future__ import annotations

import http.client
import ssl
from datetime import datetime, timezone
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit

import pytest

from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import auth


def expect(spec, call, *args, **params):
    """Run ``call(*args)`` and check it fails exactly as the error table's ``spec`` says."""
    from tablestore import OTSServiceError

    with pytest.raises(OTSServiceError) as info:
        call(*args)
    error = info.value
    assert (error.get_http_status(), error.get_error_code(), error.get_error_message()) == (
        spec.http_status, spec.code, spec.format(**params)
    )
    assert error.get_request_id()
    return error


def create(client, name="t", pk=(("pk", "STRING"),), options=None, cu=(0, 0), defined=None):
    """CreateTable through the official SDK."""
    from tablestore import CapacityUnit, ReservedThroughput, TableMeta, TableOptions

    meta = TableMeta(name, list(pk), defined or [])
    client.create_table(meta, options or TableOptions(), ReservedThroughput(CapacityUnit(*cu)))


class RawClient:
    """Signed POSTs with any body or header, for what the SDKs will not send."""

    def __init__(self, emu: Emulator, ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.emu = emu
        self.credentials = Credentials(emu.access_key_id, emu.access_key_secret)
        self.ssl_context = ssl_context

    def post(
        self,
        api: str,
        body: bytes,
        *,
        instance: Optional[str] = None,
        now: Optional[datetime] = None,
        credentials: Optional[Credentials] = None,
        region: Optional[str] = None,
        tamper: Optional[Mapping[str, Optional[str]]] = None,
        method: str = "POST",
    ) -> Tuple[int, Dict[str, str], bytes]:
        """Send one request; ``tamper`` overrides (None: removes) headers after signing."""
        signer = auth.RequestSigner(region=region)
        headers = signer.sign(
            "/" + api, body, credentials or self.credentials, instance or self.emu.instance,
            now or datetime.now(timezone.utc),
        )
        for name, value in (tamper or {}).items():
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        url = urlsplit(self.emu.tablestore_endpoint)
        if url.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                url.hostname, url.port, timeout=10, context=self.ssl_context
            )
        else:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            conn.request(method, "/" + api, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


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
