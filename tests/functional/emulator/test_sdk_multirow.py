"""BatchGetRow, BatchWriteRow and GetRange through the official SDK, with read filters."""
from __future__ import annotations

import pytest
from tablestore import (
    INF_MAX,
    INF_MIN,
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
    Row,
    RowExistenceExpectation,
    SingleColumnCondition,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    UpdateRowItem,
)

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.front import INLINE_ROWS
from emulator_helpers import create, expect

pytestmark = pytest.mark.official

IGNORE = Condition(RowExistenceExpectation.IGNORE)
EXIST = Condition(RowExistenceExpectation.EXPECT_EXIST)
TWO_PK = [("a", "STRING"), ("b", "INTEGER")]


def batch_put(client, table, rows):
    """Write rows with BatchWriteRow, 200 per request."""
    for start in range(0, len(rows), 200):
        request = BatchWriteRowRequest()
        request.add(TableInBatchWriteRowItem(table, [PutRowItem(r, IGNORE) for r in rows[start:start + 200]]))
        assert client.batch_write_row(request).is_all_succeed()


def scan(client, table, start, end, direction=Direction.FORWARD, **kwargs):
    kwargs.setdefault("max_version", 1)
    _, next_key, rows, _ = client.get_range(table, direction, start, end, **kwargs)
    return [r.primary_key for r in rows], next_key


def test_batch_write_across_tables_with_partial_failure(client):
    create(client, "t1")
    create(client, "t2")
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem("t1", [
        PutRowItem(Row([("pk", "x")], [("v", 1)]), IGNORE),
        UpdateRowItem(Row([("pk", "y")], {"put": [("v", 2)]}), EXIST),
        PutRowItem(Row([("pk", "x")], [("v", 3)]), IGNORE),
    ]))
    request.add(TableInBatchWriteRowItem("t2", [
        DeleteRowItem(Row([("pk", "z")]), IGNORE),
        PutRowItem(Row([("wrong", "z")], []), IGNORE),
    ]))
    result = client.batch_write_row(request)
    assert not result.is_all_succeed()
    puts = result.get_put_by_table("t1")
    assert [r.is_ok for r in puts] == [True, True]
    update = result.get_update_by_table("t1")[0]
    assert (update.is_ok, update.error_code, update.error_message) == (
        False, E.CONDITION_CHECK_FAIL.code, E.CONDITION_CHECK_FAIL.template
    )
    assert result.get_delete_by_table("t2")[0].is_ok
    bad = result.get_put_by_table("t2")[0]
    assert (bad.error_code, bad.error_message) == (E.PK_NAME_MISMATCH.code,
                                                   E.PK_NAME_MISMATCH.format(input="wrong", meta="pk"))
    assert client.get_row("t1", [("pk", "x")], max_version=1)[1].attribute_columns[0][1] == 3


def test_batch_write_to_missing_table_fails_per_row(client):
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem("missing", [PutRowItem(Row([("pk", "x")], []), IGNORE)]))
    row = client.batch_write_row(request).get_put_by_table("missing")[0]
    assert (row.is_ok, row.error_code) == (False, E.TABLE_NOT_EXIST.code)


def test_batch_limits(client):
    create(client)
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem("t", [PutRowItem(Row([("pk", str(i))], []), IGNORE) for i in range(201)]))
    expect(E.TOO_MANY_ROWS, client.batch_write_row, request, limit=200)
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("t", [[("pk", str(i))] for i in range(101)], max_version=1))
    expect(E.TOO_MANY_ROWS, client.batch_get_row, request, limit=100)
    request = BatchWriteRowRequest()
    request.add(TableInBatchWriteRowItem("t", [
        PutRowItem(Row([("pk", str(i))], [("v", "x" * 1_500_000)]), IGNORE) for i in range(3)
    ]))
    size = 3 * (2 + 1 + 1 + 1_500_000)
    expect(E.ROW_TOO_LARGE, client.batch_write_row, request, api="BatchWriteRow", limit=4194304, size=size)


