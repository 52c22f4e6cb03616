"""Local transactions through the official SDK and our sync and async clients: the official
SDK's commit/abort scenarios, isolation, locking, the size cap and every error the fact
sheet lists, on a table created as the service's own SDK test suites expect it."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.transactions import SIZE_LIMIT
from test_secondary_indexes import expect

TABLE = "TransactionTable"
PK = [("PK0", 1), ("PK1", "transaction")]
KEY = [("PK0", 1)]


@pytest.fixture
def txt(kit: SimpleNamespace) -> SimpleNamespace:
    """``kit`` with TransactionTable (PK0 INTEGER, PK1 STRING) holding one row."""
    m = kit.m
    meta = m.TableMeta(TABLE, [("PK0", "INTEGER"), ("PK1", "STRING")])
    kit.client.create_table(meta, m.TableOptions(), m.ReservedThroughput(m.CapacityUnit(0, 0)))
    kit.client.put_row(TABLE, m.Row(PK, [("value", "origin value")]), m.Condition("IGNORE"))
    return kit


def value(kit: SimpleNamespace, transaction_id: Any = None, pk: Any = None) -> Any:
    kwargs = {} if transaction_id is None else {"transaction_id": transaction_id}
    _, row, _ = kit.client.get_row(TABLE, pk or PK, ["value"], None, 1, **kwargs)
    return None if row is None else row.attribute_columns[0][1]


def range_count(kit: SimpleNamespace, transaction_id: Any = None) -> int:
    m = kit.m
    kwargs = {} if transaction_id is None else {"transaction_id": transaction_id}
    _, _, rows, _ = kit.client.get_range(TABLE, m.Direction.FORWARD, [("PK0", 1), ("PK1", m.INF_MIN)],
                                         [("PK0", 1), ("PK1", m.INF_MAX)], [], None, None, 1, **kwargs)
    return len(rows)


def _write(kit: SimpleNamespace, how: str, transaction_id: str) -> Any:
    """One write of the official SDK's scenarios inside the transaction; the value it leaves."""
    m, client, cond = kit.m, kit.client, kit.m.Condition("IGNORE")
    if how == "put":
        client.put_row(TABLE, m.Row(PK, [("value", "new value")]), cond, None, transaction_id)
        return "new value"
    if how == "update":
        client.update_row(TABLE, m.Row(PK, {"PUT": [("value", "new value")]}), cond, None, transaction_id)
        return "new value"
    if how == "batch":
        request = m.BatchWriteRowRequest()
        request.add(m.TableInBatchWriteRowItem(TABLE, [m.UpdateRowItem(m.Row(PK, {"put": [("value", "batch value")]}), cond)]))
        request.set_transaction_id(transaction_id)
        assert client.batch_write_row(request).is_all_succeed()
        return "batch value"
    client.delete_row(TABLE, m.Row(PK), cond, transaction_id=transaction_id)
    return None


@pytest.mark.parametrize("how", ["put", "update", "batch", "delete"])
@pytest.mark.parametrize("end", ["commit", "abort"])
def test_writes_are_seen_by_the_transaction_only_until_commit(txt, how, end):
    transaction_id = txt.client.start_local_transaction(TABLE, KEY)
    assert isinstance(transaction_id, str) and transaction_id
    written = _write(txt, how, transaction_id)
    assert value(txt, transaction_id) == written
    assert value(txt) == "origin value"
    assert range_count(txt, transaction_id) == (0 if how == "delete" else 1)
    assert range_count(txt) == 1
    if end == "commit":
        txt.client.commit_transaction(transaction_id)
        assert value(txt) == written
    else:
        txt.client.abort_transaction(transaction_id)
        assert value(txt) == "origin value"
    expect(txt, E.TRANSACTION_NOT_EXIST, getattr(txt.client, f"{end}_transaction"), transaction_id)


