"""Secondary indexes through the official SDK and our sync and async clients: declaring
them (with CreateTable or CreateIndex), DescribeTable's echo, index rows kept in step with
every kind of base write, reads of index tables, and every rule's exact error."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, List, Optional, Sequence, Tuple

import pytest

from alicloud_storage.emulator.tablestore import errors as E

BASE_PK = [("gid", "INTEGER"), ("uid", "STRING")]
DEFINED = [("i", "INTEGER"), ("bool", "BOOLEAN"), ("d", "DOUBLE"), ("s", "STRING"), ("b", "BINARY")]


def expect(kit: SimpleNamespace, spec: Any, call: Any, *args: Any, **params: Any) -> None:
    """``call(*args)`` fails exactly as the emulator's error table row ``spec`` says."""
    with pytest.raises(kit.m.OTSServiceError) as info:
        call(*args)
    error = info.value
    assert (error.get_http_status(), error.get_error_code(), error.get_error_message()) == (
        spec.http_status, spec.code, spec.format(**params)
    )


def create(kit: SimpleNamespace, name: str = "t", indexes: Sequence[Any] = (), pk: Any = None,
           defined: Any = None, options: Any = None) -> None:
    m = kit.m
    meta = m.TableMeta(name, list(pk or BASE_PK), list(DEFINED if defined is None else defined))
    kit.client.create_table(
        meta, options or m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0)), list(indexes)
    )


def put(kit: SimpleNamespace, table: str, pk: List[Tuple[str, Any]], columns: List[Tuple[str, Any]]) -> None:
    kit.client.put_row(table, kit.m.Row(pk, columns), kit.m.Condition("IGNORE"))


def scan(kit: SimpleNamespace, table: str, key_names: Sequence[str], columns: Optional[List[str]] = None) -> list:
    """Every row of a table: (primary key, attribute columns without timestamps)."""
    m = kit.m
    start = [(name, m.INF_MIN) for name in key_names]
    end = [(name, m.INF_MAX) for name in key_names]
    rows = []
    while start:
        _, start, page, _ = kit.client.get_range(table, m.Direction.FORWARD, start, end, columns, None, max_version=1)
        rows += [(list(r.primary_key), [(c[0], c[1]) for c in r.attribute_columns]) for r in page]
    return rows


def test_create_table_with_an_index_is_described_as_declared(kit):
    m = kit.m
    indexes = [m.SecondaryIndexMeta("index_1", ["i", "s"], ["bool", "b", "d"]),
               m.SecondaryIndexMeta("index_2", ["gid", "s"], [], m.SecondaryIndexType.LOCAL_INDEX)]
    create(kit, "with_index", indexes)
    described = kit.client.describe_table("with_index")
    assert described.table_meta.defined_columns == DEFINED
    got = [(x.index_name, x.primary_key_names, x.defined_column_names, x.index_type) for x in described.secondary_indexes]
    assert got == [("index_1", ["i", "s"], ["bool", "b", "d"], m.SecondaryIndexType.GLOBAL_INDEX),
                   ("index_2", ["gid", "s"], [], m.SecondaryIndexType.LOCAL_INDEX)]
    assert "index_1" not in kit.client.list_table() and "with_index" in kit.client.list_table()


