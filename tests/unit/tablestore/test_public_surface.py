"""The public surface matches the official SDK: names, constructors, client methods."""
from __future__ import annotations

import enum
import inspect

import pytest

import alicloud_storage.tablestore as ours
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient
from alicloud_storage.tablestore import operations
from alicloud_storage.tablestore.wire import plainbuffer

WIDE_TABLE_NAMES = [
    "OTSClient", "AsyncOTSClient", "INF_MIN", "INF_MAX", "PK_AUTO_INCR", "TableMeta", "TableOptions",
    "CapacityUnit", "ReservedThroughput", "ReservedThroughputDetails", "ColumnType", "ReturnType", "Column",
    "Direction", "UpdateTableResponse", "DescribeTableResponse", "RowDataItem", "Condition", "Row",
    "RowItem", "PutRowItem", "UpdateRowItem", "DeleteRowItem", "BatchGetRowRequest", "TableInBatchGetRowItem",
    "BatchGetRowResponse", "BatchWriteRowType", "BatchWriteRowRequest", "TableInBatchWriteRowItem",
    "BatchWriteRowResponse", "BatchWriteRowResponseItem", "OTSClientError", "OTSServiceError",
    "DefaultRetryPolicy", "LogicalOperator", "ComparatorType", "CastType", "ColumnConditionType",
    "ColumnCondition", "CompositeColumnCondition", "RegexRule", "SingleColumnCondition",
    "SingleColumnRegexCondition", "RowExistenceExpectation", "ColumnsToGet", "ColumnReturnType",
    "DefinedColumnSchema", "SecondaryIndexMeta", "SecondaryIndexType",
]
# The official misspells this parameter ("transcation_id"); positional use is unaffected.
RENAMED_PARAMETERS = {("BatchWriteRowRequest", "set_transaction_id")}
# create_table adds one keyword-only switch (enable_local_txn, the Java SDK's setLocalTxnEnabled):
# test_client_methods_match_the_official_client checks it is the only difference.
WIDE_TABLE_METHODS = {
    "list_table", "describe_table", "update_table", "delete_table", "get_row", "put_row",
    "update_row", "delete_row", "batch_get_row", "batch_write_row", "get_range", "xget_range",
}
CLIENT_METHODS = sorted([*operations.OPERATIONS, *operations.ITERATORS])


def _shape(signature: inspect.Signature) -> list:
    """Parameter names, kinds and defaults (annotations do not matter to callers)."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_star_import_gives_every_wide_table_name():
    namespace: dict = {}
    exec("from alicloud_storage.tablestore import *", namespace)
    missing = [name for name in WIDE_TABLE_NAMES if name not in namespace]
    assert missing == []
    assert set(ours.__all__) >= set(WIDE_TABLE_NAMES)


def test_both_clients_expose_the_same_methods_with_the_same_signatures():
    for name in CLIENT_METHODS:
        sync, aio = getattr(OTSClient, name), getattr(AsyncOTSClient, name)
        assert _shape(inspect.signature(sync)) == _shape(inspect.signature(aio)), name
        assert sync.__doc__ == aio.__doc__
    assert inspect.iscoroutinefunction(AsyncOTSClient.get_row)
    assert inspect.isasyncgenfunction(AsyncOTSClient.xget_range)
    assert inspect.isgeneratorfunction(OTSClient.xget_range)


def test_no_method_body_is_hand_copied():
    """Every operation method is generated: its code object is shared by all operations."""
    codes = {getattr(OTSClient, name).__code__ for name in operations.OPERATIONS}
    async_codes = {getattr(AsyncOTSClient, name).__code__ for name in operations.OPERATIONS}
    assert len(codes) == 1 and len(async_codes) == 1


@pytest.mark.official
def test_names_exist_in_the_official_package():
    import tablestore

    assert [name for name in WIDE_TABLE_NAMES if name not in tablestore.__all__] == []


@pytest.mark.official
@pytest.mark.parametrize("name", [n for n in WIDE_TABLE_NAMES if n not in ("OTSClient", "AsyncOTSClient")])
def test_constructor_signatures_match_the_official_package(name):
    import tablestore

    theirs, mine = getattr(tablestore, name), getattr(ours, name)
    if name in ("INF_MIN", "INF_MAX", "PK_AUTO_INCR"):
        assert mine is getattr(plainbuffer, "AUTO_INCREMENT" if name == "PK_AUTO_INCR" else name)
        return  # sentinels: ours are the codec's singletons, theirs are classes
    if issubclass(theirs, BaseException):
        return  # compared in the errors tests
    for key, value in vars(theirs).items():
        if key.startswith("_"):
            continue
        if (name, key) in RENAMED_PARAMETERS:
            continue
        if callable(value) or isinstance(value, (staticmethod, classmethod)):
            assert _shape(inspect.signature(getattr(mine, key))) == _shape(inspect.signature(getattr(theirs, key))), key
        else:  # constants (ComparatorType.EQUAL, ...) and class-level defaults
            assert getattr(mine, key) == value, key
    if isinstance(mine, enum.EnumMeta):
        return  # constants compared above
    if theirs.__init__ is object.__init__:  # ours may only add optional keyword arguments
        assert all(p.default is not p.empty for p in inspect.signature(mine).parameters.values())
    else:
        assert _shape(inspect.signature(mine)) == _shape(inspect.signature(theirs))


def _compatible(ours_signature: inspect.Signature, official_signature: inspect.Signature) -> bool:
    """Same parameters as the official method, in order, then only optional extras."""
    mine, theirs = _shape(ours_signature), _shape(official_signature)
    extras = mine[len(theirs):]
    return mine[: len(theirs)] == theirs and all(default is not inspect.Parameter.empty for _, _, default in extras)


@pytest.mark.official
@pytest.mark.parametrize("name", CLIENT_METHODS)
def test_client_methods_match_the_official_client(name):
    import tablestore

    assert _compatible(inspect.signature(getattr(OTSClient, name)), inspect.signature(getattr(tablestore.OTSClient, name)))
    official_async = getattr(tablestore.AsyncOTSClient, name, None)
    if official_async is not None:
        assert _compatible(inspect.signature(getattr(AsyncOTSClient, name)), inspect.signature(official_async))


@pytest.mark.official
@pytest.mark.parametrize("name", sorted(WIDE_TABLE_METHODS))
def test_wide_table_methods_have_exactly_the_official_signature(name):
    import tablestore

    assert _shape(inspect.signature(getattr(OTSClient, name))) == _shape(
        inspect.signature(getattr(tablestore.OTSClient, name))
    )


@pytest.mark.official
def test_client_constructor_matches_the_official_one():
    import tablestore

    official = _shape(inspect.signature(tablestore.OTSClient.__init__))
    assert _shape(inspect.signature(OTSClient.__init__)) == official
    assert _shape(inspect.signature(AsyncOTSClient.__init__)) == official
