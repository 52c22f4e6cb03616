"""The SQL error table (reference/tablestore-breadth-facts.md §4.4); texts marked [I] are ours."""
from __future__ import annotations

from alicloud_storage.emulator.tablestore.errors import ErrorSpec

__all__ = [
    "UNSUPPORTED", "SYNTAX", "TABLE_NOT_EXIST", "TABLE_EXISTS",
    "UNKNOWN_COLUMN", "TYPE_NOT_SUPPORTED", "PK_MISMATCH", "FIELD_TYPE_MISMATCH", "SCAN_QUOTA",
    "GROUP_FUNCTION", "BAD_LIMIT",
]

_INVALID = "OTSParameterInvalid"

UNSUPPORTED = ErrorSpec(400, "OTSUnsupportOperation", "Operation not supported")
# [I] MySQL's parser message; the service's exact text is not public.
SYNTAX = ErrorSpec(400, _INVALID, "You have an error in your SQL syntax: {detail}")
TABLE_NOT_EXIST = ErrorSpec(400, _INVALID, "Table '{instance}.{table}' doesn't exist")
TABLE_EXISTS = ErrorSpec(400, _INVALID, "Table '{instance}.{table}' already exist")
# [I] MySQL's texts.
UNKNOWN_COLUMN = ErrorSpec(400, _INVALID, "Unknown column '{column}' in '{clause}'")
TYPE_NOT_SUPPORTED = ErrorSpec(400, _INVALID, "Unsupported column type '{type}' of column '{column}'")
PK_MISMATCH = ErrorSpec(
    400, _INVALID, "The primary key of mapping table '{table}' does not match the data table: {detail}"
)
GROUP_FUNCTION = ErrorSpec(400, _INVALID, "Invalid use of group function")
BAD_LIMIT = ErrorSpec(400, _INVALID, "LIMIT and OFFSET must be non-negative integers")
FIELD_TYPE_MISMATCH = ErrorSpec(
    400, _INVALID,
    "Field type mismatch, actual: {actual}, expect: {expect}, col: {column}, primary key: {primary_key}",
)
SCAN_QUOTA = ErrorSpec(
    400, "OTSQuotaExhausted",
    "The sql scanned rows of kv exceeds the quota! Search quota is {quota} rows, table quota is {quota} rows",
)