def test_create_and_delete_an_index_then_backfill_existing_rows(kit):
    """The official SDK's test_create_secondary_index, without its waits."""
    m = kit.m
    create(kit)
    kit.client.create_secondary_index("t", m.SecondaryIndexMeta("index_1", ["s", "b"], ["i"]), False)
    assert [x.index_name for x in kit.client.describe_table("t").secondary_indexes] == ["index_1"]
    kit.client.delete_secondary_index("t", "index_1")
    assert kit.client.describe_table("t").secondary_indexes == []
    put(kit, "t", [("gid", 0), ("uid", "0")], [("i", 0), ("bool", True), ("d", 123.0), ("s", "test1"), ("b", bytearray(1))])
    put(kit, "t", [("gid", 0), ("uid", "1")], [("i", 1), ("bool", True), ("d", 321.0), ("s", "test2"), ("b", bytearray(2))])
    put(kit, "t", [("gid", 1), ("uid", "2")], [("i", 2)])  # no 's': not in the index
    kit.client.create_secondary_index("t", m.SecondaryIndexMeta("by_s", ["gid", "s"], ["bool", "d"]), True)
    _, row, _ = kit.client.get_row("by_s", [("gid", 0), ("s", "test2"), ("uid", "1")], ["bool", "d"], max_version=1)
    assert list(row.primary_key) == [("gid", 0), ("s", "test2"), ("uid", "1")]
    assert [(c[0], c[1]) for c in row.attribute_columns] == [("bool", True), ("d", 321.0)]
    assert [pk for pk, _ in scan(kit, "by_s", ["gid", "s", "uid"])] == [
        [("gid", 0), ("s", "test1"), ("uid", "0")], [("gid", 0), ("s", "test2"), ("uid", "1")]
    ]
    # without include_base_data only later writes are indexed
    kit.client.create_secondary_index("t", m.SecondaryIndexMeta("by_i", ["i"], []), False)
    assert scan(kit, "by_i", ["i", "gid", "uid"]) == []
    put(kit, "t", [("gid", 5), ("uid", "5")], [("i", 50)])
    assert scan(kit, "by_i", ["i", "gid", "uid"]) == [([("i", 50), ("gid", 5), ("uid", "5")], [])]


def test_index_rows_follow_puts_updates_deletes_batches_and_increments(kit):
    m = kit.m
    create(kit, indexes=[m.SecondaryIndexMeta("by_s", ["s"], ["i", "d"])])
    keys = ["s", "gid", "uid"]
    put(kit, "t", [("gid", 1), ("uid", "a")], [("s", "x"), ("i", 1)])
    put(kit, "t", [("gid", 2), ("uid", "b")], [("s", "w"), ("d", 2.5)])
    put(kit, "t", [("gid", 3), ("uid", "c")], [("i", 3)])  # sparse: no index row
    assert scan(kit, "by_s", keys) == [
        ([("s", "w"), ("gid", 2), ("uid", "b")], [("d", 2.5)]),
        ([("s", "x"), ("gid", 1), ("uid", "a")], [("i", 1)]),
    ]
    # update moves a row (its index column changes) and fills attributes
    kit.client.update_row("t", m.Row([("gid", 1), ("uid", "a")], {"put": [("s", "a")], "increment": [("i", 9)]}),
                          m.Condition("IGNORE"))
    # an update that removes the index column drops the index row
    kit.client.update_row("t", m.Row([("gid", 2), ("uid", "b")], {"delete_all": ["s"]}), m.Condition("IGNORE"))
    # an update that adds it creates one
    kit.client.update_row("t", m.Row([("gid", 3), ("uid", "c")], {"put": [("s", "z")]}), m.Condition("IGNORE"))
    assert scan(kit, "by_s", keys) == [
        ([("s", "a"), ("gid", 1), ("uid", "a")], [("i", 10)]),
        ([("s", "z"), ("gid", 3), ("uid", "c")], [("i", 3)]),
    ]
    request = m.BatchWriteRowRequest()
    request.add(m.TableInBatchWriteRowItem("t", [
        m.PutRowItem(m.Row([("gid", 4), ("uid", "d")], [("s", "b")]), m.Condition("IGNORE")),
        m.DeleteRowItem(m.Row([("gid", 1), ("uid", "a")]), m.Condition("IGNORE")),
        m.UpdateRowItem(m.Row([("gid", 3), ("uid", "c")], {"delete_all": ["i"]}), m.Condition("IGNORE")),
    ]))
    assert kit.client.batch_write_row(request).is_all_succeed()
    assert scan(kit, "by_s", keys) == [
        ([("s", "b"), ("gid", 4), ("uid", "d")], []),
        ([("s", "z"), ("gid", 3), ("uid", "c")], []),
    ]
    kit.client.delete_row("t", m.Row([("gid", 4), ("uid", "d")]), m.Condition("IGNORE"))
    assert [pk for pk, _ in scan(kit, "by_s", keys)] == [[("s", "z"), ("gid", 3), ("uid", "c")]]
    # a failed conditional write leaves the index as it was
    with pytest.raises(m.OTSServiceError):
        put_exists = m.Row([("gid", 3), ("uid", "c")], [("s", "q")])
        kit.client.put_row("t", put_exists, m.Condition("EXPECT_NOT_EXIST"))
    assert [pk for pk, _ in scan(kit, "by_s", keys)] == [[("s", "z"), ("gid", 3), ("uid", "c")]]


