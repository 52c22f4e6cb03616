"""QueryTimeseriesMeta answers each client in the key format it reads: `tag_list` for clients
that send supported_table_version (Python, Java), and also the `tags` string, which the Go
SDK's protocol marks required, for clients that do not send it."""
from __future__ import annotations

import time

from alicloud_storage.emulator import Emulator
from alicloud_storage.tablestore import (
    CreateTimeseriesTableRequest,
    OTSClient,
    TimeseriesKey,
    TimeseriesRow,
    TimeseriesTableMeta,
)
from alicloud_storage.tablestore.wire import pb


def query(raw, supported_table_version=None):
    request = pb.QueryTimeseriesMetaRequest(table_name="ts", get_total_hit=True)
    if supported_table_version is not None:
        request.supported_table_version = supported_table_version
    status, _, body = raw.post("QueryTimeseriesMeta", request.SerializeToString())
    assert status == 200, body
    return pb.QueryTimeseriesMetaResponse.FromString(body)


def test_query_meta_key_format_follows_supported_table_version(emu: Emulator, raw) -> None:
    with OTSClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret, emu.instance) as ots:
        ots.create_timeseries_table(CreateTimeseriesTableRequest(TimeseriesTableMeta("ts")))
        key = TimeseriesKey("cpu", "host-1", {"region": "hz", "az": "b"})
        ots.put_timeseries_data("ts", [TimeseriesRow(key, {"v": 1.5}, int(time.time() * 1000000))])

    legacy = query(raw)
    assert [(k.measurement, k.source, k.tags) for k in (m.time_series_key for m in legacy.timeseries_metas)] == [
        ("cpu", "host-1", '["az=b","region=hz"]')
    ]
    current = query(raw, supported_table_version=1).timeseries_metas[0].time_series_key
    assert not current.HasField("tags")
    assert [(tag.name, tag.value) for tag in current.tag_list] == [("az", "b"), ("region", "hz")]
