"""SQLite storage of the emulated tables: one write transaction per request, WAL.

Rows live in one table with a unique index on (table id, order-preserving key bytes), so
GetRange is an index range scan. Attribute cells of a row are one blob (see
``encode_cells``). Beside them a row may keep its ``EncodedRow``: the PlainBuffer bytes a
read of every column returns, so such reads copy them instead of re-encoding; rows written
without one (index rows, databases of older versions) have NULL there and are encoded on read. With WAL and ``synchronous=NORMAL`` a committed transaction is in the
WAL file before the call returns: acknowledged writes survive a killed process.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import chain
from typing import Any, Collection, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from alicloud_storage.emulator.tablestore.model import Cells, TableInfo

__all__ = ["Storage", "EncodedRow", "StoredRow", "FoundWires", "encode_cells", "decode_cells", "batched_rows"]

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ots_tables (
    instance TEXT NOT NULL,
    name TEXT NOT NULL,
    tid INTEGER NOT NULL UNIQUE,
    meta TEXT NOT NULL,
    auto_increment INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (instance, name)
) WITHOUT ROWID;
"""
# Rows: a rowid table with a unique (tid, pk) index, the small columns first. (A WITHOUT ROWID
# table keeps whole rows in its interior pages: once one row overflowed a page, every seek that
# compared with it copied the row's overflow chain. A database holding 200 rows of 64 KB made
# a BatchGetRow of 100 small rows 79 -> 125 us, and a GetRow on the wide table 4.3 -> 15 us.)
_ROWS_SCHEMA = (
    "CREATE TABLE ots_rows (tid INTEGER NOT NULL, pk BLOB NOT NULL, wire_size INTEGER,"
    " wire_versions INTEGER, data BLOB NOT NULL, wire BLOB)",
    "CREATE UNIQUE INDEX ots_rows_key ON ots_rows (tid, pk)",
)
_ROWS_COLUMNS = "tid, pk, wire_size, wire_versions, data, wire"
# Columns added after the first release: added to an older database when it is opened.
_ADDED_ROW_COLUMNS = (("wire", "BLOB"), ("wire_size", "INTEGER"), ("wire_versions", "INTEGER"))

# Keys looked up by one query (SQLite allows 999 parameters in older versions).
_KEYS_PER_QUERY = 500

# A row as a read that may copy its encoding gets it: (key, cells blob, None, 0) or, where the
# encoding serves (kept, with no more versions per column than the read returns), (key, None,
# wire bytes, wire data size): SQLite leaves out the blob the read does not need (a filtered
# read gets the cells blob in both cases: its filter tests it before the bytes are copied).
StoredRow = Tuple[bytes, Optional[bytes], Optional[bytes], int]
_SERVES = "wire_versions <= ?"  # NULL (no encoding kept) is not true
_STORED_COLUMNS = f"pk, IIF({_SERVES}, NULL, data), IIF({_SERVES}, wire, NULL), IIF({_SERVES}, wire_size, 0)"
_TESTED_COLUMNS = f"pk, data, IIF({_SERVES}, wire, NULL), IIF({_SERVES}, wire_size, 0)"  # the blob always


def _stored_columns(keep: int, tested: bool) -> Tuple[str, Tuple[int, ...]]:
    """The columns a ``StoredRow`` query selects and their parameters (see ``Storage.get_stored``)."""
    return (_TESTED_COLUMNS, (keep, keep)) if tested else (_STORED_COLUMNS, (keep, keep, keep))
# What ``wire_rows`` finds, aggregated by SQLite into one row: the positions of the keys found,
# the length of each one's stored bytes (-1 where they do not serve) and its data size (aligned
# comma-separated decimal lists; all None when no key is found), and the bytes that serve,
# concatenated (None when none does). One row, not one per key: Python's sqlite3 (3.11) lets go
# of the GIL for every row stepped and every column read, which cost 35 us per 100 keys.
FoundWires = Tuple[Optional[str], Optional[str], Optional[str], Optional[bytes]]


