"""One scenario suite, run with the sync and the async client, V2 and V4 signatures,
against the emulator on loopback (fixture ``ots``)."""
from __future__ import annotations

import time

import pytest

from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    PK_AUTO_INCR,
    BatchGetRowRequest,
    BatchWriteRowRequest,
    CapacityUnit,
    ComparatorType,
    CompositeColumnCondition,
    Condition,
    DeleteRowItem,
    Direction,
    LogicalOperator,
    OTSClientError,
    OTSServiceError,
    PutRowItem,
    ReservedThroughput,
    ReturnType,
    Row,
    RowExistenceExpectation,
    SingleColumnCondition,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    TableMeta,
    TableOptions,
    UpdateRowItem,
)

THROUGHPUT = ReservedThroughput(CapacityUnit(0, 0))


def recent_ms(seconds_ago: int) -> int:
    """A cell timestamp inside the table's allowed time deviation."""
    return int(time.time() * 1000) - seconds_ago * 1000


def create(ots, name="orders", schema=(("uid", "STRING"), ("seq", "INTEGER")), options=None):
    ots.create_table(TableMeta(name, list(schema)), options or TableOptions(), THROUGHPUT)


def attributes(row):
    """{name: value} of a returned row (latest version of each column)."""
    return {name: value for name, value, _ in reversed(row.attribute_columns)}


def test_table_lifecycle(ots):
    create(ots, options=TableOptions(time_to_live=86400 * 2, max_version=3, max_time_deviation=3600))
    create(ots, "events", [("id", "INTEGER"), ("n", "INTEGER", PK_AUTO_INCR)])
    assert sorted(ots.list_table()) == ["events", "orders"]

    described = ots.describe_table("orders")
    assert described.table_meta.table_name == "orders"
    assert described.table_meta.schema_of_primary_key == [("uid", "STRING"), ("seq", "INTEGER")]
    options = described.table_options
    assert (options.time_to_live, options.max_version, options.max_time_deviation) == (172800, 3, 3600)
    assert described.reserved_throughput_details.capacity_unit == CapacityUnit(0, 0)
    assert described.request_id
    assert ots.describe_table("events").table_meta.schema_of_primary_key[1] == ("n", "INTEGER", PK_AUTO_INCR)

    updated = ots.update_table("orders", TableOptions(time_to_live=-1, max_version=5))
    assert (updated.table_options.time_to_live, updated.table_options.max_version) == (-1, 5)

    ots.delete_table("events")
    assert ots.list_table() == ("orders",)
    with pytest.raises(OTSServiceError) as caught:
        ots.describe_table("events")
    assert (caught.value.http_status, caught.value.code) == (404, "OTSObjectNotExist")


def test_single_row_put_get_update_delete(ots):
    create(ots)
    key = [("uid", "u1"), ("seq", 1)]
    old = recent_ms(60)
    columns = [("name", "张三"), ("age", 20), ("score", 9.5), ("vip", True), ("blob", bytearray(b"\x00\xff")),
               ("note", "old", old)]
    consumed, row = ots.put_row("orders", Row(key, columns), Condition(RowExistenceExpectation.EXPECT_NOT_EXIST))
    assert consumed.write >= 1 and row is None

    consumed, row, next_token = ots.get_row("orders", key)
    assert consumed.read >= 1 and next_token is None
    assert row.primary_key == key
    assert attributes(row) == {"name": "张三", "age": 20, "score": 9.5, "vip": True,
                               "blob": bytearray(b"\x00\xff"), "note": "old"}
    assert all(isinstance(ts, int) for _, _, ts in row.attribute_columns)

    _, row, _ = ots.get_row("orders", key, columns_to_get=["age", "missing"])
    assert attributes(row) == {"age": 20}

    update = {"put": [("name", "李四")], "delete_all": ["vip"], "increment": [("age", 5)],
              "delete": [("note", None, old)]}
    ots.update_row("orders", Row(key, update), Condition(RowExistenceExpectation.EXPECT_EXIST))
    _, row, _ = ots.get_row("orders", key)
    assert attributes(row) == {"name": "李四", "age": 25, "score": 9.5, "blob": bytearray(b"\x00\xff")}

    consumed, row = ots.delete_row("orders", Row(key), Condition(RowExistenceExpectation.IGNORE))
    assert consumed.write >= 1
    assert ots.get_row("orders", key)[1] is None
    ots.delete_row("orders", primary_key=[("uid", "u1"), ("seq", 2)])  # official keyword form


