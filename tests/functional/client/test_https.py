"""HTTPS: the emulator served over TLS with a trustme CA, trusted through ``ca_certs``;
``ssl_version`` honoured (checked against a TLS 1.2-only front)."""
from __future__ import annotations

import asyncio
import ssl
import threading
from typing import Iterator, Tuple

import pytest
import trustme
from ots_client_helpers import AsyncAsSync

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import (
    AsyncOTSClient,
    CapacityUnit,
    NoRetryPolicy,
    OTSClient,
    OTSClientError,
    ReservedThroughput,
    Row,
    TableMeta,
    TableOptions,
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def tls_emu(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    directory = tmp_path_factory.mktemp("tls")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_path))
    cert.private_key_pem.write_to_path(str(key_path))
    with Emulator(memory=True, tls_cert=cert_path, tls_key=key_path) as emulator:
        yield emulator


def _args(emu: Emulator) -> Tuple[str, str, str, str]:
    return emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance


@pytest.mark.parametrize("region", [None, "v4"], ids=["v2", "v4"])
def test_sync_client_over_https_with_a_ca_bundle(tls_emu, ca_bundle, region):
    assert tls_emu.tablestore_endpoint.startswith("https://")
    tls_emu.reset()
    with OTSClient(*_args(tls_emu), ca_certs=ca_bundle, region=tls_emu.region if region else None) as client:
        client.create_table(TableMeta("t", [("id", "INTEGER")]), TableOptions(), ReservedThroughput(CapacityUnit(0, 0)))
        client.put_row("t", Row([("id", 1)], [("v", "secure")]))
        assert client.get_row("t", [("id", 1)])[1].attribute_columns[0][:2] == ("v", "secure")


def test_async_client_over_https_with_a_ca_bundle(tls_emu, ca_bundle):
    tls_emu.reset()
    loop = asyncio.new_event_loop()
    client = AsyncOTSClient(*_args(tls_emu), ca_certs=ca_bundle)
    try:
        assert AsyncAsSync(client, loop).list_table() == ()
        loop.run_until_complete(client.close())
    finally:
        loop.close()


def test_an_untrusted_certificate_fails_at_once_with_a_clear_error(tls_emu):
    with OTSClient(*_args(tls_emu)) as client:  # certifi's bundle does not know the test CA
        with pytest.raises(OTSClientError, match="ListTable failed to set up TLS.*CERTIFICATE_VERIFY_FAILED"):
            client.list_table()


def test_verify_false_skips_certificate_checks(tls_emu):
    with OTSClient(*_args(tls_emu), verify=False) as client:
        assert isinstance(client.list_table(), tuple)


class TLS12Front:
    """A TLS 1.2-only terminator in front of the plain-HTTP emulator (byte relay)."""

    def __init__(self, ca: trustme.CA, backend_port: int) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(self.context)
        self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.backend_port = backend_port
        self.loop = asyncio.new_event_loop()
        self.port = 0

    async def _relay(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader, writer) -> None:
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._relay(reader, backend_writer), self._relay(backend_reader, writer))

    def start(self) -> None:
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.context)
        )
        self.port = server.sockets[0].getsockname()[1]
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def tls12_endpoint(ca: trustme.CA, emu: Emulator) -> Iterator[str]:
    front = TLS12Front(ca, int(emu.tablestore_endpoint.rsplit(":", 1)[1]))
    front.start()
    yield f"https://127.0.0.1:{front.port}"
    front.stop()


def test_ssl_version_is_honoured(emu, tls12_endpoint, ca_bundle):
    credentials = (emu.access_key_id, emu.access_key_secret, emu.instance)
    with OTSClient(tls12_endpoint, *credentials, ca_certs=ca_bundle, ssl_version=ssl.PROTOCOL_TLSv1_2) as client:
        assert client.list_table() == ()
    with OTSClient(tls12_endpoint, *credentials, ca_certs=ca_bundle, ssl_version=ssl.TLSVersion.TLSv1_3,
                   retry_policy=NoRetryPolicy()) as client:
        with pytest.raises(OTSClientError, match="failed to set up TLS"):
            client.list_table()
