"""Fidelity audit through the official SDK: the error texts, limits and row semantics of
reference/tablestore-facts.md §3-§5 that the other test_sdk_* files leave out.

One signature version is enough here (test_sdk_tables/rows run both), which keeps this fast.
"""
from __future__ import annotations

import time

import pytest
from tablestore import (
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
    PutRowItem,
    ReservedThroughput,
    ReturnType,
    Row,
    RowExistenceExpectation,
    SingleColumnCondition,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    TableOptions,
    UpdateRowItem,
)

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import errors as E
from emulator_helpers import create, expect, official_client

pytestmark = pytest.mark.official

PK = [("pk", "a")]
IGNORE = Condition(RowExistenceExpectation.IGNORE)
EXIST = Condition(RowExistenceExpectation.EXPECT_EXIST)
NOT_EXIST = Condition(RowExistenceExpectation.EXPECT_NOT_EXIST)
WHOLE = ([("pk", INF_MIN)], [("pk", INF_MAX)])


@pytest.fixture
def sdk(emu: Emulator):
    """The official client (V2) with table ``t`` (pk STRING, 3 versions) already created."""
    client = official_client(emu)
    create(client, options=TableOptions(-1, 3, 86400))
    return client


def values(row):
    return [(name, value) for name, value, _ in row.attribute_columns]


def batch_write(client, table, items):
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem(table, items))
    return client.batch_write_row(request)


