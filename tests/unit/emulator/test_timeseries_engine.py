"""The time series engine on protobuf messages with a fake clock: TTLs, meta refresh,
meta update status, tokens, condition checks, quota and name clashes."""
from __future__ import annotations

from typing import Any, List

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import timeseries_engine as T
from alicloud_storage.emulator.tablestore.engine import Engine
from alicloud_storage.emulator.tablestore.errors import TablestoreError
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo
from alicloud_storage.emulator.tablestore.storage import Storage
from alicloud_storage.emulator.tablestore.timeseries_engine import TimeseriesEngine
from alicloud_storage.tablestore.wire import pb, plainbuffer, timeseries_rows

DAY = 86400
S = 1000000  # microseconds per second


@pytest.fixture
def engine(storage: Storage, clock) -> TimeseriesEngine:
    return TimeseriesEngine(storage, clock)


def create(engine: TimeseriesEngine, name: str = "t", ttl: int = -1, meta_ttl: int = -1, allow: bool = True) -> None:
    meta = pb.TimeseriesTableMeta(table_name=name)
    meta.table_options.time_to_live = ttl
    meta.meta_options.meta_time_to_live = meta_ttl
    meta.meta_options.allow_update_attributes = allow
    engine.create_table("i", pb.CreateTimeseriesTableRequest(table_meta=meta))


def put(engine: TimeseriesEngine, rows: List[tuple], mode: int = 0) -> Any:
    data = timeseries_rows.encode_rows(rows)
    request = pb.PutTimeseriesDataRequest(table_name="t", meta_update_mode=mode)
    request.rows_data.type = 0
    request.rows_data.rows_data = data
    request.rows_data.flatbuffer_crc32c = timeseries_rows.crc32c(data)
    return engine.put_data("i", request)


def key(measurement: str = "m") -> Any:
    message = pb.TimeseriesKey(measurement=measurement, source="s")
    message.tag_list.add(name="t", value="v")
    return message


def get(engine: TimeseriesEngine, begin: int = 0, end: int = 2**62, **fields: Any) -> Any:
    return engine.get_data("i", pb.GetTimeseriesDataRequest(
        table_name="t", time_series_key=key(), begin_time=begin, end_time=end, **fields
    ))


def times(response: Any) -> List[int]:
    return [dict(row.primary_key)["_time"] for row in plainbuffer.decode_rows(response.rows_data)] if response.rows_data else []


def metas(engine: TimeseriesEngine, **fields: Any) -> Any:
    return engine.query_meta("i", pb.QueryTimeseriesMetaRequest(table_name="t", **fields))


def raises(spec, call, *args, params=None, **kwargs) -> None:
    """``call(*args, **kwargs)`` fails with ``spec`` formatted with ``params``."""
    with pytest.raises(TablestoreError) as info:
        call(*args, **kwargs)
    assert (info.value.http_status, info.value.code, info.value.message) == (
        spec.http_status, spec.code, spec.format(**(params or {}))
    )


def test_data_older_than_the_ttl_is_refused_then_hidden(engine, clock):
    create(engine, ttl=DAY)
    now = int(clock.now * S)
    response = put(engine, [("m", "s", {"t": "v"}, {"f": 1}, now - 10), ("m", "s", {"t": "v"}, {"f": 2}, now - DAY * S - 1)])
    assert [(f.row_index, f.error_code) for f in response.failed_rows] == [(1, "OTSParameterInvalid")]
    assert times(get(engine)) == [now - 10]
    put(engine, [("only_expired", "s", {}, {"f": 1}, now - DAY * S - 1)])
    assert len(metas(engine).timeseries_metas) == 1  # a series whose rows all failed gets no meta
    clock.now += DAY
    assert times(get(engine)) == []