def test_versions_and_time_range(ots):
    create(ots, options=TableOptions(max_version=3))
    key = [("uid", "v"), ("seq", 1)]
    a, b, c = recent_ms(30), recent_ms(20), recent_ms(10)
    for ts, value in ((a, "a"), (b, "b"), (c, "c")):
        ots.update_row("orders", Row(key, {"put": [("col", value, ts)]}), None)
    _, row, _ = ots.get_row("orders", key, max_version=3)
    assert [(v, ts) for _, v, ts in row.attribute_columns] == [("c", c), ("b", b), ("a", a)]
    _, row, _ = ots.get_row("orders", key, max_version=None, time_range=(a, b + 1))
    assert sorted(v for _, v, _ in row.attribute_columns) == ["a", "b"]


def test_conditions(ots):
    create(ots)
    key = [("uid", "c"), ("seq", 1)]
    ots.put_row("orders", Row(key, [("stock", 5), ("state", "open")]))
    with pytest.raises(OTSServiceError) as caught:
        ots.put_row("orders", Row(key, [("stock", 1)]), Condition(RowExistenceExpectation.EXPECT_NOT_EXIST))
    assert (caught.value.http_status, caught.value.code) == (403, "OTSConditionCheckFail")

    enough = Condition("EXPECT_EXIST", SingleColumnCondition("stock", 3, ComparatorType.GREATER_EQUAL))
    ots.update_row("orders", Row(key, {"increment": [("stock", -3)]}), enough)
    with pytest.raises(OTSServiceError, match="OTSConditionCheckFail"):
        ots.update_row("orders", Row(key, {"increment": [("stock", -3)]}), enough)

    both = CompositeColumnCondition(LogicalOperator.AND)
    both.add_sub_condition(SingleColumnCondition("state", "open", ComparatorType.EQUAL))
    both.add_sub_condition(SingleColumnCondition("missing", 1, ComparatorType.EQUAL, pass_if_missing=False))
    with pytest.raises(OTSServiceError, match="OTSConditionCheckFail"):
        ots.delete_row("orders", Row(key), Condition(RowExistenceExpectation.IGNORE, both))
    assert ots.get_row("orders", key)[1] is not None
    with pytest.raises(OTSClientError):
        Condition("EXPECT_SOMETHING")


def test_filters_on_reads(ots):
    create(ots)
    for seq in range(6):
        ots.put_row("orders", Row([("uid", "f"), ("seq", seq)], [("n", seq), ("kind", "even" if seq % 2 == 0 else "odd")]))
    odd_and_big = CompositeColumnCondition(LogicalOperator.AND)
    odd_and_big.add_sub_condition(SingleColumnCondition("kind", "odd", ComparatorType.EQUAL))
    odd_and_big.add_sub_condition(SingleColumnCondition("n", 2, ComparatorType.GREATER_THAN))
    _, _, rows, _ = ots.get_range("orders", Direction.FORWARD, [("uid", "f"), ("seq", INF_MIN)],
                                  [("uid", "f"), ("seq", INF_MAX)], column_filter=odd_and_big)
    assert [row.primary_key[1][1] for row in rows] == [3, 5]
    _, row, _ = ots.get_row("orders", [("uid", "f"), ("seq", 0)],
                            column_filter=SingleColumnCondition("kind", "odd", ComparatorType.EQUAL))
    assert row is None


def test_return_type_and_auto_increment(ots):
    create(ots, "events", [("id", "INTEGER"), ("n", "INTEGER", PK_AUTO_INCR)])
    keys = []
    for _ in range(3):
        _, row = ots.put_row("events", Row([("id", 1), ("n", PK_AUTO_INCR)], [("v", 1)]), return_type=ReturnType.RT_PK)
        keys.append(row.primary_key)
    assert [key[0] for key in keys] == [("id", 1)] * 3
    numbers = [key[1][1] for key in keys]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    _, row = ots.update_row("events", Row(keys[0], {"put": [("v", 2)]}), None, ReturnType.RT_PK)
    assert row.primary_key == keys[0]
    _, row = ots.delete_row("events", Row(keys[1]), None, ReturnType.RT_NONE)
    assert row is None


