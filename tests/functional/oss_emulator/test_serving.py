"""Serving OSS: its own listener with TLS, files under the data directory, the ready line."""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from alicloud_storage.commands.serve import serve
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.config import resolve_settings
from oss_emulator_helpers import RawOss, ServedOss


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


def test_domains_and_cnames_from_the_config_file_and_serve_flags(tmp_path: Path) -> None:
    config = tmp_path / "emulator.json"
    config.write_text(json.dumps({"oss": {
        "domains": ["oss.test"],
        "cnames": {"files.example.test": "cfg-bucket", "shadowed.test": "cfg-bucket"}}}))
    served = ServedOss(tmp_path / "data", [
        "--config", str(config), "--oss-domain", "Flag.Test",
        "--oss-cname", "shadowed.test=flag-bucket", "--oss-cname", "CDN.flag.example=flag-bucket"])
    try:
        raw = served.raw
        assert raw.request("PUT", "cfg-bucket").status == 200
        assert raw.request("PUT", "flag-bucket").status == 200
        for bucket, host in [("cfg-bucket", "cfg-bucket.oss.test"), ("flag-bucket", "flag-bucket.flag.test"),
                             ("cfg-bucket", "files.example.test"), ("flag-bucket", "shadowed.test"),
                             ("flag-bucket", f"cdn.flag.example:{raw.port}")]:
            key = f"via {host}/中文+%"
            for sign in ("v4", "v1"):
                put = raw.request("PUT", bucket, key, body=host.encode(), sign=sign, host=host)
                assert put.status == 200, (host, sign, put.body)
            assert raw.request("GET", bucket, key).body == host.encode()  # path style sees it
            assert raw.request("GET", bucket, key, host=host).body == host.encode()
        unknown = raw.request("GET", None, "k", sign=None, host="other.test")  # path style: bucket k
        assert (unknown.status, unknown.error()[0]) == (404, "NoSuchBucket")
    finally:
        served.stop()


@pytest.mark.parametrize("oss, message", [
    ({"domains": "oss.test"}, "oss.domains must be a list of host names"),
    ({"cnames": {"h.test": 1}}, "oss.cnames must map host names to bucket names"),
    ({"cname": {}}, "the oss config is a table of ['cnames', 'domains']"),
])
def test_bad_oss_config_is_refused(oss: object, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        resolve_settings(config={"oss": oss}, environ={})
    assert str(excinfo.value) == message


def test_bad_oss_cname_flag_is_a_usage_error() -> None:
    done = CliRunner().invoke(serve, ["--memory", "--oss-cname", "no-bucket"])
    assert done.exit_code == 2 and "--oss-cname takes HOST=BUCKET, not 'no-bucket'" in done.output
