"""Secondary indexes: the service's rules, the index tables' schemas, and index rows
kept in step with base rows.

An index is an ordinary emulated table flagged ``index_of=<base>``: its primary key is
the listed columns followed by the base's key columns not listed (in base order), its
attribute columns are the listed defined columns. Every base write calls
:func:`maintain` inside the write's own SQLite transaction, so base and index rows never
disagree, even after a crash. A base row lacking an index column (or holding a value the
index key cannot take) has no index row (sparse index). Global and local indexes are
both maintained synchronously (a global index is eventually consistent on the service:
synchronous is one of its allowed behaviours).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore import limits
from alicloud_storage.emulator.tablestore.keys import encode_key
from alicloud_storage.emulator.tablestore.model import Cells, IndexInfo, PkColumn, TableInfo, TableOptions
from alicloud_storage.emulator.tablestore.storage import Storage

__all__ = [
    "MAX_INDEXES", "KEY_COLUMNS_MAX", "ATTRIBUTES_MAX", "INDEX_PK_MAX", "MARKER",
    "check_declared", "check_count", "check_options", "check_against", "declared", "index_table",
    "with_options", "index_entry", "maintain", "visible_cells",
]

MAX_INDEXES = 5
KEY_COLUMNS_MAX = 4
ATTRIBUTES_MAX = 32
# listed columns + the base key columns not listed
INDEX_PK_MAX = KEY_COLUMNS_MAX + 4
# A hidden cell of every index row (a name no column can have): the timestamp after which,
# under the base's TTL, the base row no longer has this index key. Index reads drop it.
MARKER = ""
_KEY_TYPES = ("STRING", "INTEGER", "BINARY")


def check_declared(index: IndexInfo) -> None:
    """What an index declaration must satisfy before any table is looked at."""
    if not limits.TABLE_NAME.fullmatch(index.name):
        raise E.INVALID_INDEX_NAME.error(name=index.name)
    if not 1 <= len(index.primary_key) <= KEY_COLUMNS_MAX:
        raise E.INDEX_PK_COUNT.error()
    if len(index.defined_columns) > ATTRIBUTES_MAX:
        raise E.INDEX_ATTR_COUNT.error()


def check_count(count: int) -> None:
    """At most five indexes per table."""
    if count > MAX_INDEXES:
        raise E.INDEX_COUNT.error(quota=MAX_INDEXES)


def check_options(options: TableOptions) -> None:
    """Options of a table with indexes: one version; a TTL only with updates disallowed."""
    if options.max_versions != 1:
        raise E.INDEX_MAX_VERSIONS.error()
    if options.time_to_live != -1 and options.allow_update:
        raise E.INDEX_TTL_UPDATABLE.error()


def check_against(base: TableInfo, index: IndexInfo) -> None:
    """The index's columns against its base table's schema and options."""
    check_options(base.options)
    key_types = {column.name: column.type for column in base.primary_key}
    defined = dict(base.defined_columns)
    seen = set()
    for name in index.primary_key:
        if name in seen:
            raise E.INDEX_COLUMN_DUPLICATED.error(name=name, index=index.name)
        seen.add(name)
        if name in defined and name not in key_types and defined[name] not in _KEY_TYPES:
            raise E.INDEX_COLUMN_TYPE.error(name=name, type=defined[name])
        if name not in key_types and name not in defined:
            raise E.INDEX_COLUMN_UNKNOWN.error(name=name, index=index.name)
    for name in index.defined_columns:
        if name in seen:
            raise E.INDEX_COLUMN_DUPLICATED.error(name=name, index=index.name)
        seen.add(name)
        if name not in defined:
            raise E.INDEX_ATTR_NOT_DEFINED.error(name=name, index=index.name)
    first = base.primary_key[0]
    if index.local and index.primary_key[0] != first.name:
        raise E.LOCAL_INDEX_FIRST_PK.error(index=index.name, name=first.name)
    auto = [column.name for column in base.primary_key if column.auto_increment]
    if auto and index.primary_key[0] == auto[0]:
        raise E.INDEX_AUTO_INCREMENT_FIRST.error(index=index.name, name=auto[0])


def index_table(base: TableInfo, index: IndexInfo) -> TableInfo:
    """The TableInfo of an index's table (key: listed columns, then the missing base keys)."""
    key_types = {column.name: column.type for column in base.primary_key}
    defined = dict(base.defined_columns)
    names = list(index.primary_key) + [c.name for c in base.primary_key if c.name not in index.primary_key]
    return TableInfo(
        name=index.name,
        primary_key=tuple(PkColumn(name, key_types.get(name) or defined[name]) for name in names),
        defined_columns=tuple((name, defined[name]) for name in index.defined_columns),
        options=base.options,
        creation_time_us=base.creation_time_us,
        last_increase_time=base.last_increase_time,
        index_of=base.name,
        local_txn=False,
    )


def with_options(index: TableInfo, options: TableOptions) -> TableInfo:
    """An index table after its base table's options changed."""
    return replace(index, options=options)


def _fits(value: Any, type_name: str) -> bool:
    """Whether a base cell value can be an index key value of this type."""
    kind = type(value)
    if type_name == "INTEGER":
        return kind is int
    if type_name == "STRING":
        return kind is str and len(value.encode("utf-8")) <= limits.PK_VALUE_MAX_BYTES
    return isinstance(value, (bytes, bytearray)) and len(value) <= limits.PK_VALUE_MAX_BYTES


def index_entry(table: TableInfo, pk: Mapping[str, Any], cells: Cells) -> Optional[Tuple[bytes, Cells]]:
    """(index key bytes, index row cells) of a base row, or None when it has no index row."""
    values: List[Any] = []
    expires: Optional[int] = None
    for column in table.primary_key:
        name = column.name
        if name in pk:
            values.append(pk[name])
            continue
        versions = cells.get(name)
        if not versions:
            return None
        ts, value = versions[0]
        if not _fits(value, column.type):
            return None
        values.append(value)
        expires = ts if expires is None or ts < expires else expires
    if expires is None and cells:
        expires = max(versions[0][0] for versions in cells.values())
    row: Cells = {name: cells[name][:1] for name, _ in table.defined_columns if name in cells}
    if expires is not None:
        row[MARKER] = [(expires, 0)]
    return encode_key(values), row


def maintain(
    storage: Storage,
    tables: Sequence[TableInfo],
    pk: Mapping[str, Any],
    old: Optional[Cells],
    new: Optional[Cells],
) -> None:
    """Move the index rows of one base row from its stored cells ``old`` to ``new`` (None: absent)."""
    for table in tables:
        before = index_entry(table, pk, old) if old is not None else None
        after = index_entry(table, pk, new) if new is not None else None
        if before is not None and (after is None or before[0] != after[0]):
            storage.delete_row(table.tid, before[0])
        if after is not None and after != before:
            storage.put_row(table.tid, after[0], after[1])


def visible_cells(cells: Cells, floor_ms: Optional[int]) -> Optional[Cells]:
    """An index row's cells without the marker; None once the base row lost its key (TTL)."""
    marker = cells.pop(MARKER, None)
    if marker is not None and floor_ms is not None and marker[0][0] < floor_ms:
        return None
    return cells


def declared(index_metas: Sequence[IndexInfo]) -> Dict[str, IndexInfo]:
    """Index declarations by name, checked one by one (count first, as the service does)."""
    check_count(len(index_metas))
    out: Dict[str, IndexInfo] = {}
    for index in index_metas:
        check_declared(index)
        out[index.name] = index
    return out