def test_index_tables_are_read_with_get_row_batch_get_row_and_get_range(kit):
    m = kit.m
    create(kit, indexes=[m.SecondaryIndexMeta("by_i", ["i"], ["s"])])
    for n in range(5):
        put(kit, "t", [("gid", n), ("uid", str(n))], [("i", 10 - n), ("s", f"v{n}")])
    _, row, _ = kit.client.get_row("by_i", [("i", 8), ("gid", 2), ("uid", "2")], max_version=1)
    assert [(c[0], c[1]) for c in row.attribute_columns] == [("s", "v2")]
    request = m.BatchGetRowRequest()
    request.add(m.TableInBatchGetRowItem("by_i", [[("i", 9), ("gid", 1), ("uid", "1")],
                                                    [("i", 99), ("gid", 1), ("uid", "1")]], max_version=1))
    items = kit.client.batch_get_row(request).get_result_by_table("by_i")
    assert [item.is_ok for item in items] == [True, True]
    assert items[0].row.primary_key == [("i", 9), ("gid", 1), ("uid", "1")] and items[1].row is None
    _, _, rows, _ = kit.client.get_range(
        "by_i", m.Direction.BACKWARD, [("i", m.INF_MAX), ("gid", m.INF_MAX), ("uid", m.INF_MAX)],
        [("i", 7), ("gid", m.INF_MIN), ("uid", m.INF_MIN)], None, 2, max_version=1,
    )
    assert [r.primary_key[0][1] for r in rows] == [10, 9]


def test_index_tables_refuse_writes(kit):
    m = kit.m
    create(kit, indexes=[m.SecondaryIndexMeta("by_i", ["i"], [])])
    row = m.Row([("i", 1), ("gid", 1), ("uid", "1")], [("x", 1)])
    expect(kit, E.INDEX_TABLE_WRITE, kit.client.put_row, "by_i", row, m.Condition("IGNORE"), name="by_i")
    expect(kit, E.INDEX_TABLE_WRITE, kit.client.delete_row, "by_i", row, m.Condition("IGNORE"), name="by_i")
    request = m.BatchWriteRowRequest()
    request.add(m.TableInBatchWriteRowItem("by_i", [m.PutRowItem(row, m.Condition("IGNORE"))]))
    failed = kit.client.batch_write_row(request).get_failed_of_put()
    assert [(item.error_code, item.error_message) for item in failed] == [
        (E.INDEX_TABLE_WRITE.code, E.INDEX_TABLE_WRITE.format(name="by_i"))
    ]
    expect(kit, E.INDEX_TABLE_DDL, kit.client.delete_table, "by_i", name="by_i", base="t")


def test_delete_table_removes_its_indexes(kit):
    m = kit.m
    create(kit, indexes=[m.SecondaryIndexMeta("index_1", ["i"], [])])
    put(kit, "t", [("gid", 1), ("uid", "1")], [("i", 1)])
    kit.client.delete_table("t")
    expect(kit, E.TABLE_NOT_EXIST, kit.client.describe_table, "index_1")
    create(kit, "again", indexes=[m.SecondaryIndexMeta("index_1", ["s"], [])])  # the name is free again
    assert scan(kit, "index_1", ["s", "gid", "uid"]) == []


def _six(m: Any) -> List[Any]:
    return [m.SecondaryIndexMeta(f"i{n}", [f"d{n}"], ["d9"]) for n in range(6)]


TEN = [(f"d{n}", "STRING") for n in range(10)]


