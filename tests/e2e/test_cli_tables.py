"""`alicloud-storage ots` table commands and error paths, as subprocesses against `serve`."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Dict

import pytest

from cli_helpers import Served, clean_environ, cli_command, run, unique

COMMANDS = ["list", "describe", "create", "delete-table", "get", "put", "delete", "scan", "import", "export"]


def ots(env: Dict[str, str], *args: str, stdin: str = None):  # type: ignore[assignment]
    return run(["ots", *args], env, stdin=stdin)


def assert_one_line_error(result, status: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Exit status, no traceback, and the last stderr line is click's one-line error."""
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and text in last, result.stderr


def test_help_on_every_command_needs_no_endpoint(tmp_path: Path) -> None:
    env = clean_environ(tmp_path)
    group = ots(env, "--help")
    assert group.returncode == 0 and all(f"  {name} " in group.stdout for name in COMMANDS)
    helps = {name: subprocess.Popen(cli_command() + ["ots", name, "--help"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for name in COMMANDS}
    for name, process in helps.items():
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        assert out.startswith(f"Usage: alicloud-storage ots {name} ")


def test_table_lifecycle(ots_env: Dict[str, str]) -> None:
    table = unique("orders")
    created = ots(ots_env, "create", table, "--pk", "customer:STRING", "--pk", "order_id:integer",
                  "--ttl", "86400", "--max-versions", "3")
    assert (created.returncode, created.stdout) == (0, f"created table {table}\n"), created.stderr
    assert table in ots(ots_env, "list").stdout.splitlines()

    described = json.loads(ots(ots_env, "describe", table, "--json").stdout)
    assert described == {
        "table": table, "primary_key": [["customer", "STRING"], ["order_id", "INTEGER"]],
        "time_to_live": 86400, "max_version": 3, "max_time_deviation": 86400,
        "reserved_read_cu": 0, "reserved_write_cu": 0,
    }
    text = ots(ots_env, "describe", table).stdout
    assert "primary key         customer STRING, order_id INTEGER\n" in text
    assert "time to live        86400 s\n" in text

    assert_one_line_error(ots(ots_env, "create", table, "--pk", "id:INTEGER"), 1, "OTSObjectAlreadyExist")

    refused = ots(ots_env, "delete-table", table, stdin="n\n")
    assert refused.returncode == 1 and "Aborted" in refused.stderr
    assert table in ots(ots_env, "list").stdout.splitlines()
    deleted = ots(ots_env, "delete-table", table, "--yes")
    assert (deleted.returncode, deleted.stdout) == (0, f"deleted table {table}\n")
    assert table not in ots(ots_env, "list").stdout.splitlines()
    assert_one_line_error(ots(ots_env, "describe", table), 1,
                          "OTSObjectNotExist: Requested table does not exist. (HTTP 404)")


def test_list_time_series_tables(ots_env: Dict[str, str], served: Served) -> None:
    from alicloud_storage.tablestore import CreateTimeseriesTableRequest, OTSClient, TimeseriesTableMeta

    name = unique("metrics")
    info = served.info
    with OTSClient(info["tablestore_endpoint"], info["access_key_id"], info["access_key_secret"],
                   info["instance"]) as client:
        client.create_timeseries_table(CreateTimeseriesTableRequest(TimeseriesTableMeta(name)))
    assert name in ots(ots_env, "list", "--timeseries").stdout.splitlines()
    assert name not in ots(ots_env, "list").stdout.splitlines()


def test_v4_signing_with_region(ots_env: Dict[str, str], served: Served) -> None:
    assert ots(ots_env, "--region", served.info["region"], "list").returncode == 0
    assert_one_line_error(ots(ots_env, "--region", "cn-shanghai", "list"), 1, "x-ots-signregion")


@pytest.mark.parametrize("case", ["no endpoint", "no instance", "no credentials", "wrong secret",
                                  "unknown instance", "unreachable", "bad pk type", "bad ttl"])
def test_user_errors_are_one_line(case: str, ots_env: Dict[str, str], tmp_path: Path) -> None:
    env = dict(ots_env)
    args = ["list"]
    expected = {
        "no endpoint": (2, "no endpoint: pass --endpoint or set TABLESTORE_ENDPOINT"),
        "no instance": (2, "no instance: pass --instance or set TABLESTORE_INSTANCE_NAME"),
        "no credentials": (1, "no credentials (set TABLESTORE_ACCESS_KEY_ID and TABLESTORE_ACCESS_KEY_SECRET)"),
        "wrong secret": (1, "OTSAuthFailed: Signature mismatch. (HTTP 403)"),
        "unknown instance": (1, "OTSAuthFailed"),
        "unreachable": (1, "cannot reach http://127.0.0.1:1"),
        "bad pk type": (2, "use NAME:TYPE with TYPE one of STRING, INTEGER, BINARY"),
        "bad ttl": (2, "'forever' is not a valid integer"),
    }[case]
    if case == "no endpoint":
        del env["TABLESTORE_ENDPOINT"]
    elif case == "no instance":
        del env["TABLESTORE_INSTANCE_NAME"]
    elif case == "no credentials":
        env = {k: v for k, v in env.items() if not k.startswith("TABLESTORE_ACCESS")}
    elif case == "wrong secret":
        env["TABLESTORE_ACCESS_KEY_SECRET"] = "not-the-secret"
    elif case == "unknown instance":
        env["TABLESTORE_INSTANCE_NAME"] = "nosuchinstance"
    elif case == "unreachable":
        args = ["--endpoint", "http://127.0.0.1:1", "--retries", "0", "list"]
    elif case == "bad pk type":
        args = ["create", "t", "--pk", "id:FLOAT"]
    elif case == "bad ttl":
        args = ["create", "t", "--pk", "id:INTEGER", "--ttl", "forever"]
    result = ots(env, *args)
    assert_one_line_error(result, *expected)
    assert "not-the-secret" not in result.stderr