def test_batch_get(client):
    create(client, "t1")
    client.put_row("t1", Row([("pk", "a")], [("v", 1), ("w", 2)]))
    request = BatchGetRowRequest()
    request.add(TableInBatchGetRowItem("t1", [[("pk", "a")], [("pk", "nope")], [("pk", "a")]],
                                       columns_to_get=["v"], max_version=1))
    request.add(TableInBatchGetRowItem("missing", [[("pk", "a")]], max_version=1))
    result = client.batch_get_row(request)
    rows = result.get_result_by_table("t1")
    assert [r.is_ok for r in rows] == [True, True, True]
    assert rows[0].row.attribute_columns[0][:2] == ("v", 1)
    assert rows[1].row is None
    missing = result.get_result_by_table("missing")[0]
    assert (missing.is_ok, missing.error_code, missing.error_message) == (
        False, E.TABLE_NOT_EXIST.code, E.TABLE_NOT_EXIST.template
    )


def test_range_order_bounds_and_limit(client):
    create(client, pk=TWO_PK)
    batch_put(client, "t", [Row([("a", a), ("b", b)], [("v", b)]) for a in ("x", "y") for b in (-5, 0, 7)])
    everything, next_key = scan(client, "t", [("a", INF_MIN), ("b", INF_MIN)], [("a", INF_MAX), ("b", INF_MAX)])
    assert [(k[0][1], k[1][1]) for k in everything] == [("x", -5), ("x", 0), ("x", 7), ("y", -5), ("y", 0), ("y", 7)]
    assert next_key is None
    rows, _ = scan(client, "t", [("a", "y"), ("b", INF_MAX)], [("a", "x"), ("b", 0)], Direction.BACKWARD)
    assert [(k[0][1], k[1][1]) for k in rows] == [("y", 7), ("y", 0), ("y", -5), ("x", 7)]
    rows, next_key = scan(client, "t", [("a", "x"), ("b", 0)], [("a", INF_MAX), ("b", INF_MAX)], limit=2)
    assert [(k[0][1], k[1][1]) for k in rows] == [("x", 0), ("x", 7)]
    assert next_key == [("a", "y"), ("b", -5)]
    assert scan(client, "t", [("a", "x"), ("b", INF_MAX)], [("a", "y"), ("b", INF_MIN)]) == ([], None)


def test_pages_either_side_of_the_inline_bound_read_alike(client):
    """Small GetRanges run on the event loop, larger ones (and those that may skip rows) in a
    worker thread: every page is the rows written, in order, either way."""
    create(client, pk=[("n", "INTEGER")])
    written = {n: 3 * n for n in range(INLINE_ROWS + 50)}
    batch_put(client, "t", [Row([("n", n)], [("v", v)]) for n, v in written.items()])
    whole = [("n", INF_MIN)], [("n", INF_MAX)]
    for limit, columns in ((INLINE_ROWS, None), (INLINE_ROWS + 1, None), (INLINE_ROWS, ["v"]), (None, None)):
        _, next_key, rows, _ = client.get_range("t", Direction.FORWARD, *whole, columns_to_get=columns, limit=limit,
                                                max_version=1)
        expected = sorted(written)[:limit]
        assert [(r.primary_key[0][1], r.attribute_columns[0][1]) for r in rows] == [(n, written[n]) for n in expected]
        assert next_key == ([("n", len(expected))] if len(expected) < len(written) else None)
    request = BatchGetRowRequest()
    keys = list(range(0, 2 * INLINE_ROWS, 2))  # half of them past the last row written
    request.add(TableInBatchGetRowItem("t", [[("n", n)] for n in keys], max_version=1))
    found = [r.row for r in client.batch_get_row(request).get_result_by_table("t")]
    assert [None if row is None else row.attribute_columns[0][1] for row in found] == [written.get(n) for n in keys]


