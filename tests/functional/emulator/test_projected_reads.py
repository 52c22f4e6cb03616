"""Reads of wide rows that return or filter on a few columns (GetRange, GetRow, BatchGetRow over
real HTTP, our client) answer the rows a brute force over the written rows predicts."""
from __future__ import annotations

import operator
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from ots_client_helpers import make_client

import alicloud_storage.tablestore as ots
from alicloud_storage.emulator import Emulator

ROWS, COLUMNS = 40, 120
NOW_MS = int(time.time() * 1000)
# column j holds values of one type: INTEGER for j % 5 == 0 (the filters test those), then
# STRING, DOUBLE, BOOLEAN, BINARY
KINDS = (lambda k, j, v: k * 1000 + j * 10 + v, lambda k, j, v: f"s{k}-{j}-{v}",
         lambda k, j, v: k + j / 8 + v, lambda k, j, v: (k + j + v) % 2 == 0,
         lambda k, j, v: bytearray([k, j, v, 0xFF]))
Model = Dict[int, Dict[str, List[Tuple[int, Any]]]]  # key -> column -> [(ts, value)], newest first


def column(j: int) -> str:
    return f"c{j:03d}"


def written() -> Model:
    """Row k holds column j unless (7k + j) % 5 == 3, with 1 + (k + j) % 3 versions a second apart."""
    rows: Model = {}
    for k in range(ROWS):
        rows[k] = {
            column(j): [(NOW_MS - v * 1000, KINDS[j % 5](k, j, v)) for v in range(1 + (k + j) % 3)]
            for j in range(COLUMNS) if (7 * k + j) % 5 != 3
        }
    return rows


@pytest.fixture
def wide(tablestore: Emulator) -> Iterator[Tuple[Any, Model]]:
    """Our client and the rows it wrote to table ``wide`` (three versions kept)."""
    rows = written()
    with make_client(tablestore, "sync", "v4", retry_policy=ots.NoRetryPolicy()) as client:
        client.create_table(ots.TableMeta("wide", [("pk", "INTEGER")]), ots.TableOptions(max_version=3),
                            ots.ReservedThroughput(ots.CapacityUnit(0, 0)))
        for start in range(0, ROWS, 10):
            request = ots.BatchWriteRowRequest()
            request.add(ots.TableInBatchWriteRowItem("wide", [
                ots.PutRowItem(ots.Row([("pk", k)], [(name, value, ts) for name, versions in rows[k].items()
                                                     for ts, value in versions]),
                               ots.Condition("IGNORE"))
                for k in range(start, start + 10)
            ]))
            assert client.batch_write_row(request).is_all_succeed()
        yield client, rows


COMPARE = {"EQUAL": operator.eq, "NOT_EQUAL": operator.ne, "GREATER_THAN": operator.gt,
           "GREATER_EQUAL": operator.ge, "LESS_THAN": operator.lt, "LESS_EQUAL": operator.le}


def passes(condition: Any, cells: Dict[str, List[Tuple[int, Any]]]) -> bool:
    """The filter on a row's selected cells: integer columns and values only (as these tests use)."""
    if isinstance(condition, ots.CompositeColumnCondition):
        results = [passes(child, cells) for child in condition.sub_conditions]
        return {"NOT": lambda: not results[0], "AND": lambda: all(results), "OR": lambda: any(results)}[
            condition.combinator.name]()
    versions = cells.get(condition.column_name)
    if not versions:
        return condition.pass_if_missing
    candidates = versions[:1] if condition.latest_version_only else versions
    return any(COMPARE[condition.comparator.name](value, condition.column_value) for _, value in candidates)


def predicted(rows: Model, keys: List[int], read: Dict[str, Any]) -> List[Optional[Tuple[int, list]]]:
    """Per key, (key, [(name, value, ts)]) as the read returns it, or None where it returns no row."""
    out: List[Optional[Tuple[int, list]]] = []
    for k in keys:
        selected = {}
        for name, versions in rows[k].items():
            if read.get("time_range") is not None:
                low, high = read["time_range"]
                versions = [(ts, value) for ts, value in versions if low <= ts < high]
            versions = versions[:read["max_version"]]
            if versions:
                selected[name] = versions
        condition = read.get("column_filter")
        if not selected or (condition is not None and not passes(condition, selected)):
            out.append(None)
            continue
        names = sorted(n for n in selected if not read.get("columns_to_get") or n in read["columns_to_get"])
        out.append((k, [(n, value, ts) for n in names for ts, value in selected[n]]) if names else None)
    return out


def plain(row: Any) -> Tuple[int, list]:
    return row.primary_key[0][1], [(n, v, ts) for n, v, ts in row.attribute_columns]


def single(name: str, value: int, comparator: str, **kwargs: Any) -> Any:
    return ots.SingleColumnCondition(name, value, getattr(ots.ComparatorType, comparator), **kwargs)


def composite() -> Any:
    """c115 > 30000 OR NOT c000 <= 5000."""
    either = ots.CompositeColumnCondition(ots.LogicalOperator.OR)
    either.add_sub_condition(single(column(115), 30_000, "GREATER_THAN"))
    not_one = ots.CompositeColumnCondition(ots.LogicalOperator.NOT)
    not_one.add_sub_condition(single(column(0), 5_000, "LESS_EQUAL"))
    either.add_sub_condition(not_one)
    return either


READS = {
    "two columns": dict(columns_to_get=[column(3), column(8), "absent"], max_version=1),
    "filter, whole rows": dict(column_filter=single(column(10), 20_000, "GREATER_EQUAL"), max_version=3),
    "filter on a column not returned": dict(
        columns_to_get=[column(1)], max_version=2,
        column_filter=single(column(50), 10_500, "LESS_THAN", pass_if_missing=False, latest_version_only=False)),
    "time range, composite filter": dict(
        columns_to_get=[column(2), column(4), column(115)], time_range=(NOW_MS - 1000, NOW_MS + 1), max_version=3,
        column_filter=composite()),
}


@pytest.mark.parametrize("name", list(READS))
def test_a_projected_or_filtered_read_returns_the_brute_force_rows(wide, name):
    client, rows = wide
    read = READS[name]
    expected = predicted(rows, list(range(ROWS)), read)
    _, next_start, found, _ = client.get_range("wide", "FORWARD", [("pk", ots.INF_MIN)], [("pk", ots.INF_MAX)], **read)
    assert next_start is None
    assert [plain(row) for row in found] == [row for row in expected if row is not None]
    assert 0 < len(found) < ROWS  # the read leaves some rows out and returns others
    _, next_start, backward, _ = client.get_range("wide", "BACKWARD", [("pk", ots.INF_MAX)], [("pk", ots.INF_MIN)],
                                                  limit=7, **read)
    assert [plain(row) for row in backward] == [row for row in reversed(expected) if row is not None][:7]

    request = ots.BatchGetRowRequest()
    keys = [3, 17, 0, 39, 22, 3]
    request.add(ots.TableInBatchGetRowItem("wide", [[("pk", k)] for k in keys], **read))
    results = client.batch_get_row(request).get_result_by_table("wide")
    assert [plain(r.row) if r.row is not None else None for r in results] == predicted(rows, keys, read)
    for k, row in zip(keys, predicted(rows, keys, read)):
        _, one, _ = client.get_row("wide", [("pk", k)], **read)
        assert (plain(one) if one is not None else None) == row
