"""Table operations through the official SDK: CreateTable, ListTable, DescribeTable, UpdateTable, DeleteTable."""
from __future__ import annotations

import pytest
from tablestore import PK_AUTO_INCR, CapacityUnit, ReservedThroughput, TableOptions

from alicloud_storage.emulator.tablestore import errors as E
from emulator_helpers import create, expect

pytestmark = pytest.mark.official


def test_create_list_describe_delete(client):
    create(client, "orders", [("shop", "STRING"), ("id", "INTEGER"), ("blob", "BINARY")],
           TableOptions(86400 * 2, 3, 3600), (5, 7),
           defined=[("amount", "DOUBLE"), ("note", "STRING")])
    create(client, "users")
    assert client.list_table() == ("orders", "users")
    described = client.describe_table("orders")
    assert described.table_meta.table_name == "orders"
    assert described.table_meta.schema_of_primary_key == [
        ("shop", "STRING"), ("id", "INTEGER"), ("blob", "BINARY")
    ]
    assert described.table_meta.defined_columns == [("amount", "DOUBLE"), ("note", "STRING")]
    options = described.table_options
    assert (options.time_to_live, options.max_version, options.max_time_deviation) == (172800, 3, 3600)
    throughput = described.reserved_throughput_details
    assert (throughput.capacity_unit.read, throughput.capacity_unit.write) == (5, 7)
    assert throughput.last_increase_time > 0
    client.delete_table("orders")
    assert client.list_table() == ("users",)


def test_auto_increment_primary_key_is_described(client):
    create(client, "auto", [("part", "STRING"), ("seq", "INTEGER", PK_AUTO_INCR)])
    assert client.describe_table("auto").table_meta.schema_of_primary_key == [
        ("part", "STRING"), ("seq", "INTEGER", PK_AUTO_INCR)
    ]


def test_update_table_options_and_throughput(client):
    create(client, options=TableOptions(1200000, 2, 86401))
    response = client.update_table("t", TableOptions(-1, 3, 86402), ReservedThroughput(CapacityUnit(10, 20)))
    assert (response.table_options.time_to_live, response.table_options.max_version) == (-1, 3)
    described = client.describe_table("t")
    assert described.table_options.max_time_deviation == 86402
    assert (described.reserved_throughput_details.capacity_unit.read,
            described.reserved_throughput_details.capacity_unit.write) == (10, 20)


def test_recreate_with_a_new_schema(client):
    create(client)
    client.delete_table("t")
    create(client, pk=[("other", "INTEGER")])
    assert client.describe_table("t").table_meta.schema_of_primary_key == [("other", "INTEGER")]


def test_table_errors(client):
    create(client)
    expect(E.TABLE_ALREADY_EXIST, create, client)
    expect(E.TABLE_NOT_EXIST, client.describe_table, "missing")
    expect(E.TABLE_NOT_EXIST, client.delete_table, "missing")
    expect(E.TABLE_NOT_EXIST, client.update_table, "missing", TableOptions(-1, 2, 86400))
    expect(E.UPDATE_TABLE_NOTHING, client.update_table, "t")


@pytest.mark.parametrize("name", ["0", "#", "3t", "T#", "-", "中文", "a" * 256])
def test_invalid_table_names(client, name):
    expect(E.INVALID_TABLE_NAME, create, client, name, name=name)


@pytest.mark.parametrize("name", ["_0", "_T", "A0", "a" * 255])
def test_valid_table_names(client, name):
    create(client, name)
    assert name in client.list_table()


def test_schema_errors(client):
    expect(E.DUPLICATED_PK_NAME, create, client, "t", [("PK0", "STRING"), ("PK0", "INTEGER")], name="PK0")
    expect(E.PK_COUNT, create, client, "t", [("a", "STRING")] * 0)
    expect(E.PK_COUNT, create, client, "t", [(f"p{i}", "STRING") for i in range(5)])
    expect(E.INVALID_TTL, create, client, "t", [("pk", "STRING")], TableOptions(100, 1, 86400))
    expect(E.INVALID_MAX_VERSIONS, create, client, "t", [("pk", "STRING")], TableOptions(-1, 0, 86400))
    expect(E.AUTO_INCREMENT_FIRST, create, client, "t", [("pk", "INTEGER", PK_AUTO_INCR)])


def test_table_quota(client):
    for i in range(64):
        create(client, f"t{i}")
    expect(E.TABLE_QUOTA, create, client, "one_too_many", quota=64)