def test_range_errors(client):
    create(client, pk=TWO_PK)
    low, high = [("a", "x"), ("b", 1)], [("a", "y"), ("b", 1)]
    expect(E.FORWARD_RANGE, scan, client, "t", high, low)
    expect(E.FORWARD_RANGE, scan, client, "t", low, low)
    expect(E.BACKWARD_RANGE, scan, client, "t", low, high, Direction.BACKWARD)
    expect(E.INVALID_LIMIT, lambda: scan(client, "t", low, high, limit=0))
    expect(E.TABLE_NOT_EXIST, scan, client, "missing", low, high)
    expect(E.INF_IN_PRIMARY_KEY, client.get_row, "t", [("a", INF_MIN), ("b", 1)], None, None, 1, type="VT_INF_MIN")


def test_range_cut_at_5000_rows(client):
    create(client, pk=[("n", "INTEGER")])
    batch_put(client, "t", [Row([("n", i)], []) for i in range(5001)])
    rows, next_key = scan(client, "t", [("n", INF_MIN)], [("n", INF_MAX)])
    assert len(rows) == 5000 and next_key == [("n", 5000)]
    rows, next_key = scan(client, "t", [("n", 1)], [("n", INF_MAX)])
    assert len(rows) == 5000 and next_key is None
    counter = CapacityUnit(0, 0)
    rows = client.xget_range("t", Direction.FORWARD, [("n", INF_MIN)], [("n", INF_MAX)], counter, max_version=1)
    assert sum(1 for _ in rows) == 5001
    assert counter.read >= 2


def test_range_cut_at_4_megabytes(client):
    create(client, pk=[("n", "INTEGER")])
    for i in range(6):
        client.put_row("t", Row([("n", i)], [("v", "x" * 1_000_000)]))
    rows, next_key = scan(client, "t", [("n", INF_MIN)], [("n", INF_MAX)])
    assert len(rows) == 5 and next_key == [("n", 5)]


def test_range_filters(client):
    create(client, pk=[("n", "INTEGER")])
    batch_put(client, "t", [Row([("n", i)], [("v", i), ("tag", "even" if i % 2 == 0 else "odd")]) for i in range(10)])
    whole = ([("n", INF_MIN)], [("n", INF_MAX)])
    even = SingleColumnCondition("tag", "even", ComparatorType.EQUAL)
    rows, _ = scan(client, "t", *whole, column_filter=even)
    assert [k[0][1] for k in rows] == [0, 2, 4, 6, 8]
    either = CompositeColumnCondition(LogicalOperator.OR)
    either.add_sub_condition(SingleColumnCondition("v", 1, ComparatorType.LESS_EQUAL))
    either.add_sub_condition(SingleColumnCondition("v", 8, ComparatorType.GREATER_EQUAL))
    rows, _ = scan(client, "t", *whole, column_filter=either)
    assert [k[0][1] for k in rows] == [0, 1, 8, 9]
    missing_drops = SingleColumnCondition("nope", 1, ComparatorType.EQUAL, pass_if_missing=False)
    assert scan(client, "t", *whole, column_filter=missing_drops)[0] == []
    _, rows = client.get_range("t", Direction.FORWARD, *whole, columns_to_get=["blah"], max_version=1)[1:3]
    assert rows == []
    too_many = CompositeColumnCondition(LogicalOperator.AND)
    for i in range(32):
        too_many.add_sub_condition(SingleColumnCondition("v", i, ComparatorType.NOT_EQUAL))
    expect(E.FILTER_COUNT, lambda: scan(client, "t", *whole, column_filter=too_many), limit=32)


def test_get_row_filter_and_column_window(client):
    create(client)
    client.put_row("t", Row([("pk", "w")], [(f"c{i:02d}", i) for i in range(10)]))
    _, row, _ = client.get_row("t", [("pk", "w")], max_version=1, start_column="c07", end_column="c09")
    assert [c[0] for c in row.attribute_columns] == ["c07", "c08"]
    no = SingleColumnCondition("c01", 100, ComparatorType.EQUAL)
    assert client.get_row("t", [("pk", "w")], column_filter=no, max_version=1)[1] is None