def test_rules_and_limits_give_the_service_errors(kit):
    m = kit.m
    index = m.SecondaryIndexMeta
    # quota of five, through CreateTable and CreateIndex [T]
    expect(kit, E.INDEX_COUNT, create, kit, "t", _six(m), [("uid", "STRING")], TEN, quota=5)
    create(kit, "t", _six(m)[:5], [("uid", "STRING")], TEN)
    expect(kit, E.INDEX_COUNT, kit.client.create_secondary_index, "t", _six(m)[5], False, quota=5)
    # key columns in [1, 4], attributes in [0, 32], defined columns in [0, 32] [T]
    expect(kit, E.INDEX_PK_COUNT, kit.client.create_secondary_index, "t", index("k", [f"d{n}" for n in range(5)], []), False)
    expect(kit, E.INDEX_PK_COUNT, create, kit, "u", [index("k", [], ["d9"])], [("uid", "STRING")], TEN)
    many = [(f"c{n}", "STRING") for n in range(33)]
    expect(kit, E.DEFINED_COLUMN_COUNT, create, kit, "u", [], [("uid", "STRING")], many)
    expect(kit, E.INDEX_ATTR_COUNT, create, kit, "u", [index("k", ["uid"], [c for c, _ in many])],
           [("uid", "STRING")], many[:32])
    create(kit, "u", [index("k0", ["c0"], [c for c, _ in many[1:32]])], [("uid", "STRING")], many[:32])
    # which columns may be used
    create(kit, "v")
    expect(kit, E.INDEX_COLUMN_UNKNOWN, kit.client.create_secondary_index, "v", index("k", ["nope"], []), False,
           name="nope", index="k")
    expect(kit, E.INDEX_ATTR_NOT_DEFINED, kit.client.create_secondary_index, "v", index("k", ["i"], ["gid"]), False,
           name="gid", index="k")
    expect(kit, E.INDEX_COLUMN_DUPLICATED, kit.client.create_secondary_index, "v", index("k", ["i", "i"], []), False,
           name="i", index="k")
    expect(kit, E.INDEX_COLUMN_TYPE, kit.client.create_secondary_index, "v", index("k", ["d"], []), False,
           name="d", type="DOUBLE")
    local = m.SecondaryIndexType.LOCAL_INDEX
    expect(kit, E.LOCAL_INDEX_FIRST_PK, kit.client.create_secondary_index, "v", index("k", ["s"], [], local), False,
           index="k", name="gid")
    kit.client.create_secondary_index("v", index("k", ["gid", "s"], [], local), False)
    # instance-unique names; an unknown index cannot be dropped
    expect(kit, E.TABLE_ALREADY_EXIST, kit.client.create_secondary_index, "v", index("t", ["s"], []), False)
    expect(kit, E.TABLE_ALREADY_EXIST, kit.client.create_secondary_index, "v", index("k", ["s"], []), False)
    expect(kit, E.INDEX_NOT_EXIST, kit.client.delete_secondary_index, "v", "nope")
    expect(kit, E.TABLE_NOT_EXIST, kit.client.create_secondary_index, "nope", index("k2", ["s"], []), False)


def test_base_table_options_are_checked(kit):
    m = kit.m
    index = m.SecondaryIndexMeta("k", ["s"], [])
    expect(kit, E.INDEX_MAX_VERSIONS, create, kit, "t", [index], None, None, m.TableOptions(-1, 2))
    expect(kit, E.INDEX_TTL_UPDATABLE, create, kit, "t", [index], None, None, m.TableOptions(86400, 1))
    create(kit, "t", [index], options=m.TableOptions(86400, 1, 86400, False))
    expect(kit, E.INDEX_MAX_VERSIONS, kit.client.update_table, "t", m.TableOptions(max_version=3))
    create(kit, "u", options=m.TableOptions(-1, 2))
    expect(kit, E.INDEX_MAX_VERSIONS, kit.client.create_secondary_index, "u", m.SecondaryIndexMeta("k2", ["s"], []), False)
    pk_auto = [("gid", "INTEGER"), ("uid", "INTEGER", m.PK_AUTO_INCR)]
    create(kit, "w", pk=pk_auto)
    expect(kit, E.INDEX_AUTO_INCREMENT_FIRST, kit.client.create_secondary_index, "w",
           m.SecondaryIndexMeta("k3", ["uid"], []), False, index="k3", name="uid")
