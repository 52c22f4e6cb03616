"""The time series sample of the user document "Use STS temporary credentials to access
Tablestore" (Python) runs against the emulator: verbatim with the official SDK, and with
only the import changed on ours. The reader's edits are the documented ones: instance
name and endpoint filled in, STS credentials (from the emulator's STS) in the environment.
The document's page lost the indentation of the loop body; it is restored."""
from __future__ import annotations

import importlib.util

import pytest

from alicloud_storage.tablestore import CreateTimeseriesTableRequest, OTSClient, TimeseriesTableMeta

SAMPLE = """
# -*- coding: utf-8 -*-
import os
from tablestore import OTSClient
# Replace yourInstanceName with your instance name
instance_name = "yourInstanceName"
# Replace yourEndpoint with your instance endpoint
endpoint = "yourEndpoint"
# Get STS credentials from environment variables
access_key_id = os.getenv("TABLESTORE_ACCESS_KEY_ID")
access_key_secret = os.getenv("TABLESTORE_ACCESS_KEY_SECRET")
sts_token = os.getenv("TABLESTORE_SESSION_TOKEN")
# Initialize Tablestore client
client = OTSClient(endpoint, access_key_id, access_key_secret, instance_name, sts_token=sts_token)
# List and print time series table names
response = client.list_timeseries_table()
for tableMeta in response:
    print(tableMeta.timeseries_table_name)
"""

SDKS = [pytest.param("from tablestore import", marks=pytest.mark.official, id="official")]
if importlib.util.find_spec("tablestore") is None:  # the newest-protobuf environment has no official SDK
    SDKS = []
SDKS.append(pytest.param("from alicloud_storage.tablestore import", id="ours"))


@pytest.mark.parametrize("import_line", SDKS)
def test_sts_list_timeseries_table_sample(emu, ts_sts_credentials, monkeypatch, capsys, import_line):
    with OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance) as admin:
        for name in ("metrics", "iot_data"):
            admin.create_timeseries_table(CreateTimeseriesTableRequest(TimeseriesTableMeta(name)))
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_ID", ts_sts_credentials.access_key_id)
    monkeypatch.setenv("TABLESTORE_ACCESS_KEY_SECRET", ts_sts_credentials.access_key_secret)
    monkeypatch.setenv("TABLESTORE_SESSION_TOKEN", ts_sts_credentials.security_token)
    code = (
        SAMPLE.replace("from tablestore import", import_line)
        .replace('"yourInstanceName"', repr(emu.instance))
        .replace('"yourEndpoint"', repr(emu.tablestore_endpoint))
    )
    exec(compile(code, "<user-document sample>", "exec"), {})
    assert capsys.readouterr().out == "iot_data\nmetrics\n"