def test_several_writes_commit_together_and_get_range_merges_them(txt):
    m = txt.m
    transaction_id = txt.client.start_local_transaction(TABLE, KEY)
    for n in range(3):
        txt.client.put_row(TABLE, m.Row([("PK0", 1), ("PK1", f"k{n}")], [("value", n)]), m.Condition("IGNORE"),
                           None, transaction_id)
    _, row, _ = txt.client.get_row(TABLE, [("PK0", 1), ("PK1", "k1")], None, None, 1, transaction_id=transaction_id)
    assert row.attribute_columns[0][2] > 0  # the server timestamp is assigned at write time
    assert range_count(txt, transaction_id) == 4 and range_count(txt) == 1
    _, _, rows, _ = txt.client.get_range(TABLE, m.Direction.BACKWARD, [("PK0", 1), ("PK1", m.INF_MAX)],
                                         [("PK0", 1), ("PK1", m.INF_MIN)], None, 2, None, 1,
                                         transaction_id=transaction_id)
    assert [r.primary_key[1][1] for r in rows] == ["transaction", "k2"]
    txt.client.commit_transaction(transaction_id)
    assert range_count(txt) == 4


def test_the_partition_is_locked_against_other_writers_but_not_readers(txt):
    m = txt.m
    transaction_id = txt.client.start_local_transaction(TABLE, KEY)
    expect(txt, E.TRANSACTION_LOCKED, txt.client.start_local_transaction, TABLE, KEY)
    _write(txt, "put", transaction_id)
    expect(txt, E.TRANSACTION_LOCKED, txt.client.put_row, TABLE, m.Row([("PK0", 1), ("PK1", "other")], [("v", 1)]),
           m.Condition("IGNORE"))
    request = m.BatchWriteRowRequest()
    request.add(m.TableInBatchWriteRowItem(TABLE, [
        m.PutRowItem(m.Row([("PK0", 1), ("PK1", "x")], [("v", 1)]), m.Condition("IGNORE")),
        m.PutRowItem(m.Row([("PK0", 2), ("PK1", "x")], [("v", 1)]), m.Condition("IGNORE")),
    ]))
    failed = txt.client.batch_write_row(request).get_failed_of_put()
    assert [(r.error_code, r.error_message) for r in failed] == [(E.TRANSACTION_LOCKED.code, E.TRANSACTION_LOCKED.format())]
    assert value(txt) == "origin value"  # reads stay open
    other = txt.client.start_local_transaction(TABLE, [("PK0", 2)])  # another partition is free
    txt.client.abort_transaction(other)
    txt.client.commit_transaction(transaction_id)
    txt.client.put_row(TABLE, m.Row([("PK0", 1), ("PK1", "other")], [("v", 1)]), m.Condition("IGNORE"))


