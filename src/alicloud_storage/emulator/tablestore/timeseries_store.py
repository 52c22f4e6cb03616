"""SQLite storage of time series tables, series (with their metas) and points.

Lives in the wide-table storage's database (same file, same transactions). A series is
one ``ts_series`` row keyed by (table, identity); its meta is the ``has_meta``,
``attributes`` and ``update_time`` columns, so deleting a meta keeps the data. Points are
``ts_points`` rows keyed by (series, time, field primary key), so reading a time range of
a series is an index range scan.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from alicloud_storage.emulator.tablestore.storage import batched_rows

__all__ = ["TimeseriesTable", "Series", "TimeseriesStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ts_tables (
    tid INTEGER PRIMARY KEY,
    instance TEXT NOT NULL,
    name TEXT NOT NULL,
    meta TEXT NOT NULL,
    UNIQUE (instance, name)
);
CREATE TABLE IF NOT EXISTS ts_series (
    sid INTEGER PRIMARY KEY,
    tid INTEGER NOT NULL,
    ident BLOB NOT NULL,
    measurement TEXT NOT NULL,
    source TEXT NOT NULL,
    tags TEXT NOT NULL,
    has_meta INTEGER NOT NULL DEFAULT 0,
    attributes TEXT NOT NULL DEFAULT '{}',
    update_time INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tid, ident)
);
CREATE TABLE IF NOT EXISTS ts_points (
    sid INTEGER NOT NULL,
    time INTEGER NOT NULL,
    fpk BLOB NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (sid, time, fpk)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class TimeseriesTable:
    """A time series table as DescribeTimeseriesTable reports it, plus its storage id."""

    name: str
    ttl: int = -1  # seconds, -1 = forever
    meta_ttl: int = -1
    allow_update_attributes: bool = True
    keys: Tuple[str, ...] = ()  # custom series keys ('' = _m_name, _data_source, _tags)
    field_pks: Tuple[Tuple[str, str], ...] = ()  # (name, INTEGER|STRING|BINARY)
    analytical_stores: Tuple[Tuple[str, Optional[int], Optional[int]], ...] = ()
    lastpoint_indexes: Tuple[str, ...] = ()
    tid: int = 0

    def to_json(self) -> str:
        """The storage form (without the id)."""
        return json.dumps([
            self.name, self.ttl, self.meta_ttl, self.allow_update_attributes, list(self.keys),
            [list(c) for c in self.field_pks], [list(s) for s in self.analytical_stores],
            list(self.lastpoint_indexes),
        ])

    @classmethod
    def from_json(cls, text: str, tid: int) -> "TimeseriesTable":
        """The inverse of ``to_json``."""
        name, ttl, meta_ttl, allow, keys, field_pks, stores, indexes = json.loads(text)
        return cls(
            name, ttl, meta_ttl, allow, tuple(keys), tuple(tuple(c) for c in field_pks),
            tuple(tuple(s) for s in stores), tuple(indexes), tid,
        )


@dataclass(frozen=True)
class Series:
    """A series: identity parts, and its meta (``has_meta`` false once deleted or never made)."""

    sid: int
    measurement: str
    source: str
    tags: Dict[str, str]
    has_meta: bool
    attributes: Dict[str, str]
    update_time: int  # us


def _series(row: Sequence[Any]) -> Series:
    sid, measurement, source, tags, has_meta, attributes, update_time = row
    return Series(sid, measurement, source, json.loads(tags), bool(has_meta), json.loads(attributes), update_time)


_SERIES_COLUMNS = "sid, measurement, source, tags, has_meta, attributes, update_time"


class TimeseriesStore:
    """Time series tables, series and points in one SQLite connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        db.executescript(_SCHEMA)

    # --- tables ----------------------------------------------------------------------
    def list_tables(self, instance: str) -> List[TimeseriesTable]:
        """Tables of ``instance``, sorted by name."""
        rows = self._db.execute("SELECT meta, tid FROM ts_tables WHERE instance=? ORDER BY name", (instance,))
        return [TimeseriesTable.from_json(meta, tid) for meta, tid in rows]

    def get_table(self, instance: str, name: str) -> Optional[TimeseriesTable]:
        """The table, or None."""
        row = self._db.execute("SELECT meta, tid FROM ts_tables WHERE instance=? AND name=?", (instance, name)).fetchone()
        return None if row is None else TimeseriesTable.from_json(row[0], row[1])

    def insert_table(self, instance: str, table: TimeseriesTable) -> None:
        """Store a new table."""
        self._db.execute("INSERT INTO ts_tables (instance, name, meta) VALUES (?, ?, ?)", (instance, table.name, table.to_json()))

    def update_table(self, table: TimeseriesTable) -> None:
        """Replace a table's stored meta."""
        self._db.execute("UPDATE ts_tables SET meta=? WHERE tid=?", (table.to_json(), table.tid))

    def delete_table(self, table: TimeseriesTable) -> None:
        """Drop a table with its series and points."""
        self._db.execute("DELETE FROM ts_points WHERE sid IN (SELECT sid FROM ts_series WHERE tid=?)", (table.tid,))
        self._db.execute("DELETE FROM ts_series WHERE tid=?", (table.tid,))
        self._db.execute("DELETE FROM ts_tables WHERE tid=?", (table.tid,))

    # --- series and metas --------------------------------------------------------------
    def find_series(self, tid: int, ident: bytes) -> Optional[Series]:
        """The series of this identity, or None."""
        row = self._db.execute(
            f"SELECT {_SERIES_COLUMNS} FROM ts_series WHERE tid=? AND ident=?", (tid, ident)
        ).fetchone()
        return None if row is None else _series(row)

    def add_series(self, tid: int, ident: bytes, measurement: str, source: str, tags: Dict[str, str]) -> Series:
        """Create a series without a meta."""
        cursor = self._db.execute(
            "INSERT INTO ts_series (tid, ident, measurement, source, tags) VALUES (?, ?, ?, ?, ?)",
            (tid, ident, measurement, source, json.dumps(tags, sort_keys=True)),
        )
        return Series(int(cursor.lastrowid or 0), measurement, source, dict(tags), False, {}, 0)

    def set_meta(self, sid: int, attributes: Optional[Dict[str, str]], update_time: int) -> None:
        """Create or refresh a series meta; ``attributes`` None keeps the current ones."""
        if attributes is None:
            self._db.execute("UPDATE ts_series SET has_meta=1, update_time=? WHERE sid=?", (update_time, sid))
        else:
            self._db.execute(
                "UPDATE ts_series SET has_meta=1, update_time=?, attributes=? WHERE sid=?",
                (update_time, json.dumps(attributes, sort_keys=True), sid),
            )

    def delete_meta(self, sid: int) -> None:
        """Drop a series meta (the points stay)."""
        self._db.execute("UPDATE ts_series SET has_meta=0, attributes='{}', update_time=0 WHERE sid=?", (sid,))

    def metas(self, tid: int, min_update_time: int) -> List[Series]:
        """Series of a table that have a meta updated at or after ``min_update_time`` (us)."""
        rows = self._db.execute(
            f"SELECT {_SERIES_COLUMNS} FROM ts_series WHERE tid=? AND has_meta=1 AND update_time>=?",
            (tid, min_update_time),
        )
        return [_series(row) for row in rows]

    # --- points --------------------------------------------------------------------
    def put_points(self, points: Iterable[Tuple[int, int, bytes, str]]) -> None:
        """Create or replace points (series id, time us, field primary key, fields as JSON)."""
        self._db.executemany("INSERT OR REPLACE INTO ts_points (sid, time, fpk, data) VALUES (?, ?, ?, ?)", points)

    def scan_points(
        self, sid: int, begin: Tuple[int, bytes], end: Tuple[int, bytes], backward: bool, limit: int
    ) -> Iterator[Tuple[int, bytes, str]]:
        """(time, fpk, fields) with begin <= (time, fpk) < end, ascending or descending."""
        order = "DESC" if backward else "ASC"
        return batched_rows(self._db.execute(
            "SELECT time, fpk, data FROM ts_points WHERE sid=? AND (time, fpk) >= (?, ?) AND (time, fpk) < (?, ?) "
            f"ORDER BY time {order}, fpk {order} LIMIT ?",
            (sid, begin[0], begin[1], end[0], end[1], limit),
        ))