@lru_cache(maxsize=None)
def _wire_query(count: int) -> str:
    """``wire_rows``'s query for ``count`` keys: the keys joined as constant rows (faster than
    ``pk IN (...)``: no temporary index), their positions literals (the same text for the same
    count: sqlite3's statement cache keeps it compiled). Every aggregate steps over the same
    rows in the same order, so the four stay aligned whatever that order is; a blob read as
    text keeps its bytes in a UTF-8 database (``_SCHEMA`` never sets another encoding)."""
    rows = ",".join(f"({i},?)" for i in range(count))
    return (f"WITH k(i, key) AS (VALUES {rows}) SELECT group_concat(k.i),"
            f" group_concat(ifnull(IIF({_SERVES}, length(wire), -1), -1)), group_concat(ifnull(wire_size, 0)),"
            f" CAST(group_concat(CAST(IIF({_SERVES}, wire, NULL) AS TEXT), '') AS BLOB)"
            " FROM k CROSS JOIN ots_rows ON tid=? AND pk=k.key")


# Index tables carry their base table's name in their meta.
_NOT_INDEX = "json_extract(meta, '$.index_of') IS NULL"

_VT_INTEGER, _VT_DOUBLE, _VT_BOOLEAN, _VT_STRING, _VT_BLOB = 0, 1, 2, 3, 7
_FIXED_SIZES = (8, 8, 1)  # value bytes of _VT_INTEGER, _VT_DOUBLE, _VT_BOOLEAN (the others: u32 length + bytes)
_HEAD = struct.Struct("<HH")  # name length, version count
_VERSION = struct.Struct("<qB")  # timestamp, value type
_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_U32 = struct.Struct("<I")
# A blob opens with (_INDEXED, column count), then the records' offsets (u32, from the first
# record) in the order of the columns' names, then the records. Rows written before this
# format start with their first record, whose name length (<= 255 bytes) is never _INDEXED.
_DIRECTORY = struct.Struct("<HI")
_INDEXED = 0xFFFF
_INDEXED_MARK = _DIRECTORY.pack(_INDEXED, 0)[:2]


def encode_cells(cells: Cells) -> bytes:
    """The storage blob of a row's attribute cells: a directory of the columns (by name) before
    their records, so a read of a few columns finds them without walking the others."""
    out = bytearray()
    names: List[bytes] = []
    starts: List[int] = []
    for name, versions in cells.items():
        raw = name.encode("utf-8")
        names.append(raw)
        starts.append(len(out))
        out += _HEAD.pack(len(raw), len(versions))
        out += raw
        for ts, value in versions:
            if value is True or value is False:
                out += _VERSION.pack(ts, _VT_BOOLEAN)
                out.append(1 if value else 0)
            elif isinstance(value, int):
                out += _VERSION.pack(ts, _VT_INTEGER)
                out += _I64.pack(value)
            elif isinstance(value, float):
                out += _VERSION.pack(ts, _VT_DOUBLE)
                out += _F64.pack(value)
            elif isinstance(value, str):
                data = value.encode("utf-8")
                out += _VERSION.pack(ts, _VT_STRING)
                out += _U32.pack(len(data))
                out += data
            else:
                out += _VERSION.pack(ts, _VT_BLOB)
                out += _U32.pack(len(value))
                out += value
    count = len(names)
    if not count:
        return b""
    order = sorted(range(count), key=names.__getitem__)
    return b"".join((_DIRECTORY.pack(_INDEXED, count), struct.pack(f"<{count}I", *[starts[i] for i in order]), out))


def decode_cells(data: bytes, wanted: Optional[Collection[str]] = None) -> Cells:
    """The inverse of ``encode_cells``; ``wanted``: only these columns (those present), found through
    the directory (or, for many of them or a row stored before directories, in one walk that steps
    over the others by their lengths): the other columns' values are never read."""
    cells: Cells = {}
    pos = 0
    if data[:2] == _INDEXED_MARK:
        count = _DIRECTORY.unpack_from(data)[1]
        pos = _DIRECTORY.size + 4 * count
        if wanted is not None and len(wanted) * count.bit_length() < 2 * count:  # else one walk is cheaper
            for name in wanted:
                at = _find(data, pos, count, name.encode("utf-8"))
                if at >= 0:
                    _records(data, at, at + 1, cells, None)  # the one record at ``at`` (records are longer)
            return cells
    _records(data, pos, len(data), cells, wanted)
    return cells


