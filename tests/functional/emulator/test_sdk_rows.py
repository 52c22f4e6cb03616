"""Single-row operations through the official SDK: GetRow, PutRow, UpdateRow, DeleteRow."""
from __future__ import annotations

import time

import pytest
from tablestore import (
    PK_AUTO_INCR,
    ComparatorType,
    CompositeColumnCondition,
    Condition,
    LogicalOperator,
    ReturnType,
    Row,
    RowExistenceExpectation,
    SingleColumnCondition,
    TableOptions,
)

from alicloud_storage.emulator.tablestore import errors as E
from emulator_helpers import create, expect

pytestmark = pytest.mark.official

PK = [("pk", "a")]
EXIST = Condition(RowExistenceExpectation.EXPECT_EXIST)
NOT_EXIST = Condition(RowExistenceExpectation.EXPECT_NOT_EXIST)
IGNORE = Condition(RowExistenceExpectation.IGNORE)


def now_ms() -> int:
    return int(time.time() * 1000)


def values(row):
    return [(name, value) for name, value, _ in row.attribute_columns]


def test_put_then_get_every_value_type(client):
    create(client)
    columns = [("i", -7), ("f", 1.5), ("b", True), ("s", "中文"), ("bin", bytearray(b"\x00\xff"))]
    consumed, returned = client.put_row("t", Row(PK, columns))
    assert (consumed.read, consumed.write) == (0, 1)
    assert returned is None
    consumed, row, _ = client.get_row("t", PK, max_version=1)
    assert (consumed.read, consumed.write) == (1, 0)
    assert row.primary_key == PK
    assert values(row) == sorted(columns)
    assert all(ts > 0 for _, _, ts in row.attribute_columns)


def test_get_missing_row(client):
    create(client)
    consumed, row, _ = client.get_row("t", PK, max_version=1)
    assert row is None
    assert (consumed.read, consumed.write) == (1, 0)


def test_put_replaces_the_whole_row_and_may_have_no_attributes(client):
    create(client)
    client.put_row("t", Row(PK, [("a", 1), ("b", 2)]))
    client.put_row("t", Row(PK, [("c", 3)]))
    assert values(client.get_row("t", PK, max_version=1)[1]) == [("c", 3)]
    client.put_row("t", Row(PK, []))
    row = client.get_row("t", PK, max_version=1)[1]
    assert row.primary_key == PK and row.attribute_columns == []


def test_columns_to_get(client):
    create(client)
    client.put_row("t", Row(PK, [("a", 1), ("b", 2), ("c", 3)]))
    assert values(client.get_row("t", PK, ["c", "a"], max_version=1)[1]) == [("a", 1), ("c", 3)]
    assert client.get_row("t", PK, ["blah"], max_version=1)[1] is None


def test_versions_and_time_range(client):
    create(client, options=TableOptions(-1, 3, 86400))
    base = now_ms() - 10_000
    client.put_row("t", Row(PK, [("v", 0, base)]))
    for i in range(1, 5):
        client.update_row("t", Row(PK, {"put": [("v", i, base + i)]}), IGNORE)
    row = client.get_row("t", PK, max_version=10)[1]
    assert row.attribute_columns == [("v", 4, base + 4), ("v", 3, base + 3), ("v", 2, base + 2)]
    row = client.get_row("t", PK, max_version=None, time_range=(base + 2, base + 4))[1]
    assert row.attribute_columns == [("v", 3, base + 3), ("v", 2, base + 2)]
    row = client.get_row("t", PK, max_version=None, time_range=base + 3)[1]
    assert row.attribute_columns == [("v", 3, base + 3)]
    assert client.get_row("t", PK, max_version=None, time_range=(base, base + 1))[1] is None


def test_server_timestamps_are_distinct(client):
    create(client, options=TableOptions(-1, 5, 86400))
    for i in range(3):
        client.update_row("t", Row(PK, {"put": [("v", i)]}), IGNORE)
    row = client.get_row("t", PK, max_version=5)[1]
    stamps = [ts for _, _, ts in row.attribute_columns]
    assert [v for _, v, _ in row.attribute_columns] == [2, 1, 0]
    assert stamps == sorted(set(stamps), reverse=True)