# --- §4.1 CreateTable / UpdateTable rules ---------------------------------------------
def test_create_table_rules(sdk):
    key = [("pk", "STRING")]
    expect(E.INVALID_PK_TYPE, create, sdk, "b", [("pk", "BOOLEAN")], type="BOOLEAN")
    expect(E.DEFINED_COLUMN_COUNT, lambda: create(sdk, "d", defined=[(f"c{i}", "STRING") for i in range(33)]))
    create(sdk, "d", defined=[(f"c{i}", "STRING") for i in range(32)])
    expect(E.INVALID_DEVIATION, create, sdk, "x", key, TableOptions(-1, 1, -1))
    expect(E.INVALID_DEVIATION, create, sdk, "x", key, TableOptions(-1, 1, 2**63 // 1000000 + 1))
    for ttl in (0, -2, 86399):
        expect(E.INVALID_TTL, create, sdk, "x", key, TableOptions(ttl, 1, 86400))
    expect(E.NEGATIVE_RESERVED_THROUGHPUT, create, sdk, "x", key, None, (-1, 0), cu=-1)
    create(sdk, "edge", key, TableOptions(86400, 2**31 - 1, 0))
    options = sdk.describe_table("edge").table_options
    assert (options.time_to_live, options.max_version, options.max_time_deviation) == (86400, 2**31 - 1, 0)
    expect(E.AUTO_INCREMENT_NOT_INTEGER, create, sdk, "x", [("p", "STRING"), ("q", "STRING", PK_AUTO_INCR)])
    expect(E.AUTO_INCREMENT_COUNT, create, sdk, "x",
           [("p", "STRING"), ("q", "INTEGER", PK_AUTO_INCR), ("r", "INTEGER", PK_AUTO_INCR)])


def test_update_table_rules(sdk):
    expect(E.INVALID_TTL, sdk.update_table, "t", TableOptions(time_to_live=100))
    expect(E.INVALID_MAX_VERSIONS, sdk.update_table, "t", TableOptions(max_version=0))
    expect(E.INVALID_DEVIATION, sdk.update_table, "t", TableOptions(max_time_deviation=-5))
    expect(E.INVALID_RESERVED_THROUGHPUT, sdk.update_table, "t", None, ReservedThroughput(CapacityUnit(100001, 0)))
    expect(E.NEGATIVE_RESERVED_THROUGHPUT, sdk.update_table, "t", None, ReservedThroughput(CapacityUnit(0, -1)),
           cu=-1)
    options = sdk.describe_table("t").table_options  # nothing of the failed updates stuck
    assert (options.time_to_live, options.max_version, options.max_time_deviation) == (-1, 3, 86400)


# --- §4.1 / §4.3 names, everywhere -----------------------------------------------------
def test_invalid_table_name_on_every_row_api(sdk):
    bad = "3t"
    expect(E.INVALID_TABLE_NAME, sdk.get_row, bad, PK, name=bad)
    expect(E.INVALID_TABLE_NAME, sdk.put_row, bad, Row(PK, []), name=bad)
    expect(E.INVALID_TABLE_NAME, sdk.update_row, bad, Row(PK, {"put": [("c", 1)]}), IGNORE, name=bad)
    expect(E.INVALID_TABLE_NAME, sdk.delete_row, bad, Row(PK), IGNORE, name=bad)
    expect(E.INVALID_TABLE_NAME, sdk.get_range, bad, Direction.FORWARD, *WHOLE, name=bad)
    expect(E.INVALID_TABLE_NAME, batch_write, sdk, bad, [PutRowItem(Row(PK, []), IGNORE)], name=bad)
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem(bad, [PK], max_version=1))
    expect(E.INVALID_TABLE_NAME, sdk.batch_get_row, request, name=bad)


def test_column_name_rules(sdk):
    sdk.put_row("t", Row(PK, [("c" * 255, 1)]))
    for bad in ("c" * 256, "# "):
        expect(E.INVALID_COLUMN_NAME, sdk.put_row, "t", Row(PK, [(bad, 1)]), name=bad)
    expect(E.INVALID_COLUMN_NAME, sdk.get_row, "t", PK, ["ok", "#x"], name="#x")
    bad_filter = SingleColumnCondition("#x", 1, ComparatorType.EQUAL)
    expect(E.INVALID_COLUMN_NAME, sdk.get_row, "t", PK, None, bad_filter, name="#x")
    expect(E.INVALID_COLUMN_NAME, sdk.put_row, "t", Row(PK, []), Condition("IGNORE", bad_filter), name="#x")
    # precedence (RI#12): the column-name error wins over a wrong primary key schema
    expect(E.INVALID_COLUMN_NAME, sdk.put_row, "t", Row([("wrong", 1)], [("#", 1)]), name="#")


# --- §3 / §4.3 size and count limits ---------------------------------------------------
def test_single_row_size_limit(sdk):
    chunk = "x" * 1_400_000
    cells = [(f"c{i}", chunk) for i in range(3)]
    size = 2 + 1 + 3 * (2 + 1_400_000)
    expect(E.ROW_TOO_LARGE, sdk.put_row, "t", Row(PK, cells), api="PutRow", limit=4194304, size=size)
    expect(E.ROW_TOO_LARGE, sdk.update_row, "t", Row(PK, {"put": cells}), IGNORE,
           api="UpdateRow", limit=4194304, size=size)
    cells = [(f"c{i}", "x" * 1_398_000) for i in range(3)]  # 4,194,003 bytes: just fits
    sdk.put_row("t", Row(PK, cells))


def test_attribute_count_counts_puts_and_deletes(sdk):
    puts = [(f"p{i}", i) for i in range(1000)]
    deletes = [f"d{i}" for i in range(25)]
    expect(E.TOO_MANY_ATTRIBUTES, sdk.update_row, "t", Row(PK, {"put": puts, "delete_all": deletes}), IGNORE,
           limit=1024, count=1025)
    sdk.update_row("t", Row(PK, {"put": puts, "delete_all": deletes[:24]}), IGNORE)


def test_timestamp_and_value_rules(sdk):
    expect(E.TIMESTAMP_RANGE, sdk.put_row, "t", Row(PK, [("c", 1, -1)]))
    expect(E.INFINITE_DOUBLE, sdk.put_row, "t", Row(PK, [("c", float("inf"))]))
    expect(E.NAN_DOUBLE, sdk.put_row, "t", Row(PK, [("c", float("nan"))]))


def test_condition_node_limit(sdk):
    too_many = CompositeColumnCondition(LogicalOperator.OR)
    for i in range(32):
        too_many.add_sub_condition(SingleColumnCondition("v", i, ComparatorType.EQUAL))
    expect(E.FILTER_COUNT, sdk.put_row, "t", Row(PK, []), Condition("IGNORE", too_many), limit=32)
    fits = CompositeColumnCondition(LogicalOperator.OR)
    for i in range(31):
        fits.add_sub_condition(SingleColumnCondition("v", i, ComparatorType.EQUAL))
    sdk.put_row("t", Row(PK, []), Condition("IGNORE", fits))


# --- §4.3 reads ------------------------------------------------------------------------
def test_read_version_rules(sdk):
    expect(E.NO_VERSION_CONDITION, lambda: sdk.get_range("t", Direction.FORWARD, *WHOLE, max_version=None))
    expect(E.INVALID_MAX_VERSIONS_READ, lambda: sdk.get_row("t", PK, max_version=0), value=0)
    expect(E.SPECIFIC_TIME_WITH_MAX_VERSIONS, lambda: sdk.get_row("t", PK, max_version=1, time_range=5))
    expect(E.INVALID_LIMIT, lambda: sdk.get_range("t", Direction.FORWARD, *WHOLE, limit=-1))
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("t", [PK], max_version=None))
    expect(E.NO_VERSION_CONDITION_BATCH, sdk.batch_get_row, request)


