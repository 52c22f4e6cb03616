"""What our client adds to the official interface, and emulator behaviour the official
client cannot show (it fails to decode per-row failures): specific time, OP_NOT_EQUAL,
meta update modes, per-row failures by index, data TTL, the CRC check, RAM enforcement."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import timeseries_engine as T
from alicloud_storage.tablestore import (
    AnalyticalStoreSyncType,
    CompositeMetaQueryCondition,
    CreateTimeseriesTableRequest,
    GetTimeseriesDataRequest,
    LastpointIndexMeta,
    MeasurementMetaQueryCondition,
    MetaQueryCompositeOperator,
    MetaQuerySingleOperator,
    MetaUpdateMode,
    OTSClient,
    OTSServiceError,
    QueryTimeseriesMetaRequest,
    TimeseriesAnalyticalStore,
    TimeseriesKey,
    TimeseriesRow,
    TimeseriesTableMeta,
    TimeseriesTableOptions,
)
from alicloud_storage.tablestore.operations import timeseries as timeseries_ops
from alicloud_storage.tablestore.wire import timeseries_rows

TABLE = "ts_extras"
KEY = TimeseriesKey("cpu", "host-1", {"region": "hz"})


def now_us() -> int:
    return int(time.time() * 1e6)


def create(client: OTSClient, ttl: int = -1) -> None:
    client.create_timeseries_table(CreateTimeseriesTableRequest(TimeseriesTableMeta(TABLE, TimeseriesTableOptions(ttl))))


def measurements(client: OTSClient, condition=None) -> list:
    response = client.query_timeseries_meta(QueryTimeseriesMetaRequest(TABLE, condition))
    return sorted(meta.timeseries_key.measurement_name for meta in response.timeseriesMetas)


def test_specific_time_reads_one_point(ours):
    create(ours)
    base = now_us() - 1000
    ours.put_timeseries_data(TABLE, [TimeseriesRow(KEY, {"v": i}, base + i) for i in range(5)])
    response = ours.get_timeseries_data(GetTimeseriesDataRequest(TABLE, KEY, specificTimeInUs=base + 3))
    assert [(row.time_in_us, row.fields) for row in response.rows] == [(base + 3, {"v": 3})]
    assert response.nextToken is None


def test_not_equal_and_meta_update_modes(ours):
    create(ours)
    now = now_us()
    ours.put_timeseries_data(TABLE, [TimeseriesRow(TimeseriesKey(m, "s", {}), {"v": 1}, now) for m in ("a", "b", "c")])
    ours.put_timeseries_data(TABLE, [TimeseriesRow(TimeseriesKey("quiet", "s", {}), {"v": 1}, now)],
                             meta_update_mode=MetaUpdateMode.MUM_IGNORE)
    assert measurements(ours) == ["a", "b", "c"]  # no meta for the MUM_IGNORE write
    quiet = ours.get_timeseries_data(GetTimeseriesDataRequest(TABLE, TimeseriesKey("quiet", "s", {}), 0, now + 1))
    assert len(quiet.rows) == 1  # but its data is there
    not_b = MeasurementMetaQueryCondition(MetaQuerySingleOperator.OP_NOT_EQUAL, "b")
    assert measurements(ours, not_b) == ["a", "c"]
    not_not_b = CompositeMetaQueryCondition(MetaQueryCompositeOperator.OP_NOT, [not_b])
    assert measurements(ours, not_not_b) == ["b"]


def test_rows_older_than_the_ttl_fail_by_index_and_are_not_returned(ours, emu):
    create(ours, ttl=86400)
    now = now_us()
    old = now - 86400 * 1000000 - 60 * 1000000
    response = ours.put_timeseries_data(TABLE, [
        TimeseriesRow(KEY, {"v": 0}, now - 10), TimeseriesRow(KEY, {"v": 1}, old), TimeseriesRow(KEY, {"v": 2}, now - 5),
    ])
    assert [(f.index, f.error.code, f.error.message) for f in response.failedRows] == [
        (1, T.ROW_EXPIRED.code, T.ROW_EXPIRED.format(time=old))
    ]
    rows = ours.get_timeseries_data(GetTimeseriesDataRequest(TABLE, KEY, 0, now)).rows
    assert [row.fields["v"] for row in rows] == [0, 2]


def test_a_wrong_crc32c_is_refused(ours, monkeypatch):
    """The client always sends the right CRC; make it lie once to see the service's check."""
    create(ours)
    liar = SimpleNamespace(encode_rows=timeseries_rows.encode_rows, crc32c=lambda data: 12345)
    monkeypatch.setattr(timeseries_ops, "timeseries_rows", liar)
    data = timeseries_rows.encode_rows([("cpu", "host-1", {"region": "hz"}, {"v": 1}, 1)])
    with pytest.raises(OTSServiceError) as info:
        ours.put_timeseries_data(TABLE, [TimeseriesRow(KEY, {"v": 1}, 1)])
    spec = T.CRC_MISMATCH
    assert (info.value.http_status, info.value.code, info.value.message) == (
        spec.http_status, spec.code, spec.format(expected=12345, got=timeseries_rows.crc32c(data))
    )