def test_timestamp_window_and_range(client):
    create(client, options=TableOptions(-1, 1, 3600))
    expect(E.INVALID_TIMESTAMP, client.put_row, "t", Row(PK, [("old", 1, now_ms() - 7200_000)]), name="old")
    expect(E.INVALID_TIMESTAMP, client.put_row, "t", Row(PK, [("new", 1, now_ms() + 7200_000)]), name="new")
    expect(E.TIMESTAMP_RANGE, client.put_row, "t", Row(PK, [("c", 1, 2**63 // 1000)]))
    client.put_row("t", Row(PK, [("ok", 1, now_ms() - 1000)]))


def test_update_row_operations(client):
    create(client, options=TableOptions(-1, 3, 86400))
    ts = now_ms() - 5000
    client.put_row("t", Row(PK, [("keep", "k"), ("gone", 1), ("multi", 1, ts), ("n", 10)]))
    client.update_row("t", Row(PK, {"put": [("multi", 2, ts + 1)]}), IGNORE)
    client.update_row(
        "t",
        Row(PK, {
            "put": [("new", "x")],
            "delete": [("multi", None, ts)],
            "delete_all": ["gone"],
            "increment": [("n", 10)],
        }),
        EXIST,
    )
    row = client.get_row("t", PK, max_version=5)[1]
    assert values(row) == [("keep", "k"), ("multi", 2), ("n", 20), ("n", 10), ("new", "x")]


def test_update_missing_row_inserts_but_delete_only_leaves_it_absent(client):
    create(client)
    client.update_row("t", Row([("pk", "d")], {"delete_all": ["x"]}), IGNORE)
    assert client.get_row("t", [("pk", "d")], max_version=1)[1] is None
    client.update_row("t", Row(PK, {"put": [("x", 1)]}), IGNORE)
    assert values(client.get_row("t", PK, max_version=1)[1]) == [("x", 1)]
    client.update_row("t", Row(PK, {"delete_all": ["x"]}), IGNORE)
    row = client.get_row("t", PK, max_version=1)[1]
    assert row.primary_key == PK and row.attribute_columns == []


def test_increment(client):
    create(client)
    for delta in (10, 10, -30):
        client.update_row("t", Row(PK, {"increment": [("n", delta)]}), IGNORE)
    assert values(client.get_row("t", PK, max_version=1)[1]) == [("n", -10)]
    client.put_row("t", Row(PK, [("s", "text")]))
    expect(E.INCREMENT_ON_NON_INTEGER, client.update_row, "t", Row(PK, {"increment": [("s", 1)]}), IGNORE, name="s")


def test_row_existence_conditions(client):
    create(client)
    expect(E.CONDITION_CHECK_FAIL, client.put_row, "t", Row(PK, [("a", 1)]), EXIST)
    expect(E.CONDITION_CHECK_FAIL, client.update_row, "t", Row(PK, {"put": [("a", 1)]}), EXIST)
    expect(E.CONDITION_CHECK_FAIL, client.delete_row, "t", Row(PK), EXIST)
    client.delete_row("t", Row(PK), IGNORE)
    client.put_row("t", Row(PK, [("a", 1)]), NOT_EXIST)
    expect(E.CONDITION_CHECK_FAIL, client.put_row, "t", Row(PK, [("a", 2)]), NOT_EXIST)
    consumed, _ = client.update_row("t", Row(PK, {"put": [("a", 3)]}), EXIST)
    assert (consumed.read, consumed.write) == (1, 1)
    client.delete_row("t", Row(PK), EXIST)
    assert client.get_row("t", PK, max_version=1)[1] is None


def test_column_conditions(client):
    create(client)
    client.put_row("t", Row(PK, [("state", "open"), ("n", 5)]))
    is_closed = SingleColumnCondition("state", "closed", ComparatorType.EQUAL)
    expect(E.CONDITION_CHECK_FAIL, client.put_row, "t", Row(PK, [("x", 1)]), Condition("EXPECT_EXIST", is_closed))
    missing_passes = SingleColumnCondition("nope", 1, ComparatorType.EQUAL, pass_if_missing=True)
    client.update_row("t", Row(PK, {"put": [("y", 1)]}), Condition("IGNORE", missing_passes))
    missing_fails = SingleColumnCondition("nope", 1, ComparatorType.EQUAL, pass_if_missing=False)
    expect(E.CONDITION_CHECK_FAIL, client.update_row, "t", Row(PK, {"put": [("y", 2)]}),
           Condition("IGNORE", missing_fails))
    both = CompositeColumnCondition(LogicalOperator.AND)
    both.add_sub_condition(SingleColumnCondition("state", "open", ComparatorType.EQUAL))
    both.add_sub_condition(SingleColumnCondition("n", 4, ComparatorType.GREATER_THAN))
    client.update_row("t", Row(PK, {"increment": [("n", 1)]}), Condition("EXPECT_EXIST", both))
    assert ("n", 6) in values(client.get_row("t", PK, max_version=1)[1])
    # strings compare bytewise
    lower = SingleColumnCondition("state", "open2", ComparatorType.LESS_THAN)
    client.update_row("t", Row(PK, {"put": [("z", 1)]}), Condition("EXPECT_EXIST", lower))


def test_latest_version_only(client):
    create(client, options=TableOptions(-1, 2, 86400))
    client.update_row("t", Row(PK, {"put": [("v", 1)]}), IGNORE)
    client.update_row("t", Row(PK, {"put": [("v", 2)]}), IGNORE)
    old = SingleColumnCondition("v", 1, ComparatorType.EQUAL, latest_version_only=True)
    expect(E.CONDITION_CHECK_FAIL, client.update_row, "t", Row(PK, {"put": [("w", 1)]}), Condition("IGNORE", old))
    any_version = SingleColumnCondition("v", 1, ComparatorType.EQUAL, latest_version_only=False)
    client.update_row("t", Row(PK, {"put": [("w", 1)]}), Condition("IGNORE", any_version))


def test_auto_increment_and_return_pk(client):
    create(client, "auto", [("part", "STRING"), ("seq", "INTEGER", PK_AUTO_INCR)])
    seen = []
    for _ in range(3):
        _, row = client.put_row("auto", Row([("part", "p"), ("seq", PK_AUTO_INCR)], [("v", 1)]),
                                return_type=ReturnType.RT_PK)
        assert row.primary_key[0] == ("part", "p")
        seen.append(row.primary_key[1][1])
    assert seen == sorted(set(seen))
    row = client.get_row("auto", [("part", "p"), ("seq", seen[1])], max_version=1)[1]
    assert values(row) == [("v", 1)]
    expect(E.AUTO_INCREMENT_MISPLACED, client.put_row, "auto",
           Row([("part", PK_AUTO_INCR), ("seq", PK_AUTO_INCR)], []), name="part")


def test_primary_key_schema_mismatch(client):
    create(client, pk=[("PK1", "STRING"), ("PK2", "INTEGER")])
    expect(E.PK_SIZE_MISMATCH, client.get_row, "t", [("PK1", "a")], None, None, 1, input=1, meta=2)
    expect(E.PK_NAME_MISMATCH, client.put_row, "t", Row([("PK2", 123), ("PK1", "a")], []),
           input="PK2", meta="PK1")
    expect(E.PK_TYPE_MISMATCH, client.delete_row, "t", Row([("PK1", "a"), ("PK2", "b")]), IGNORE,
           input="VT_STRING", meta="VT_INTEGER")
    expect(E.TABLE_NOT_EXIST, client.get_row, "missing", [("PK1", "a")], None, None, 1)


def test_request_limits(client):
    create(client)
    expect(E.PK_VALUE_TOO_LONG, client.put_row, "t", Row([("pk", "x" * 1025)], []),
           name="pk", limit=1024, length=1025)
    expect(E.ATTR_VALUE_TOO_LONG, client.put_row, "t", Row(PK, [("big", "x" * (2 * 1024 * 1024 + 1))]),
           name="big", limit=2097152, length=2097153)
    client.put_row("t", Row(PK, [("big", "x" * (2 * 1024 * 1024))]))
    expect(E.TOO_MANY_ATTRIBUTES, client.put_row, "t", Row(PK, [(f"c{i}", i) for i in range(1025)]),
           limit=1024, count=1025)
    expect(E.TOO_MANY_COLUMNS_TO_GET, client.get_row, "t", PK, [f"c{i}" for i in range(1025)], None, 1,
           limit=1024, count=1025)
    for bad in ("#", "#abc"):
        expect(E.INVALID_COLUMN_NAME, client.put_row, "t", Row(PK, [(bad, 1)]), name=bad)
    client.put_row("t", Row(PK, [(". :'\"$&*()/\\ x", 1)]))  # the Python SDK mis-sizes non-ASCII names
    expect(E.PK_COUNT, client.put_row, "missing", Row([(f"p{i}", 1) for i in range(5)], []))
    expect(E.NO_VERSION_CONDITION, client.get_row, "t", PK, None, None, None)
    expect(E.NO_ATTRIBUTE, client.update_row, "t", Row(PK, {}), IGNORE)