def test_batch_get_and_write_with_partial_failure(ots):
    create(ots)
    create(ots, "other", [("id", "INTEGER")])
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem("orders", [
        PutRowItem(Row([("uid", "b"), ("seq", 1)], [("v", 1)]), Condition("IGNORE")),
        PutRowItem(Row([("uid", "b"), ("seq", 2)], [("v", 2)]), Condition("EXPECT_EXIST")),  # fails: absent
        UpdateRowItem(Row([("uid", "b"), ("seq", 3)], {"put": [("v", 3)]}), Condition("IGNORE")),
        DeleteRowItem(Row([("uid", "b"), ("seq", 9)]), Condition("IGNORE")),
    ]))
    request.add(TableInBatchWriteRowItem("other", [PutRowItem(Row([("id", 7)], [("v", 7)]), Condition("IGNORE"))]))
    result = ots.batch_write_row(request)
    assert not result.is_all_succeed()
    failed = result.get_failed_of_put()
    assert [(item.index, item.error_code) for item in failed] == [(1, "OTSConditionCheckFail")]
    assert len(result.get_succeed_of_put()) == 2 and len(result.get_succeed_of_update()) == 1
    assert result.get_delete_by_table("orders")[0].is_ok

    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("orders", [[("uid", "b"), ("seq", s)] for s in (1, 2, 3)], ["v"]))
    request.add(TableInBatchGetRowItem("other", [[("id", 7)]]))
    request.add(TableInBatchGetRowItem("nowhere", [[("id", 1)]]))
    result = ots.batch_get_row(request)
    orders = result.get_result_by_table("orders")
    assert [item.row and attributes(item.row) for item in orders] == [{"v": 1}, None, {"v": 3}]
    assert attributes(result.get_result_by_table("other")[0].row) == {"v": 7}
    missing = result.get_result_by_table("nowhere")[0]
    assert (missing.is_ok, missing.error_code) == (False, "OTSObjectNotExist")
    assert len(result.get_failed_rows()) == 1


def _fill(ots, count):
    for start in range(0, count, 200):
        request = BatchWriteRowRequest()
        rows = [PutRowItem(Row([("uid", "r"), ("seq", seq)], [("v", seq)]), Condition("IGNORE"))
                for seq in range(start, min(start + 200, count))]
        request.add(TableInBatchWriteRowItem("orders", rows))
        assert ots.batch_write_row(request).is_all_succeed()


def test_get_range_both_directions_and_xget_range_across_the_5000_row_cut(ots):
    create(ots)
    _fill(ots, 5003)
    low, high = [("uid", "r"), ("seq", INF_MIN)], [("uid", "r"), ("seq", INF_MAX)]

    _, next_key, rows, _ = ots.get_range("orders", "FORWARD", low, high, limit=10)
    assert [r.primary_key[1][1] for r in rows] == list(range(10))
    assert next_key == [("uid", "r"), ("seq", 10)]

    _, next_key, rows, _ = ots.get_range("orders", Direction.BACKWARD, high, low, columns_to_get=["v"], limit=3)
    assert [r.primary_key[1][1] for r in rows] == [5002, 5001, 5000]
    assert next_key == [("uid", "r"), ("seq", 4999)]

    _, next_key, rows, _ = ots.get_range("orders", "FORWARD", low, high)
    assert len(rows) == 5000 and next_key == [("uid", "r"), ("seq", 5000)]

    counter = CapacityUnit()
    seen = [row.primary_key[1][1] for row in ots.xget_range("orders", "FORWARD", low, high, counter)]
    assert seen == list(range(5003)) and counter.read >= 2
    limited = list(ots.xget_range("orders", Direction.BACKWARD, high, low, CapacityUnit(), count=4))
    assert [row.primary_key[1][1] for row in limited] == [5002, 5001, 5000, 4999]


def test_errors_from_the_service_and_from_arguments(ots):
    with pytest.raises(OTSServiceError) as caught:
        ots.get_row("no_such_table", [("id", 1)])
    assert caught.value.code == "OTSObjectNotExist" and caught.value.request_id
    with pytest.raises(OTSServiceError) as caught:
        ots.create_table(TableMeta("0bad", [("id", "INTEGER")]), TableOptions(), THROUGHPUT)
    assert (caught.value.http_status, caught.value.code) == (400, "OTSParameterInvalid")
    with pytest.raises(OTSClientError, match="columns_to_get"):
        ots.get_row("t", [("id", 1)], columns_to_get="v")
    with pytest.raises(OTSClientError, match="consumed_counter"):
        list(ots.xget_range("t", "FORWARD", [("id", INF_MIN)], [("id", INF_MAX)], None))
