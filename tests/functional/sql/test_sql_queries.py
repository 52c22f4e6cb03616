"""exe_sql_query against the emulator: mappings, DESCRIBE, SHOW, SELECT forms and errors.

Every client (official SDK, our sync and async) runs the same statements; expected values
are computed here from the rows written, floats added in primary-key order.
"""
from __future__ import annotations

import math
import random
from typing import Any, Dict, List, Optional, Tuple

import pytest

from alicloud_storage.tablestore import (
    CapacityUnit,
    OTSClient,
    ReservedThroughput,
    Row,
    TableMeta,
    TableOptions,
)

TABLE = "sqltest"
MAPPING = (
    f"create table {TABLE} (uid VARCHAR(1024), pid BIGINT(20), name MEDIUMTEXT, age BIGINT(20), "
    "grade DOUBLE, passed BOOL, data MEDIUMBLOB, PRIMARY KEY(uid,pid))"
)
COLUMNS = ["uid", "pid", "name", "age", "grade", "passed", "data"]


def _rows() -> List[Dict[str, Any]]:
    """40 rows with awkward doubles and some absent cells, in primary-key order."""
    rng = random.Random(17)
    rows = []
    for i in range(40):
        row: Dict[str, Any] = {
            "uid": f"u{i % 4}", "pid": i, "name": f"name{i % 7}", "age": i % 3,
            "grade": round(rng.uniform(0, 10), 1) + 0.1, "passed": i % 2 == 0, "data": bytes([i % 100, 1]),
        }
        if i % 5 == 0:
            del row["name"]
        if i % 9 == 0:
            del row["grade"]
        rows.append(row)
    return sorted(rows, key=lambda r: (r["uid"], r["pid"]))


def _load(writer: OTSClient) -> List[Dict[str, Any]]:
    writer.create_table(
        TableMeta(TABLE, [("uid", "STRING"), ("pid", "INTEGER")]), TableOptions(),
        ReservedThroughput(CapacityUnit(0, 0)),
    )
    rows = _rows()
    for row in rows:
        attrs = [(k, v) for k, v in row.items() if k not in ("uid", "pid")]
        writer.put_row(TABLE, Row([("uid", row["uid"]), ("pid", row["pid"])], attrs))
    return rows


def _query(client: Any, query: str) -> List[Tuple[Any, ...]]:
    rows, consumes, searches = client.exe_sql_query(query)
    assert searches == []
    for row in rows:
        assert row.primary_key == []
    return [tuple(value for _, value in row.attribute_columns) for row in rows]


def _names(client: Any, query: str) -> List[str]:
    rows = client.exe_sql_query(query)[0]
    return [name for name, _ in rows[0].attribute_columns]


def _error(client: Any, query: str) -> Tuple[str, str]:
    with pytest.raises(Exception) as info:
        client.exe_sql_query(query)
    return info.value.get_error_code(), info.value.get_error_message()


def _sum(values: List[Optional[float]]) -> Optional[float]:
    present = [v for v in values if v is not None]
    if not present:
        return None
    total = 0.0
    for value in present:
        total += value
    return total


def test_mapping_describe_show_and_drop(sql_client: Any, writer: OTSClient, tablestore: Any) -> None:
    _load(writer)
    rows, consumes, _ = sql_client.exe_sql_query(MAPPING)
    assert rows == [] and consumes == []
    assert sql_client.exe_sql_query(MAPPING.replace("create table", "create table if not exists"))[0] == []
    assert _error(sql_client, MAPPING) == ("OTSParameterInvalid", f"Table '{tablestore.instance}.{TABLE}' already exist")
    expected = [
        ("uid", "varchar(1024)", "NO", "PRI", None, ""), ("pid", "bigint(20)", "NO", "PRI", None, ""),
        ("name", "mediumtext", "YES", "", None, ""), ("age", "bigint(20)", "YES", "", None, ""),
        ("grade", "double", "YES", "", None, ""), ("passed", "tinyint(1)", "YES", "", None, ""),
        ("data", "mediumblob", "YES", "", None, ""),
    ]
    assert _query(sql_client, f"describe {TABLE}") == expected
    assert _query(sql_client, f"desc {TABLE}") == expected
    assert _names(sql_client, f"desc {TABLE}") == ["Field", "Type", "Null", "Key", "Default", "Extra"]
    assert _query(sql_client, "show tables") == [(TABLE,)]
    assert _names(sql_client, "show tables") == [f"Tables_in_{tablestore.instance}"]
    assert sql_client.exe_sql_query(f"drop mapping table {TABLE}")[0] == []
    assert sql_client.exe_sql_query("show tables")[0] == []
    missing = ("OTSParameterInvalid", f"Table '{tablestore.instance}.{TABLE}' doesn't exist")
    assert _error(sql_client, f"drop mapping table {TABLE}") == missing
    assert sql_client.exe_sql_query(f"drop mapping table if exists {TABLE}")[0] == []
    assert _error(sql_client, f"select * from {TABLE}") == missing
    assert _error(sql_client, f"desc {TABLE}") == missing
    assert writer.describe_table(TABLE).table_meta.table_name == TABLE  # the data table stays