def test_auto_increment_placeholder_rules(sdk):
    create(sdk, "auto", [("part", "STRING"), ("seq", "INTEGER", PK_AUTO_INCR)])
    key = [("part", "p"), ("seq", PK_AUTO_INCR)]
    expect(E.AUTO_INCREMENT_READ, sdk.get_row, "auto", key)
    expect(E.AUTO_INCREMENT_DELETE, sdk.delete_row, "auto", Row(key), IGNORE)
    expect(E.AUTO_INCREMENT_EXPECT, sdk.put_row, "auto", Row(key, []), NOT_EXIST, expect="EXPECT_NOT_EXIST")
    expect(E.AUTO_INCREMENT_EXPECT, sdk.update_row, "auto", Row(key, {"put": [("c", 1)]}), EXIST,
           expect="EXPECT_EXIST")
    check = Condition("IGNORE", SingleColumnCondition("c", 1, ComparatorType.EQUAL))
    expect(E.AUTO_INCREMENT_CONDITION, sdk.put_row, "auto", Row(key, []), check)
    assert sdk.get_range("auto", Direction.FORWARD, [("part", INF_MIN), ("seq", INF_MIN)],
                         [("part", INF_MAX), ("seq", INF_MAX)])[2] == []


def test_schema_mismatch_in_get_range_and_per_row_in_batch_get(sdk):
    expect(E.PK_NAME_MISMATCH, sdk.get_range, "t", Direction.FORWARD, [("x", INF_MIN)], [("x", INF_MAX)],
           input="x", meta="pk")
    sdk.put_row("t", Row(PK, [("c", 1)]))
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("t", [PK, [("pk", 1)], [("pk", "a"), ("extra", 1)]], max_version=1))
    rows = sdk.batch_get_row(request).get_result_by_table("t")
    assert values(rows[0].row) == [("c", 1)]
    assert (rows[1].is_ok, rows[1].error_code, rows[1].error_message) == (
        False, E.PK_TYPE_MISMATCH.code, E.PK_TYPE_MISMATCH.format(input="VT_INTEGER", meta="VT_STRING"))
    assert (rows[2].is_ok, rows[2].error_message) == (False, E.PK_SIZE_MISMATCH.format(input=2, meta=1))


# --- §4.3 / §5.9 batch requests --------------------------------------------------------
def test_empty_batches(sdk):
    expect(E.BATCH_WRITE_EMPTY, sdk.batch_write_row, BatchWriteRowRequest())
    expect(E.BATCH_WRITE_TABLE_EMPTY, batch_write, sdk, "t", [], table="t")
    expect(E.BATCH_GET_EMPTY, sdk.batch_get_row, BatchGetRowRequest())
    request = BatchGetRowRequest()  # a table with no keys is fine
    request.add(TableInBatchGetRowItem("t", [], max_version=1))
    assert sdk.batch_get_row(request).get_result_by_table("t") == []


def test_batch_update_without_cells_fails_the_request(sdk):
    expect(E.BATCH_UPDATE_NO_CELLS, batch_write, sdk, "t", [
        PutRowItem(Row([("pk", "b")], []), IGNORE), UpdateRowItem(Row(PK, {}), IGNORE),
    ])
    assert sdk.get_row("t", [("pk", "b")])[1] is None