def _find(data: bytes, records: int, count: int, raw: bytes) -> int:
    """Where the record of the column named ``raw`` starts (-1: absent), by binary search of the
    directory of a blob whose records start at ``records``."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        at: int = records + _U32.unpack_from(data, _DIRECTORY.size + 4 * middle)[0]
        name_len = _HEAD.unpack_from(data, at)[0]
        probe = data[at + 4:at + 4 + name_len]
        if probe < raw:
            low = middle + 1
        elif probe > raw:
            high = middle
        else:
            return at
    return -1


def _records(data: bytes, pos: int, end: int, cells: Cells, wanted: Optional[Collection[str]]) -> None:
    """Decode into ``cells`` the column records from ``pos`` while they start before ``end`` (those of
    ``wanted`` only, unless None)."""
    while pos < end:
        name_len, count = _HEAD.unpack_from(data, pos)
        pos += 4
        name = data[pos:pos + name_len].decode("utf-8")
        pos += name_len
        if wanted is not None and name not in wanted:
            for _ in range(count):  # step over the versions: timestamp, type, value
                vtype = data[pos + 8]
                pos += 9 + (_FIXED_SIZES[vtype] if vtype < 3 else 4 + _U32.unpack_from(data, pos + 9)[0])
            continue
        versions = []
        for _ in range(count):
            ts, vtype = _VERSION.unpack_from(data, pos)
            pos += 9
            value: Any
            if vtype == _VT_INTEGER:
                value = _I64.unpack_from(data, pos)[0]
                pos += 8
            elif vtype == _VT_DOUBLE:
                value = _F64.unpack_from(data, pos)[0]
                pos += 8
            elif vtype == _VT_BOOLEAN:
                value = data[pos] == 1
                pos += 1
            else:
                size = _U32.unpack_from(data, pos)[0]
                pos += 4
                raw = data[pos:pos + size]
                pos += size
                value = raw.decode("utf-8") if vtype == _VT_STRING else bytearray(raw)
            versions.append((ts, value))
        cells[name] = versions


# Rows a scan takes from SQLite at a time. Python's sqlite3 lets go of the GIL for every row it
# steps; a scan doing ~0.1 ms of Python per row then takes the GIL straight back, and a thread
# waiting for it (the event loop) sees it change hands and never asks for its turn: it starved
# for 40-160 ms at a time under a 0.5 s filtered scan. Batches step without Python in between,
# then work through the batch without letting go, so the interpreter's switch interval holds.
_SCAN_BATCH = 64


def batched_rows(cursor: sqlite3.Cursor) -> Iterator[Any]:
    """The rows of ``cursor``, fetched ``_SCAN_BATCH`` at a time (see there why; iterated in C: a
    generator cost 4 us per 100 rows)."""
    return chain.from_iterable(iter(partial(cursor.fetchmany, _SCAN_BATCH), []))


@dataclass(frozen=True)
class EncodedRow:
    """A row as a read of every column returns it: PlainBuffer bytes (no buffer header),
    their data size (capacity units, the 4 MB cut) and the most versions any column holds."""

    wire: bytes
    size: int
    versions: int


class Storage:
    """Tables and rows of every emulated instance in one SQLite database."""

    def __init__(self, path: Optional[str]) -> None:
        """Open ``path`` (created if missing), or an in-memory database for None."""
        self._db = sqlite3.connect(
            path or ":memory:", isolation_level=None, check_same_thread=False
        )
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        # (instance, name) -> TableInfo; every table change goes through this class.
        self._tables: Dict[Tuple[str, str], Optional[TableInfo]] = {}
        self._upgrade_rows()

    def _upgrade_rows(self) -> None:
        """Create the rows table, or bring an older database's to this version in one transaction:
        the columns added since, and its rows moved out of a WITHOUT ROWID table."""
        layout = self._db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='ots_rows'").fetchone()
        if layout is None:
            with self.write():
                for statement in _ROWS_SCHEMA:
                    self._db.execute(statement)
            return
        present = {row[1] for row in self._db.execute("PRAGMA table_info(ots_rows)")}
        missing = [(name, kind) for name, kind in _ADDED_ROW_COLUMNS if name not in present]
        without_rowid = "WITHOUT ROWID" in layout[0].upper()
        if not missing and not without_rowid:
            return
        with self.write():
            for name, kind in missing:
                self._db.execute(f"ALTER TABLE ots_rows ADD COLUMN {name} {kind}")
            if without_rowid:  # (once per database: it takes as long as copying every row)
                logger.info("moving the rows of an earlier version's database to this version's layout")
                self._db.execute("ALTER TABLE ots_rows RENAME TO ots_rows_without_rowid")
                for statement in _ROWS_SCHEMA:
                    self._db.execute(statement)
                self._db.execute(f"INSERT INTO ots_rows ({_ROWS_COLUMNS})"
                                 f" SELECT {_ROWS_COLUMNS} FROM ots_rows_without_rowid ORDER BY tid, pk")
                self._db.execute("DROP TABLE ots_rows_without_rowid")

    def close(self) -> None:
        """Checkpoint and close the database."""
        self._db.close()

    @contextmanager
    def write(self) -> Iterator[None]:
        """One write transaction: committed on success, rolled back on any error."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._tables.clear()  # a rolled-back table change may be cached
            raise
        self._db.execute("COMMIT")

    # --- tables --------------------------------------------------------------------
    def list_tables(self, instance: str) -> List[str]:
        """Table names of ``instance`` (secondary index tables left out), sorted."""
        rows = self._db.execute(
            "SELECT name FROM ots_tables WHERE instance=? AND " + _NOT_INDEX + " ORDER BY name", (instance,)
        )
        return [r[0] for r in rows]

    def count_tables(self, instance: str) -> int:
        """How many tables ``instance`` holds (secondary index tables not counted)."""
        return int(
            self._db.execute(
                "SELECT COUNT(*) FROM ots_tables WHERE instance=? AND " + _NOT_INDEX, (instance,)
            ).fetchone()[0]
        )

    def get_table(self, instance: str, name: str) -> Optional[TableInfo]:
        """The table's info, or None."""
        key = (instance, name)
        if key in self._tables:
            return self._tables[key]
        row = self._db.execute(
            "SELECT meta, tid FROM ots_tables WHERE instance=? AND name=?", (instance, name)
        ).fetchone()
        info = None if row is None else TableInfo.from_json(json.loads(row[0]), row[1])
        if len(self._tables) > 4096:
            self._tables.clear()
        self._tables[key] = info
        return info

    def insert_table(self, instance: str, info: TableInfo) -> TableInfo:
        """Store a new table; returns it with its storage id."""
        tid = self._db.execute("SELECT COALESCE(MAX(tid), 0) + 1 FROM ots_tables").fetchone()[0]
        self._db.execute(
            "INSERT INTO ots_tables (instance, name, tid, meta) VALUES (?, ?, ?, ?)",
            (instance, info.name, tid, json.dumps(info.to_json())),
        )
        self._tables.pop((instance, info.name), None)
        return TableInfo.from_json(info.to_json(), tid)

    def update_table(self, instance: str, info: TableInfo) -> None:
        """Replace a table's stored info."""
        self._db.execute(
            "UPDATE ots_tables SET meta=? WHERE instance=? AND name=?",
            (json.dumps(info.to_json()), instance, info.name),
        )
        self._tables.pop((instance, info.name), None)

    def delete_table(self, instance: str, info: TableInfo) -> None:
        """Drop a table and its rows."""
        self._db.execute("DELETE FROM ots_rows WHERE tid=?", (info.tid,))
        self._db.execute("DELETE FROM ots_tables WHERE tid=?", (info.tid,))
        self._tables.pop((instance, info.name), None)

    def next_auto_increment(self, tid: int, floor: int) -> int:
        """A value greater than every earlier one of this table and at least ``floor``."""
        last = self._db.execute(
            "SELECT auto_increment FROM ots_tables WHERE tid=?", (tid,)
        ).fetchone()[0]
        value = max(last + 1, floor)
        self._db.execute("UPDATE ots_tables SET auto_increment=? WHERE tid=?", (value, tid))
        return int(value)

    @property
    def connection(self) -> sqlite3.Connection:
        """The database, for extensions (time series) keeping their own SQL tables in it."""
        return self._db

    def clear(self) -> None:
        """Empty every SQL table of the database: all data of every instance and extension."""
        names = [row[0] for row in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )]
        with self.write():
            for name in names:
                self._db.execute(f'DELETE FROM "{name}"')
        self._tables.clear()

    # --- rows ----------------------------------------------------------------------
    def get_row(self, tid: int, key: bytes) -> Optional[Cells]:
        """The row's cells, or None when absent."""
        data = self.get_data(tid, key)
        return None if data is None else decode_cells(data)

    def get_data(self, tid: int, key: bytes) -> Optional[bytes]:
        """The row's cells blob (``decode_cells``), or None when absent."""
        row = self._db.execute("SELECT data FROM ots_rows WHERE tid=? AND pk=?", (tid, key)).fetchone()
        return None if row is None else bytes(row[0])

    def get_stored(
        self, tid: int, keys: Sequence[bytes], keep: int, tested: bool = False
    ) -> Dict[bytes, StoredRow]:
        """The rows of ``keys`` present, by key, as ``StoredRow``s for a read of up to ``keep``
        versions per column (one query per 500 keys); ``tested``: with their cells blob even where
        their bytes serve (a filter tests it first)."""
        found: Dict[bytes, StoredRow] = {}
        columns, bound = _stored_columns(keep, tested)
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]  # joined and bound as in ``wire_rows``
            for row in self._db.execute(
                f"WITH k(key) AS (VALUES {','.join(['(?)'] * len(chunk))}) SELECT {columns}"
                " FROM k CROSS JOIN ots_rows ON tid=? AND pk=k.key",
                (*map(bytearray, chunk), *bound, tid),
            ):
                found[row[0]] = row
        return found

    def wire_rows(self, tid: int, keys: Sequence[Union[bytes, bytearray]], keep: int) -> Optional[FoundWires]:
        """What of ``keys`` (at most 500; bytearrays bind fastest) is present, for a read of up
        to ``keep`` versions per column (a key asked twice is found at both places); None when
        the rows' bytes together pass SQLite's length limit (the caller reads them one by one)."""
        if len(keys) > _KEYS_PER_QUERY:
            raise ValueError("wire_rows takes at most 500 keys")
        if not keys:
            return None, None, None, None  # (what SQLite's aggregates give for no row)
        try:
            found: FoundWires = self._db.execute(_wire_query(len(keys)), (*keys, keep, keep, tid)).fetchone()
        except sqlite3.DataError:  # string or blob too big
            return None
        return found

    def put_row(self, tid: int, key: bytes, cells: Cells, encoded: Optional[EncodedRow] = None) -> None:
        """Create or replace a row; ``encoded``: the row's encoding for reads to copy."""
        wire = (None, None, None) if encoded is None else (encoded.wire, encoded.size, encoded.versions)
        self._db.execute(
            "INSERT OR REPLACE INTO ots_rows (tid, pk, data, wire, wire_size, wire_versions)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (tid, key, encode_cells(cells), *wire),
        )

    def delete_row(self, tid: int, key: bytes) -> None:
        """Remove a row if present."""
        self._db.execute("DELETE FROM ots_rows WHERE tid=? AND pk=?", (tid, key))

    def scan(self, tid: int, start: bytes, end: bytes, backward: bool) -> Iterator[Tuple[bytes, bytes]]:
        """(key, raw cells) from ``start`` (inclusive) towards ``end`` (exclusive), in order."""
        return self._range("pk, data", (), tid, start, end, backward)

    def scan_stored(
        self, tid: int, start: bytes, end: bytes, backward: bool, keep: int, tested: bool = False,
        limit: Optional[int] = None,
    ) -> Iterator[StoredRow]:
        """As ``scan``, as ``StoredRow``s for a read of up to ``keep`` versions per column
        (``tested``: as in ``get_stored``), at most ``limit`` of them (None: all)."""
        return self._range(*_stored_columns(keep, tested), tid, start, end, backward, limit)

    def _range(
        self, columns: str, bound: Tuple[int, ...], tid: int, start: bytes, end: bytes, backward: bool,
        limit: Optional[int] = None,
    ) -> Iterator[Any]:
        """``columns`` (their parameters ``bound``) of the rows from ``start`` towards ``end``, at
        most ``limit`` (None: all; a batch of rows is read ahead otherwise)."""
        if backward:
            where = "WHERE tid=? AND pk<=? AND pk>? ORDER BY pk DESC LIMIT ?"
        else:
            where = "WHERE tid=? AND pk>=? AND pk<? ORDER BY pk ASC LIMIT ?"
        arguments = (*bound, tid, start, end, -1 if limit is None else limit)  # (-1: no limit)
        return batched_rows(self._db.execute(f"SELECT {columns} FROM ots_rows {where}", arguments))