def test_writes_create_and_hourly_refresh_metas(engine, clock):
    create(engine)
    now = int(clock.now * S)
    response = put(engine, [("m", "s", {"t": "v"}, {"f": i}, now + i) for i in range(3)])
    assert (list(response.meta_update_status.row_ids), list(response.meta_update_status.meta_update_times)) == (
        [0], [int(clock.now)]
    )
    clock.now += 60
    assert not put(engine, [("m", "s", {"t": "v"}, {"f": 9}, now + 9)]).HasField("meta_update_status")
    assert metas(engine).timeseries_metas[0].update_time == now
    clock.now += 3600
    assert list(put(engine, [("m", "s", {"t": "v"}, {"f": 9}, now + 9)]).meta_update_status.row_ids) == [0]
    assert metas(engine).timeseries_metas[0].update_time == int(clock.now * S)
    assert not put(engine, [("x", "s", {}, {"f": 1}, now)], mode=1).HasField("meta_update_status")  # MUM_IGNORE


def test_metas_older_than_the_meta_ttl_are_hidden(engine, clock):
    create(engine, ttl=DAY, meta_ttl=7 * DAY, allow=False)
    put(engine, [("m", "s", {"t": "v"}, {"f": 1}, int(clock.now * S))])
    assert len(metas(engine).timeseries_metas) == 1
    clock.now += 7 * DAY + 1
    assert len(metas(engine).timeseries_metas) == 0


def test_paging_tokens_and_limits(engine, clock):
    create(engine)
    now = int(clock.now * S)
    put(engine, [("m", "s", {"t": "v"}, {"f": i}, now + i) for i in range(5)])
    first = get(engine, limit=2)
    assert times(first) == [now, now + 1] and first.next_token
    assert times(get(engine, limit=10, token=first.next_token)) == [now + 2, now + 3, now + 4]
    backward = get(engine, limit=3, backward=True)
    assert times(backward) == [now + 4, now + 3, now + 2]
    assert times(get(engine, backward=True, token=backward.next_token)) == [now + 1, now]
    raises(T.INVALID_TOKEN, get, engine, token=b"junk")
    raises(T.INVALID_LIMIT, get, engine, limit=0)
    raises(T.INVALID_TIME_RANGE, get, engine, 10, 10)
    assert times(engine.get_data("i", pb.GetTimeseriesDataRequest(table_name="t", time_series_key=key(), specific_time=now + 3))) == [now + 3]


def test_condition_checks(engine):
    create(engine)

    def condition(kind: int, message: Any) -> Any:
        return pb.MetaQueryCondition(type=kind, proto_data=message.SerializeToString())

    measurement = condition(2, pb.MetaQueryMeasurementCondition(op=1, value="m"))
    two_nots = condition(1, pb.MetaQueryCompositeCondition(op=3, sub_conditions=[measurement, measurement]))
    raises(T.INVALID_CONDITION, metas, engine, condition=two_nots, params={"detail": "NOT takes exactly one sub condition"})
    prefix_time = condition(5, pb.MetaQueryUpdateTimeCondition(op=6, value=1))
    raises(T.INVALID_CONDITION, metas, engine, condition=prefix_time, params={"detail": "PREFIX does not apply to update time"})
    broken = pb.MetaQueryCondition(type=2, proto_data=b"\xff")
    raises(T.INVALID_CONDITION, metas, engine, condition=broken, params={"detail": "malformed MetaQueryMeasurementCondition"})


def test_series_identity_and_validation(engine, clock):
    now = int(clock.now * S)
    meta = pb.TimeseriesTableMeta(table_name="t", timeseries_key_schema=["_m_name", "host"])
    engine.create_table("i", pb.CreateTimeseriesTableRequest(table_meta=meta))
    put(engine, [("m", "ignored", {"host": "h1", "extra": "x"}, {"f": 1}, now)])
    (row,) = plainbuffer.decode_rows(engine.get_data("i", pb.GetTimeseriesDataRequest(
        table_name="t", time_series_key=pb.TimeseriesKey(measurement="m", tag_list=[pb.TimeseriesTag(name="host", value="h1")]),
        begin_time=0, end_time=now + 1,
    )).rows_data)
    assert [name for name, _ in row.primary_key] == ["_#h", "_m_name", "host", "_time"]
    assert row.cells[0][:2] == ("f:l", 1)
    raises(T.MISSING_KEY_TAG, put, engine, [("m", "s", {"other": "x"}, {"f": 1}, now)], params={"name": "host"})
    raises(T.INVALID_TAG_NAME, put, engine, [("m", "s", {"a b": "x", "host": "h"}, {"f": 1}, now)], params={"name": "a b"})
    raises(T.INVALID_FIELD_NAME, put, engine, [("m", "s", {"host": "h"}, {"a:b": 1}, now)], params={"name": "a:b"})
    raises(T.DUPLICATED_KEY, engine.create_table, "i", pb.CreateTimeseriesTableRequest(
        table_meta=pb.TimeseriesTableMeta(table_name="u", timeseries_key_schema=["a", "a"])), params={"name": "a"})