def test_ram_decides_each_time_series_action(emu, ours):
    create(ours)
    ours.put_timeseries_data(TABLE, [TimeseriesRow(KEY, {"v": 1}, now_us())])
    iam = emu.iam
    user = f"ts-reader-{time.monotonic_ns()}"
    iam.create_user(user)
    key_id, secret = iam.create_access_key(user)
    policy = f"TsRead{time.monotonic_ns()}"
    iam.create_policy(policy, {
        "Version": "1",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["ots:GetTimeseriesData", "ots:ListTimeseriesTable"],
            "Resource": [f"acs:ots:*:*:instance/{emu.instance}/table/{TABLE}", f"acs:ots:*:*:instance/{emu.instance}"],
        }],
    })
    iam.attach_policy(policy, user=user)
    with OTSClient(emu.tablestore_endpoint, key_id, secret, emu.instance) as reader:
        assert [meta.timeseries_table_name for meta in reader.list_timeseries_table()] == [TABLE]
        assert len(reader.get_timeseries_data(GetTimeseriesDataRequest(TABLE, KEY, 0, now_us())).rows) == 1
        for call, args in (
            (reader.put_timeseries_data, (TABLE, [TimeseriesRow(KEY, {"v": 2}, now_us())])),
            (reader.query_timeseries_meta, (QueryTimeseriesMetaRequest(TABLE),)),
            (reader.delete_timeseries_table, (TABLE,)),
        ):
            with pytest.raises(OTSServiceError) as info:
                call(*args)
            assert (info.value.http_status, info.value.code) == (E.NO_PERMISSION.http_status, E.NO_PERMISSION.code)


def test_analytical_stores_and_lastpoint_indexes_are_accepted_and_described(ours):
    store = TimeseriesAnalyticalStore("analysis", 30 * 86400, AnalyticalStoreSyncType.SYNC_TYPE_FULL)
    ours.create_timeseries_table(CreateTimeseriesTableRequest(
        TimeseriesTableMeta(TABLE), [store], [LastpointIndexMeta("last_points")], enable_analytical_store=True,
    ))
    described = ours.describe_timeseries_table(TABLE)
    assert described.analytical_stores == [store]
    assert described.lastpoint_indexes == [LastpointIndexMeta("last_points")]


def test_emulator_reset_drops_time_series_tables(emu, ours):
    create(ours)
    ours.put_timeseries_data(TABLE, [TimeseriesRow(KEY, {"v": 1}, now_us())])
    emu.reset()
    assert ours.list_timeseries_table() == []
    create(ours)  # the name is free again, and the old points are gone
    assert ours.get_timeseries_data(GetTimeseriesDataRequest(TABLE, KEY, 0, now_us())).rows == []
