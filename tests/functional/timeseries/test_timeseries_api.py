"""Every time series API against the emulator, driven by the official SDK and by our sync
and async clients through the same official interface (the ``ts`` fixture)."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Tuple

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import timeseries_engine as T

# The official encoder passes EndVector a length, which flatbuffers deprecates: once per vector.
pytestmark = pytest.mark.filterwarnings("ignore:numElems is deprecated:DeprecationWarning")

TABLE = "ts_main"
SERIES = [("cpu", f"host-{i}", {"region": "cn-hangzhou", "rack": f"r{i}"}) for i in range(3)] + [
    ("mem", f"host-{i}", {"region": "cn-shanghai", "rack": f"r{i}"}) for i in range(3)
]
POINTS = 500  # per series: 3,000 points in all
STEP_US = 1000


def fields_of(i: int) -> Dict[str, Any]:
    return {"load": i / 8, "count": i, "ok": i % 3 == 0, "state": f"s{i % 5}", "raw": bytearray(b"\x00" + bytes([i % 256]))}


def expect(ts, spec, call, *args, **params):
    """``call(*args)`` fails as the emulator's error table says."""
    with pytest.raises(ts.ServiceError) as info:
        call(*args)
    error = info.value
    assert (error.http_status, error.code, error.message) == (spec.http_status, spec.code, spec.format(**params))


def write_points(ts, base_us: int) -> None:
    m = ts.metadata
    keys = [m.TimeseriesKey(*series) for series in SERIES]
    rows = [m.TimeseriesRow(key, fields_of(i), base_us + i * STEP_US) for i in range(POINTS) for key in keys]
    for start in range(0, len(rows), 500):
        response = ts.client.put_timeseries_data(TABLE, rows[start:start + 500])
        assert not response.failedRows


def read_all(ts, key, begin_us: int, end_us: int, limit: int, **options) -> Tuple[List[Any], int]:
    """Every row of a range, following nextToken; returns (rows, number of requests)."""
    request = ts.metadata.GetTimeseriesDataRequest(TABLE, key, begin_us, end_us, limit, **options)
    rows, calls = [], 0
    while True:
        response = ts.client.get_timeseries_data(request)
        calls += 1
        rows.extend(response.rows or [])  # the official SDK gives None for no rows
        if response.nextToken is None:
            return rows, calls
        request.nextToken = response.nextToken


def query(ts, condition=None, **kwargs) -> Any:
    return ts.client.query_timeseries_meta(ts.metadata.QueryTimeseriesMetaRequest(TABLE, condition, **kwargs))


def sources(response) -> List[Tuple[str, str]]:
    return sorted((m.timeseries_key.measurement_name, m.timeseries_key.data_source) for m in response.timeseriesMetas)


