"""Serving OSS: its own listener with TLS, files under the data directory, the ready line."""
from __future__ import annotations

import ssl
from pathlib import Path

import trustme

from alicloud_storage.emulator import Emulator
from oss_emulator_helpers import RawOss


def test_https_and_files_under_the_data_dir(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    data = tmp_path / "data"
    with Emulator(data_dir=data, tls_cert=cert_file, tls_key=key_file) as emu:
        assert emu.oss_endpoint.startswith("https://127.0.0.1:")
        assert emu.ready_info()["oss_endpoint"] == emu.oss_endpoint
        context = ssl.create_default_context()
        ca.configure_trust(context)
        raw = RawOss.of(emu, ssl_context=context)
        body = bytes(range(256)) * 4096  # 1 MiB through TLS (sendfile falls back to copies)
        assert raw.request("PUT", "tls-bucket").status == 200
        assert raw.request("PUT", "tls-bucket", "k", body=body).status == 200
        part = raw.request("GET", "tls-bucket", "k", headers={"Range": "bytes=1000-1999"})
        assert part.status == 206 and part.body == body[1000:2000]
        assert raw.request("GET", "tls-bucket", "k").body == body
    assert (data / "oss.sqlite3").is_file()
    blobs = [p for shard in (data / "oss" / "blobs").iterdir() for p in shard.iterdir()]
    assert [p.read_bytes() for p in blobs] == [body]
    with Emulator(data_dir=data, tls_cert=cert_file, tls_key=key_file) as emu:  # persisted
        context = ssl.create_default_context()
        ca.configure_trust(context)
        assert RawOss.of(emu, ssl_context=context).request("GET", "tls-bucket", "k").body == body