def test_batch_repeated_rows(sdk):
    result = batch_write(sdk, "t", [
        UpdateRowItem(Row(PK, {"put": [("a", 1)]}), IGNORE),
        UpdateRowItem(Row(PK, {"put": [("b", 2)], "increment": [("n", 5)]}), IGNORE),
        UpdateRowItem(Row(PK, {"increment": [("n", 5)]}), IGNORE),
        UpdateRowItem(Row([("pk", "gone")], {"delete_all": ["x"]}), IGNORE),
    ])
    assert result.is_all_succeed()
    assert [r.consumed.write for r in result.get_update_by_table("t")] == [1, 1, 1, 1]
    assert values(sdk.get_row("t", PK)[1]) == [("a", 1), ("b", 2), ("n", 10)]
    assert sdk.get_row("t", [("pk", "gone")])[1] is None
    expect(E.REPEATED_ROW_EXPECTATION, batch_write, sdk, "t", [
        PutRowItem(Row(PK, []), IGNORE), DeleteRowItem(Row(PK), EXIST),
    ])
    check = Condition("IGNORE", SingleColumnCondition("a", 1, ComparatorType.EQUAL))
    expect(E.REPEATED_ROW_CONDITION, batch_write, sdk, "t", [
        PutRowItem(Row(PK, []), IGNORE), UpdateRowItem(Row(PK, {"put": [("c", 1)]}), check),
    ])


# --- §5.2 / §5.3 / §5.4 / §5.5 row semantics ------------------------------------------
def test_several_versions_in_one_put_and_type_changes(sdk):
    now = int(time.time() * 1000)
    sdk.put_row("t", Row(PK, [("v", "old", now - 2), ("v", 1.5, now - 1)]))
    assert sdk.get_row("t", PK, max_version=5)[1].attribute_columns == [("v", 1.5, now - 1), ("v", "old", now - 2)]
    sdk.update_row("t", Row(PK, {"put": [("v", True)]}), IGNORE)
    assert values(sdk.get_row("t", PK)[1]) == [("v", True)]


def test_failed_update_is_atomic(sdk):
    sdk.put_row("t", Row(PK, [("s", "text"), ("n", 1)]))
    expect(E.INCREMENT_ON_NON_INTEGER, sdk.update_row, "t",
           Row(PK, {"put": [("new", 1)], "increment": [("n", 1), ("s", 1)]}), IGNORE, name="s")
    check = Condition("IGNORE", SingleColumnCondition("n", 2, ComparatorType.EQUAL))
    expect(E.CONDITION_CHECK_FAIL, sdk.update_row, "t", Row(PK, {"delete_all": ["s"]}), check)
    assert values(sdk.get_row("t", PK)[1]) == [("n", 1), ("s", "text")]


def test_expect_not_exist_on_update_row(sdk):
    sdk.update_row("t", Row(PK, {"increment": [("n", 1)]}), NOT_EXIST)
    expect(E.CONDITION_CHECK_FAIL, sdk.update_row, "t", Row(PK, {"increment": [("n", 1)]}), NOT_EXIST)
    assert values(sdk.get_row("t", PK)[1]) == [("n", 1)]


def test_return_types(sdk):
    consumed, row = sdk.update_row("t", Row(PK, {"put": [("c", 1)]}), IGNORE)
    assert row is None
    _, row = sdk.update_row("t", Row(PK, {"put": [("c", 2)]}), IGNORE, return_type=ReturnType.RT_PK)
    assert (row.primary_key, row.attribute_columns) == (PK, [])
    _, row = sdk.delete_row("t", Row(PK), IGNORE, return_type=ReturnType.RT_PK)
    assert (row.primary_key, row.attribute_columns) == (PK, [])


def test_capacity_units_follow_the_4_kilobyte_rule(sdk):
    consumed, _ = sdk.update_row("t", Row(PK, {"put": [("big", "x" * 5000)]}), IGNORE)
    assert (consumed.read, consumed.write) == (0, 2)
    consumed, _ = sdk.put_row("t", Row(PK, [("big", "x" * 9000)]), EXIST)
    assert (consumed.read, consumed.write) == (1, 3)
    consumed, _, _ = sdk.get_row("t", PK)
    assert (consumed.read, consumed.write) == (3, 0)