def test_crc_and_rows_checks(engine):
    create(engine)
    request = pb.PutTimeseriesDataRequest(table_name="t")
    request.rows_data.type = 1
    request.rows_data.rows_data = b""
    raises(T.ROWS_TYPE, engine.put_data, "i", request, params={"type": 1})
    request.rows_data.type = 0
    request.rows_data.rows_data = b"\x01\x02"
    with pytest.raises(TablestoreError) as info:
        engine.put_data("i", request)
    assert info.value.message.startswith("Invalid flatbuffer rows data:")


def test_quota_counts_a_time_series_table_twice_and_names_are_shared(engine, storage, clock):
    Engine(storage, clock).create_table("i", TableInfo("wide", (PkColumn("pk", "STRING"),)))
    raises(E.TABLE_ALREADY_EXIST, create, engine, "wide")
    for i in range(31):
        create(engine, f"ts{i}")
    raises(E.TABLE_QUOTA, create, engine, "one_too_many", params={"quota": 64})
    assert len(engine.list_tables("i", pb.ListTimeseriesTableRequest()).table_metas) == 31


def test_update_meta_rules(engine):
    create(engine, allow=False)
    request = pb.UpdateTimeseriesMetaRequest(table_name="t")
    request.timeseries_meta.add(time_series_key=key(), attributes='["a=b"]')
    raises(T.UPDATE_ATTRIBUTES_DISALLOWED, engine.update_meta, "i", request)
    create(engine, "u")
    request = pb.UpdateTimeseriesMetaRequest(table_name="u")
    request.timeseries_meta.add(time_series_key=key(), attributes="broken")
    request.timeseries_meta.add(time_series_key=key("bad measurement"))
    request.timeseries_meta.add(time_series_key=key(), attributes='["a=b"]')
    response = engine.update_meta("i", request)
    assert [(f.row_index, f.error_message) for f in response.failed_rows] == [
        (0, T.INVALID_ATTRIBUTES.format(text="broken")), (1, T.INVALID_MEASUREMENT.format(name="bad measurement"))
    ]
    raises(T.EMPTY_REQUEST, engine.update_meta, "i", pb.UpdateTimeseriesMetaRequest(table_name="u"), params={"what": "timeseries meta"})


def test_a_page_stops_before_4_mb(engine, clock):
    create(engine)
    now = int(clock.now * S)
    big = "x" * (1024 * 1024)
    for i in range(6):
        put(engine, [("m", "s", {"t": "v"}, {"f": big}, now + i)])
    first = get(engine)
    assert times(first) == [now + i for i in range(3)] and first.next_token  # 4 rows would pass 4 MB
    assert times(get(engine, token=first.next_token)) == [now + i for i in range(3, 6)]
    backward = get(engine, backward=True)
    assert times(backward) == [now + 5, now + 4, now + 3]
    assert times(get(engine, backward=True, token=backward.next_token)) == [now + 2, now + 1, now]


def test_clearing_the_storage_drops_every_time_series_table(engine, storage, clock):
    create(engine)
    put(engine, [("m", "s", {}, {"f": 1}, int(clock.now * S))])
    storage.clear()  # what Emulator.reset() does
    assert engine.list_tables("i", pb.ListTimeseriesTableRequest()).table_metas == []
    create(engine)  # the name is free again, and no old data shows
    assert get(engine).rows_data == b""