def test_the_whole_time_series_model(ts):
    m, c = ts.metadata, ts.conditions
    client = ts.client
    client.create_timeseries_table(m.CreateTimeseriesTableRequest(m.TimeseriesTableMeta(TABLE, m.TimeseriesTableOptions(172800))))
    expect(ts, E.TABLE_ALREADY_EXIST, client.create_timeseries_table,
           m.CreateTimeseriesTableRequest(m.TimeseriesTableMeta(TABLE)))

    (listed,) = client.list_timeseries_table()
    described = client.describe_timeseries_table(TABLE).table_meta
    for meta in (listed, described):
        assert (meta.timeseries_table_name, meta.status, meta.timeseries_table_options.time_to_live) == (TABLE, "CREATED", 172800)
        assert (meta.timeseries_meta_options.meta_time_to_live, meta.timeseries_meta_options.allow_update_attributes) == (-1, True)
        assert meta.timeseries_keys == [] and meta.field_primary_keys is None
    client.update_timeseries_table(m.TimeseriesTableMeta(TABLE, m.TimeseriesTableOptions(259200)))
    assert client.describe_timeseries_table(TABLE).table_meta.timeseries_table_options.time_to_live == 259200

    base = int(time.time() * 1e6) - 3600 * 1000000
    write_points(ts, base)

    # ranges read back exactly, across pages, both directions
    for series in (SERIES[0], SERIES[4]):
        key = m.TimeseriesKey(*series)
        rows, calls = read_all(ts, key, base, base + POINTS * STEP_US, 120)
        assert calls == 5
        assert [r.time_in_us for r in rows] == [base + i * STEP_US for i in range(POINTS)]
        assert [r.fields for r in rows] == [fields_of(i) for i in range(POINTS)]
        assert {(r.timeseries_key.measurement_name, r.timeseries_key.data_source) for r in rows} == {series[:2]}
        assert all(r.timeseries_key.tags == series[2] for r in rows)
    key = m.TimeseriesKey(*SERIES[1])
    rows, _ = read_all(ts, key, base + 100 * STEP_US, base + 110 * STEP_US, 0)
    assert [r.time_in_us for r in rows] == [base + i * STEP_US for i in range(100, 110)]
    rows, calls = read_all(ts, key, base, base + POINTS * STEP_US, 7, backward=True)
    assert [r.time_in_us for r in rows] == [base + i * STEP_US for i in reversed(range(POINTS))]
    assert calls == -(-POINTS // 7)
    rows, _ = read_all(ts, key, base, base + 3 * STEP_US, 0, fieldsToGet={"load": 3, "count": 3, "state": 4})
    assert [r.fields for r in rows] == [{"load": i / 8, "state": f"s{i % 5}"} for i in range(3)]  # count is no DOUBLE
    rows, _ = read_all(ts, m.TimeseriesKey("cpu", "nowhere", {"region": "x"}), base, base + POINTS * STEP_US, 0)
    assert rows == []

    # metas were created by the writes; query them by every condition type
    everything = query(ts, getTotalHits=True)
    assert everything.totalHits == 6 and everything.nextToken is None
    assert sources(everything) == sorted(s[:2] for s in SERIES)
    assert all(meta.update_time_in_us > base and meta.attributes is None for meta in everything.timeseriesMetas)
    eq, prefix = c.MetaQuerySingleOperator.OP_EQUAL, c.MetaQuerySingleOperator.OP_PREFIX
    assert sources(query(ts, c.MeasurementMetaQueryCondition(eq, "cpu"))) == [("cpu", f"host-{i}") for i in range(3)]
    assert sources(query(ts, c.DataSourceMetaQueryCondition(prefix, "host-1"))) == [("cpu", "host-1"), ("mem", "host-1")]
    assert sources(query(ts, c.TagMetaQueryCondition(eq, "region", "cn-shanghai"))) == [("mem", f"host-{i}") for i in range(3)]
    assert sources(query(ts, c.TagMetaQueryCondition(c.MetaQuerySingleOperator.OP_GREATER_EQUAL, "rack", "r1"))) == [
        ("cpu", "host-1"), ("cpu", "host-2"), ("mem", "host-1"), ("mem", "host-2")
    ]
    now = int(time.time() * 1e6)
    assert len(query(ts, c.UpdateTimeMetaQueryCondition(c.MetaQuerySingleOperator.OP_LESS_THAN, now)).timeseriesMetas) == 6
    assert query(ts, c.UpdateTimeMetaQueryCondition(c.MetaQuerySingleOperator.OP_GREATER_THAN, now)).timeseriesMetas == []
    both = c.CompositeMetaQueryCondition(c.MetaQueryCompositeOperator.OP_AND, [
        c.MeasurementMetaQueryCondition(eq, "mem"), c.DataSourceMetaQueryCondition(eq, "host-2")])
    either = c.CompositeMetaQueryCondition(c.MetaQueryCompositeOperator.OP_OR, [
        c.MeasurementMetaQueryCondition(eq, "mem"), c.DataSourceMetaQueryCondition(eq, "host-2")])
    neither = c.CompositeMetaQueryCondition(c.MetaQueryCompositeOperator.OP_NOT, [either])
    assert sources(query(ts, both)) == [("mem", "host-2")]
    assert sources(query(ts, either)) == [("cpu", "host-2")] + [("mem", f"host-{i}") for i in range(3)]
    assert sources(query(ts, neither)) == [("cpu", "host-0"), ("cpu", "host-1")]
    first = query(ts, limit=4, getTotalHits=True)
    assert (len(first.timeseriesMetas), first.totalHits) == (4, 6) and first.nextToken
    rest = query(ts, limit=4, nextToken=first.nextToken)
    assert len(rest.timeseriesMetas) == 2 and rest.nextToken is None
    assert sources(first) + sources(rest) == sorted(s[:2] for s in SERIES)

    # attributes: update, query, delete a meta (its data stays)
    attributes = {"owner": "ops", "tier": "gold"}
    updated = client.update_timeseries_meta(m.UpdateTimeseriesMetaRequest(TABLE, [m.TimeseriesMeta(m.TimeseriesKey(*SERIES[0]), attributes)]))
    assert not updated.failedRows
    found = query(ts, c.AttributeMetaQueryCondition(eq, "tier", "gold"))
    assert sources(found) == [("cpu", "host-0")] and found.timeseriesMetas[0].attributes == attributes
    assert query(ts, c.AttributeMetaQueryCondition(eq, "tier", "silver")).timeseriesMetas == []
    deleted = client.delete_timeseries_meta(m.DeleteTimeseriesMetaRequest(TABLE, [m.TimeseriesKey(*SERIES[5])]))
    assert not deleted.failedRows
    assert query(ts, getTotalHits=True).totalHits == 5
    rows, _ = read_all(ts, m.TimeseriesKey(*SERIES[5]), base, base + 2 * STEP_US, 0)
    assert len(rows) == 2

    client.delete_timeseries_table(TABLE)
    expect(ts, E.TABLE_NOT_EXIST, client.describe_timeseries_table, TABLE)
    assert client.list_timeseries_table() == []


def test_custom_series_keys_and_field_primary_keys(ts):
    """As the official SDK's test_user_define_primary_key, plus a _tags key column."""
    m = ts.metadata
    meta = m.TimeseriesTableMeta(
        TABLE, m.TimeseriesTableOptions(172800), m.TimeseriesMetaOptions(None, False), ["a", "_tags"],
        [("gid", "INTEGER"), ("uid", "STRING")],
    )
    ts.client.create_timeseries_table(m.CreateTimeseriesTableRequest(meta))
    described = ts.client.describe_timeseries_table(TABLE).table_meta
    assert described.timeseries_keys == ["a", "_tags"]
    assert described.field_primary_keys == [("gid", "INTEGER"), ("uid", "STRING")]
    assert described.timeseries_meta_options.allow_update_attributes is False
    key = m.TimeseriesKey(tags={"a": "a1", "b": "b1"})
    now = int(time.time() * 1e6)
    for i in range(3):
        ts.client.put_timeseries_data(TABLE, [m.TimeseriesRow(key, {"gid": i, "uid": "u", "v": 0.5}, now - 10 + i)])
    with pytest.raises(ts.ServiceError) as info:
        ts.client.put_timeseries_data(TABLE, [m.TimeseriesRow(key, {"v": 0.5}, now)])
    assert "missing primary key fields" in str(info.value)
    response = ts.client.get_timeseries_data(m.GetTimeseriesDataRequest(TABLE, key, 0, now, limit=2))
    assert len(response.rows) == 2 and response.nextToken
    row = response.rows[0]
    assert (row.timeseries_key.measurement_name, row.timeseries_key.data_source) == (None, None)
    assert row.timeseries_key.tags == {"a": "a1", "b": "b1"}
    assert row.fields == {"gid": 0, "uid": "u", "v": 0.5}
    expect(ts, T.UPDATE_ATTRIBUTES_DISALLOWED, ts.client.update_timeseries_meta,
           m.UpdateTimeseriesMetaRequest(TABLE, [m.TimeseriesMeta(key, {"x": "y"})]))


@pytest.mark.parametrize("measurement, spec, params", [
    ("aa bb", T.INVALID_MEASUREMENT, {"name": "aa bb"}),
    ("##AA##", T.INVALID_MEASUREMENT, {"name": "##AA##"}),
    ("温度\t", T.INVALID_MEASUREMENT, {"name": "温度\t"}),
])
def test_invalid_keys_fail_the_whole_request(ts, measurement, spec, params):
    m = ts.metadata
    ts.client.create_timeseries_table(m.CreateTimeseriesTableRequest(m.TimeseriesTableMeta(TABLE)))
    now = int(time.time() * 1e6)
    good = m.TimeseriesRow(m.TimeseriesKey("温度.abc", "s", {"t": "aa bb 测试"}), {"v": 1.0}, now)
    bad = m.TimeseriesRow(m.TimeseriesKey(measurement, "s", {"t": "v"}), {"v": 1.0}, now)
    expect(ts, spec, ts.client.put_timeseries_data, TABLE, [good, bad], **params)
    expect(ts, T.INVALID_TAG_VALUE, ts.client.put_timeseries_data, TABLE,
           [m.TimeseriesRow(m.TimeseriesKey("m", "s", {"t": "a=b"}), {"v": 1.0}, now)], value="a=b")
    assert query(ts, getTotalHits=True).totalHits == 0  # nothing of the failed requests was written


@pytest.mark.parametrize("ttl, meta_ttl, allow, spec, params", [
    (86399, None, None, T.INVALID_TTL, {"ttl": 86399}),
    (100, None, None, T.INVALID_TTL, {"ttl": 100}),
    (-1, 604800, False, T.INVALID_META_TTL, {"ttl": 604800}),
    (864000, 604800, False, T.INVALID_META_TTL, {"ttl": 604800}),
    (86400, 604800, None, T.META_TTL_NEEDS_NO_UPDATE, {}),
])
def test_table_option_rules(ts, ttl, meta_ttl, allow, spec, params):
    m = ts.metadata
    meta = m.TimeseriesTableMeta(TABLE, m.TimeseriesTableOptions(ttl), m.TimeseriesMetaOptions(meta_ttl, allow))
    expect(ts, spec, ts.client.create_timeseries_table, m.CreateTimeseriesTableRequest(meta), **params)


def test_table_errors(ts):
    m = ts.metadata
    expect(ts, E.TABLE_NOT_EXIST, ts.client.describe_timeseries_table, "absent")
    expect(ts, E.TABLE_NOT_EXIST, ts.client.delete_timeseries_table, "absent")
    expect(ts, E.TABLE_NOT_EXIST, ts.client.put_timeseries_data, "absent",
           [m.TimeseriesRow(m.TimeseriesKey("m", "s", {}), {"v": 1}, 1)])
    expect(ts, E.INVALID_TABLE_NAME, ts.client.create_timeseries_table,
           m.CreateTimeseriesTableRequest(m.TimeseriesTableMeta("3t")), name="3t")
    ts.client.create_timeseries_table(m.CreateTimeseriesTableRequest(m.TimeseriesTableMeta(TABLE)))
    meta = m.TimeseriesTableMeta(TABLE, m.TimeseriesTableOptions(86400), m.TimeseriesMetaOptions(None, False))
    expect(ts, T.UPDATE_BOTH_OPTIONS, ts.client.update_timeseries_table, meta)
    ts.client.update_timeseries_table(m.TimeseriesTableMeta(TABLE, timeseries_meta_options=m.TimeseriesMetaOptions(None, False)))
    options = ts.client.describe_timeseries_table(TABLE).table_meta.timeseries_meta_options
    assert (options.allow_update_attributes, options.meta_time_to_live) == (False, -1)