def test_transaction_errors(txt, ours):
    m = txt.m
    row = m.Row(PK, [("value", "new value")])
    cond = m.Condition("IGNORE")
    for bad in ("not existed transaction id", "", "0" * 31 + "g"):
        expect(txt, E.TRANSACTION_ID_INVALID, txt.client.put_row, TABLE, row, cond, None, bad)
        expect(txt, E.TRANSACTION_ID_INVALID, txt.client.commit_transaction, bad)
        expect(txt, E.TRANSACTION_ID_INVALID, txt.client.abort_transaction, bad)
    unknown = "0123456789ABCDEF0123456789ABCDEF"
    expect(txt, E.TRANSACTION_NOT_EXIST, txt.client.commit_transaction, unknown)
    expect(txt, E.TRANSACTION_NOT_EXIST, txt.client.get_row, TABLE, PK, None, None, 1, None, None, None, None, unknown)
    expect(txt, E.TRANSACTION_ONE_PK, txt.client.start_local_transaction, TABLE, PK)
    expect(txt, E.TABLE_NOT_EXIST, txt.client.start_local_transaction, "nope", KEY)
    if txt.kind == "official":  # our clients refuse an empty table name before sending
        expect(txt, E.INVALID_TABLE_NAME, txt.client.start_local_transaction, "", KEY, name="")
    else:
        with pytest.raises(txt.m.OTSClientError):
            txt.client.start_local_transaction("", KEY)
    transaction_id = txt.client.start_local_transaction(TABLE, KEY)
    expect(txt, E.TRANSACTION_OUT_OF_RANGE, txt.client.put_row, TABLE, m.Row([("PK0", 2), ("PK1", "a")], [("v", 1)]),
           cond, None, transaction_id, txn=1, data=2)
    # a refused request leaves the transaction usable
    txt.client.put_row(TABLE, row, cond, None, transaction_id)
    other = m.TableMeta("other", [("PK0", "INTEGER")])
    txt.client.create_table(other, m.TableOptions(), m.ReservedThroughput(m.CapacityUnit(0, 0)))
    expect(txt, E.TRANSACTION_OTHER_TABLE, txt.client.put_row, "other", m.Row([("PK0", 1)], [("v", 1)]), cond,
           None, transaction_id, table="other", txn_table=TABLE)
    txt.client.commit_transaction(transaction_id)
    assert value(txt) == "new value"
    # the switch the Java SDK sets (our clients have it too; the official Python SDK has not)
    import alicloud_storage.tablestore as models

    ours.create_table(models.TableMeta("no_txn", [("PK0", "INTEGER")]), models.TableOptions(),
                      models.ReservedThroughput(models.CapacityUnit(0, 0)), enable_local_txn=False)
    expect(txt, E.TRANSACTION_DISABLED, txt.client.start_local_transaction, "no_txn", KEY)
    ours.create_table(models.TableMeta("auto", [("PK0", "INTEGER"), ("id", "INTEGER", models.PK_AUTO_INCR)]),
                      models.TableOptions(), models.ReservedThroughput(models.CapacityUnit(0, 0)), enable_local_txn=True)
    expect(txt, E.TRANSACTION_AUTO_INCREMENT, txt.client.start_local_transaction, "auto", KEY)


def test_the_size_cap_refuses_the_write_that_crosses_it(txt):
    m = txt.m
    transaction_id = txt.client.start_local_transaction(TABLE, KEY)
    big = "x" * (1024 * 1024 - 1024)
    row_size = len("PK0") + 8 + len("PK1") + len("big0") + len("v") + len(big)  # names, values
    for n in range(4):
        pk = [("PK0", 1), ("PK1", f"big{n}")]
        txt.client.put_row(TABLE, m.Row(pk, [("v", big)]), m.Condition("IGNORE"), None, transaction_id)
    pk = [("PK0", 1), ("PK1", "big4")]
    expect(txt, E.TRANSACTION_TOO_LARGE, txt.client.put_row, TABLE, m.Row(pk, [("v", big)]), m.Condition("IGNORE"),
           None, transaction_id, row=row_size, total=5 * row_size, limit=SIZE_LIMIT)
    txt.client.commit_transaction(transaction_id)
    assert range_count(txt) == 5


def test_commit_maintains_secondary_indexes(kit):
    m = kit.m
    meta = m.TableMeta("t", [("PK0", "INTEGER"), ("PK1", "STRING")], [("s", "STRING")])
    kit.client.create_table(meta, m.TableOptions(-1, 1), m.ReservedThroughput(m.CapacityUnit(0, 0)),
                            [m.SecondaryIndexMeta("by_s", ["s"], [])])
    transaction_id = kit.client.start_local_transaction("t", KEY)
    kit.client.put_row("t", m.Row([("PK0", 1), ("PK1", "a")], [("s", "x")]), m.Condition("IGNORE"), None, transaction_id)
    index_key = [("s", "x"), ("PK0", 1), ("PK1", "a")]
    assert kit.client.get_row("by_s", index_key, max_version=1)[1] is None
    kit.client.commit_transaction(transaction_id)
    assert kit.client.get_row("by_s", index_key, max_version=1)[1].primary_key == index_key
