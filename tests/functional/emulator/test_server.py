"""The Emulator object: TLS, config files, several listeners, async start, reset."""
from __future__ import annotations

import asyncio
import json
import ssl
from pathlib import Path

import trustme

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore.wire import pb
from emulator_helpers import RawClient


def test_https_listener(tmp_path: Path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    with Emulator(memory=True, tls_cert=cert_file, tls_key=key_file) as emu:
        assert emu.tablestore_endpoint.startswith("https://127.0.0.1:")
        assert emu.sts_endpoint is not None and emu.sts_endpoint.startswith("https://")
        context = ssl.create_default_context()
        ca.configure_trust(context)
        status, _, body = RawClient(emu, ssl_context=context).post("ListTable", b"")
        assert status == 200 and list(pb.ListTableResponse.FromString(body).table_names) == []


def test_config_file_declares_instances_credentials_and_ram(tmp_path: Path):
    config = tmp_path / "emulator.json"
    config.write_text(json.dumps({
        "instances": ["prod-like", "staging"],
        "region": "cn-beijing",
        "access_key_id": "LTAIconfigured",
        "access_key_secret": "configured-secret",
        "ram": {"users": [{"name": "app", "access_keys": [{"id": "LTAIapp", "secret": "app-secret"}]}]},
    }))
    with Emulator(memory=True, config=config, region="cn-shanghai", environ={}) as emu:
        assert emu.instances == ("prod-like", "staging")
        assert (emu.region, emu.access_key_id) == ("cn-shanghai", "LTAIconfigured")
        assert emu.iam.resolve("LTAIapp", None).name == "app"
        assert RawClient(emu).post("ListTable", b"", instance="staging")[0] == 200


def test_environment_overrides_defaults_but_not_arguments():
    environ = {"ALICLOUD_STORAGE_EMULATOR_ACCOUNT_ID": "1234", "ALICLOUD_STORAGE_EMULATOR_REGION": "cn-beijing"}
    emu = Emulator(memory=True, environ=environ, region="cn-shenzhen")
    assert (emu.account_id, emu.region) == ("1234", "cn-shenzhen")
    assert "secret" not in repr(emu).lower()


def test_async_start_and_reset(tmp_path: Path):
    async def scenario() -> None:
        async with Emulator(data_dir=tmp_path, environ={}) as emu:
            raw = RawClient(emu)
            request = pb.CreateTableRequest()
            request.table_meta.table_name = "t"
            request.table_meta.primary_key.add(name="pk", type=pb.STRING)
            request.reserved_throughput.capacity_unit.read = 0
            request.reserved_throughput.capacity_unit.write = 0
            loop = asyncio.get_running_loop()
            status, _, _ = await loop.run_in_executor(None, raw.post, "CreateTable", request.SerializeToString())
            assert status == 200
            emu.reset()
            _, _, body = await loop.run_in_executor(None, raw.post, "ListTable", b"")
            assert list(pb.ListTableResponse.FromString(body).table_names) == []

    asyncio.run(scenario())
    assert (tmp_path / "tablestore.sqlite3").exists()
