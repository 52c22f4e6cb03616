"""`alicloud-storage ots` get / put / delete / scan, as subprocesses against `serve`:
typed values survive the trip, conditions hold, mistakes give one line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List

import pytest

from alicloud_storage.tablestore import OTSClient
from cli_helpers import Served, run, unique

ALICE = {"customer": "alice", "order_id": 1}


def ots(env: Dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return run(["ots", *args], env)


def ok(env: Dict[str, str], *args: str) -> str:
    result = ots(env, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def error(env: Dict[str, str], *args: str) -> str:
    """The one-line error of a command that must fail with status 1 or 2."""
    result = ots(env, *args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, (result.stdout, result.stderr)
    return result.stderr.strip().splitlines()[-1]


@pytest.fixture
def orders(ots_env: Dict[str, str]) -> str:
    table = unique("orders")
    ok(ots_env, "create", table, "--pk", "customer:STRING", "--pk", "order_id:INTEGER")
    return table


@pytest.fixture(scope="module")
def untouched(served: Served, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A table the tests of bad input share (nothing may get written to it)."""
    table = unique("untouched")
    ok(served.environ(tmp_path_factory.mktemp("untouched")), "create", table,
       "--pk", "customer:STRING", "--pk", "order_id:INTEGER")
    return table


def test_put_get_delete_keep_every_type(ots_env: Dict[str, str], orders: str, served: Served) -> None:
    row = {"customer": "alice", "order_id": 1, "amount": 12.0, "big": 2**63 - 1, "blob": {"$binary": "AP8="},
           "paid": True, "small": -1.5e-300, "status": "新しい"}
    assert ok(ots_env, "put", orders, json.dumps(row)) == "row written\n"
    assert json.loads(ok(ots_env, "get", orders, json.dumps(ALICE))) == row

    info = served.info  # the same row as our client sees it: the types are the wire types
    with OTSClient(info["tablestore_endpoint"], info["access_key_id"], info["access_key_secret"],
                   info["instance"]) as client:
        _, stored, _ = client.get_row(orders, [("customer", "alice"), ("order_id", 1)])
    columns = {name: value for name, value, _ in stored.attribute_columns}
    assert columns["amount"] == 12.0 and isinstance(columns["amount"], float)
    assert columns["big"] == 2**63 - 1 and columns["paid"] is True and columns["blob"] == b"\x00\xff"
    assert columns["small"] == -1.5e-300 and isinstance(columns["big"], int)

    assert ok(ots_env, "delete", orders, json.dumps(ALICE)) == "row deleted\n"
    assert error(ots_env, "get", orders, json.dumps(ALICE)) == f"Error: no row with that primary key in {orders}"


def test_conditions(ots_env: Dict[str, str], orders: str) -> None:
    row = json.dumps({**ALICE, "status": "new"})
    ok(ots_env, "put", orders, row, "--if", "absent")
    assert error(ots_env, "put", orders, row, "--if", "absent") == \
        "Error: OTSConditionCheckFail: Condition check failed. (HTTP 403)"
    missing = json.dumps({"customer": "bob", "order_id": 9})
    assert "OTSConditionCheckFail" in error(ots_env, "put", orders, json.dumps({**json.loads(missing), "x": 1}),
                                            "--if", "exists")
    assert "OTSConditionCheckFail" in error(ots_env, "delete", orders, missing, "--if", "exists")


@pytest.mark.parametrize("args, message", [
    (["get", "{not json"], "KEY_JSON: not valid JSON"),
    (["get", "[1, 2]"], "KEY_JSON: expected a JSON object"),
    (["get", '{"customer": "alice"}'], "KEY_JSON: primary key column order_id is missing"),
    (["get", '{"customer": "alice", "order_id": "1"}'], "primary key column order_id must be INTEGER, not STRING"),
    (["get", '{"customer": "a", "order_id": 1, "extra": 2}'], "extra not in the primary key (customer, order_id)"),
    (["put", '{"customer": "a", "order_id": 1, "v": null}'], "ROW_JSON, column v: null is not a Tablestore value"),
    (["put", '{"customer": "a", "order_id": 1, "v": [1]}'], "ROW_JSON, column v: list is not a Tablestore value"),
    (["put", '{"customer": "a", "order_id": 1, "v": {"$binary": "%%"}}'], "$binary is not valid base64"),
    (["put", '{"customer": "a", "order_id": 1, "v": 99999999999999999999}'], "out of"),
    (["put", '{"customer": "a", "order_id": 1, "v": NaN}'], "OTSParameterInvalid"),
    (["scan", "--prefix", '{"order_id": 1}'], "order_id is given but customer is not"),
    (["scan", "--prefix", "{}", "--start", "{}"], "--prefix cannot be combined with --start / --end"),
])
def test_bad_input_is_one_line(ots_env: Dict[str, str], untouched: str, args: List[str], message: str) -> None:
    command, *rest = args
    assert message in error(ots_env, command, untouched, *rest)


def test_scan_ranges_and_formats(ots_env: Dict[str, str], orders: str, tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"customer": c, "order_id": o, "n": o * 10}) + "\n"
                            for c in ("bob", "alice") for o in (3, 1, 2)))
    ok(ots_env, "import", orders, str(rows))
    lines = ok(ots_env, "scan", orders, "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"customer": c, "order_id": o, "n": o * 10} for c in ("alice", "bob") for o in (1, 2, 3)]

    def keys(*args: str) -> List[List[object]]:
        found = ok(ots_env, "scan", orders, "--format", "jsonl", *args).splitlines()
        return [[json.loads(line)["customer"], json.loads(line)["order_id"]] for line in found]

    assert keys("--prefix", '{"customer": "bob"}') == [["bob", 1], ["bob", 2], ["bob", 3]]
    assert keys("--start", '{"customer": "alice", "order_id": 3}', "--end", '{"customer": "bob", "order_id": 2}') == \
        [["alice", 3], ["bob", 1]]
    assert keys("--start", '{"customer": "bob"}', "--limit", "2") == [["bob", 1], ["bob", 2]]
    assert keys("--end", '{"customer": "bob"}') == [["alice", 1], ["alice", 2], ["alice", 3]]

    table = ok(ots_env, "scan", orders, "--prefix", '{"customer": "alice"}').splitlines()
    assert table == [
        "customer  order_id  n",
        "--------  --------  --",
        "alice     1         10",
        "alice     2         20",
        "alice     3         30",
        "(3 rows)",
    ]