def test_select_star_and_filters(sql_client: Any, writer: OTSClient) -> None:
    rows = _load(writer)
    sql_client.exe_sql_query(MAPPING)
    result, consumes, _ = sql_client.exe_sql_query(f"select * from {TABLE}")
    assert [name for name, _ in result[0].attribute_columns] == COLUMNS
    assert [tuple(v for _, v in r.attribute_columns) for r in result] == [
        tuple(row.get(c) for c in COLUMNS) for row in rows
    ]
    assert consumes[0][0] == TABLE and consumes[0][1].read > 0 and consumes[0][1].write == 0

    def where(predicate: Any) -> List[Tuple[Any, ...]]:
        return [(r["pid"],) for r in rows if predicate(r)]

    assert _query(sql_client, f"select pid from {TABLE} where grade > 5.0") == where(
        lambda r: r.get("grade") is not None and r["grade"] > 5.0)
    assert _query(sql_client, f'select pid from {TABLE} where uid = "u1" and pid >= 9') == where(
        lambda r: r["uid"] == "u1" and r["pid"] >= 9)
    assert _query(sql_client, f"select pid from {TABLE} where age = 0 or age = 2 and not passed") == where(
        lambda r: r["age"] == 0 or (r["age"] == 2 and not r["passed"]))
    assert _query(sql_client, f"select pid from {TABLE} where pid in (3, 7, 100) or pid between 30 and 32") == where(
        lambda r: r["pid"] in (3, 7) or 30 <= r["pid"] <= 32)
    assert _query(sql_client, f"select pid from {TABLE} where name like 'name_' and name not like '%3'") == where(
        lambda r: "name" in r and not r["name"].endswith("3"))
    assert _query(sql_client, f"select pid from {TABLE} where name is null") == where(lambda r: "name" not in r)
    assert _query(sql_client, f"select pid from {TABLE} where grade is not null and pid % 4 = 1") == where(
        lambda r: "grade" in r and r["pid"] % 4 == 1)
    assert _query(sql_client, f"select pid * 2 + 1, pid / 4, pid div 4, -pid from {TABLE} where pid < 3") == [
        (r["pid"] * 2 + 1, r["pid"] / 4, r["pid"] // 4, -r["pid"]) for r in rows if r["pid"] < 3
    ]
    ordered = sorted(rows, key=lambda r: (r.get("grade") is not None, r.get("grade", 0)), reverse=True)
    assert _query(sql_client, f"select pid from {TABLE} order by grade desc limit 5") == [
        (r["pid"],) for r in ordered[:5]]
    by_grade = sorted(rows, key=lambda r: (r.get("grade") is not None, r.get("grade", 0)))
    assert _query(sql_client, f"select pid from {TABLE} order by grade limit 1") == [(by_grade[0]["pid"],)]
    assert _query(sql_client, f"select pid from {TABLE} order by pid limit 3 offset 4") == [(4,), (5,), (6,)]
    assert _query(sql_client, f"select pid from {TABLE} order by pid desc limit 2, 2") == [(37,), (36,)]
    assert _query(sql_client, f"select distinct age from {TABLE} order by age desc") == [(2,), (1,), (0,)]
    assert _query(sql_client, f"select distinct uid, age from {TABLE} where pid < 6") == list(dict.fromkeys(
        (r["uid"], r["age"]) for r in rows if r["pid"] < 6))
    assert _query(sql_client, f"select data, count(*) from {TABLE} where pid < 3 group by data") == [
        (r["data"], 1) for r in rows if r["pid"] < 3]


def test_aggregates_group_by_having(sql_client: Any, writer: OTSClient) -> None:
    rows = _load(writer)
    sql_client.exe_sql_query(MAPPING)
    grades = [r.get("grade") for r in rows]
    present = [g for g in grades if g is not None]
    assert _query(sql_client, f"select count(*), count(grade), sum(grade), avg(grade), min(grade), max(grade) "
                              f"from {TABLE}") == [
        (len(rows), len(present), _sum(grades), _sum(grades) / len(present), min(present), max(present))]
    assert _query(sql_client, f"select sum(age), count(distinct name) from {TABLE}") == [
        (sum(r["age"] for r in rows), len({r["name"] for r in rows if "name" in r}))]
    expected = []
    for age in sorted({r["age"] for r in rows}):
        members = [r.get("grade") for r in rows if r["age"] == age]
        count = len([g for g in members if g is not None])
        expected.append((age, _sum(members) / count, len(members)))
    assert _query(sql_client, f"select age, avg(grade), count(*) from {TABLE} group by age order by age") == expected
    having = [e for e in expected if e[1] > 5.0]
    assert _query(sql_client, f"select age, avg(grade) as a, count(*) from {TABLE} group by age "
                              f"having a > 5.0 order by age") == having
    by_uid = {}
    for r in rows:
        by_uid.setdefault(r["uid"], []).append(r.get("grade"))
    assert _query(sql_client, f"select uid, sum(grade) from {TABLE} where pid > 3 group by uid order by 2 desc") == \
        sorted(((u, _sum([r.get("grade") for r in rows if r["uid"] == u and r["pid"] > 3])) for u in by_uid),
               key=lambda t: t[1], reverse=True)
    assert _query(sql_client, f"select count(*), sum(grade) from {TABLE} where pid > 1000") == [(0, None)]


def test_sql_errors(sql_client: Any, writer: OTSClient, tablestore: Any) -> None:
    _load(writer)
    sql_client.exe_sql_query(MAPPING)
    assert _error(sql_client, "create table nothere (a BIGINT, PRIMARY KEY(a))") == (
        "OTSParameterInvalid", f"Table '{tablestore.instance}.nothere' doesn't exist")
    assert _error(sql_client, f"select nosuch from {TABLE}") == (
        "OTSParameterInvalid", "Unknown column 'nosuch' in 'field list'")
    assert _error(sql_client, f"select * from {TABLE} where frobnicate(pid)")[0] == "OTSUnsupportOperation"
    assert _error(sql_client, f"update {TABLE} set age = 1") == ("OTSUnsupportOperation", "Operation not supported")
    assert _error(sql_client, "selec * fro")[0] == "OTSParameterInvalid"


def test_float_sums_follow_primary_key_order(sql_client: Any, writer: OTSClient) -> None:
    rows = _load(writer)
    sql_client.exe_sql_query(MAPPING)
    grades = [r["grade"] for r in rows if "grade" in r]
    in_order = _sum(grades)
    # the data is chosen so that the order of addition shows in the last bits
    assert in_order != _sum(list(reversed(grades))) or in_order != math.fsum(grades)
    assert _query(sql_client, f"select sum(grade), avg(grade) from {TABLE}") == [(in_order, in_order / len(grades))]


def test_scan_quota_and_field_type_mismatch(sql_client: Any, writer: OTSClient, monkeypatch: Any) -> None:
    from alicloud_storage.emulator.tablestore.sql import select

    rows = _load(writer)
    sql_client.exe_sql_query(MAPPING)
    monkeypatch.setattr(select, "SCAN_QUOTA_ROWS", len(rows))
    assert _query(sql_client, f"select count(*) from {TABLE}") == [(len(rows),)]
    monkeypatch.setattr(select, "SCAN_QUOTA_ROWS", len(rows) - 1)
    assert _error(sql_client, f"select count(*) from {TABLE}") == (
        "OTSQuotaExhausted",
        f"The sql scanned rows of kv exceeds the quota! Search quota is {len(rows) - 1} rows, "
        f"table quota is {len(rows) - 1} rows",
    )
    monkeypatch.undo()
    writer.put_row(TABLE, Row([("uid", "u9"), ("pid", 1)], [("age", "old")]))
    assert _error(sql_client, f"select age from {TABLE}") == (
        "OTSParameterInvalid",
        'Field type mismatch, actual: STRING, expect: INTEGER, col: age, primary key: {"PrimaryKeys":["u9",1]}',
    )


def test_mapping_must_match_the_data_table(sql_client: Any, writer: OTSClient, tablestore: Any) -> None:
    _load(writer)
    code, message = _error(sql_client, f"create table {TABLE} (pid BIGINT, uid VARCHAR(1024), PRIMARY KEY(pid, uid))")
    assert code == "OTSParameterInvalid" and "primary key" in message
    code, message = _error(sql_client, f"create table {TABLE} (uid DOUBLE, pid BIGINT, PRIMARY KEY(uid, pid))")
    assert code == "OTSParameterInvalid" and "uid" in message
    assert sql_client.exe_sql_query("show tables")[0] == []
    # a mapping of only some columns reads only those
    sql_client.exe_sql_query(f"create table {TABLE} (uid VARCHAR(1024), pid BIGINT, age BIGINT, PRIMARY KEY(uid, pid))")
    assert _names(sql_client, f"select * from {TABLE} limit 1") == ["uid", "pid", "age"]
    writer.delete_table(TABLE)  # the mapping stays, its data table is gone
    assert _query(sql_client, "show tables") == [(TABLE,)]
    assert _error(sql_client, f"select * from {TABLE}") == (
        "OTSParameterInvalid", f"Table '{tablestore.instance}.{TABLE}' doesn't exist")
