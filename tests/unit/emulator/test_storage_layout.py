"""The rows table's layout: a rowid table with a unique (tid, pk) index, and a database of an
earlier version (rows in a WITHOUT ROWID table) brought to it on open with every row intact."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List, Tuple

import pytest

from alicloud_storage.emulator.tablestore.engine import PUT, Engine, ReadOptions, RowWrite
from alicloud_storage.emulator.tablestore.model import PkColumn, TableInfo
from alicloud_storage.emulator.tablestore.storage import Storage

NOW = 1_700_000_000.0
# The rows table as versions before this one created it (whole rows in the primary key's b-tree).
EARLIER_ROWS = (
    "CREATE TABLE ots_rows (tid INTEGER NOT NULL, pk BLOB NOT NULL, data BLOB NOT NULL, wire BLOB,"
    " wire_size INTEGER, wire_versions INTEGER, PRIMARY KEY (tid, pk)) WITHOUT ROWID"
)
ROW_COLUMNS = "tid, pk, data, wire, wire_size, wire_versions"


def _fill(path: Path) -> None:
    """Two tables, small rows and rows wide enough to overflow a page."""
    engine = Engine(Storage(str(path)), lambda: NOW)
    for name in ("small", "wide"):
        engine.create_table("i", TableInfo(name, (PkColumn("pk", "INTEGER"),)))
    for key in range(300):
        engine.write_row("i", "small", RowWrite(PUT, [("pk", key)], [("a", key, None, None)]), "PutRow")
    for key in range(20):
        cells = [(f"c{n:03d}", "x" * 100 + str(key), None, None) for n in range(100)]
        engine.write_row("i", "wide", RowWrite(PUT, [("pk", key)], cells), "PutRow")


def _rows(path: Path) -> List[Tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT {ROW_COLUMNS} FROM ots_rows ORDER BY tid, pk").fetchall()
    finally:
        db.close()


def _layout(path: Path) -> Tuple[str, List[str]]:
    db = sqlite3.connect(path)
    try:
        (table,) = db.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='ots_rows'").fetchone()
        indexes = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='ots_rows' ORDER BY name")]
        return table, indexes
    finally:
        db.close()


def _to_earlier_layout(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.executescript(
            f"BEGIN; CREATE TABLE earlier AS SELECT {ROW_COLUMNS} FROM ots_rows; DROP TABLE ots_rows;"
            f" {EARLIER_ROWS}; INSERT INTO ots_rows ({ROW_COLUMNS}) SELECT {ROW_COLUMNS} FROM earlier;"
            " DROP TABLE earlier; COMMIT;"
        )
    finally:
        db.close()


def test_a_new_database_keeps_rows_in_a_rowid_table_looked_up_by_its_key_index(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    _fill(path)
    table, indexes = _layout(path)
    assert "WITHOUT ROWID" not in table.upper() and indexes == ["ots_rows_key"]
    db = sqlite3.connect(path)
    plan = " ".join(row[3] for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT wire FROM ots_rows WHERE tid=? AND pk=?", (1, b"k")))
    db.close()
    assert "ots_rows_key" in plan
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):  # one row per key, as before
        db.execute(f"INSERT INTO ots_rows ({ROW_COLUMNS}) SELECT {ROW_COLUMNS} FROM ots_rows LIMIT 1")
    db.close()


def test_an_earlier_database_is_moved_to_the_new_layout_with_every_row_intact(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "earlier.sqlite"
    _fill(path)
    _to_earlier_layout(path)
    before = _rows(path)
    assert "WITHOUT ROWID" in _layout(path)[0].upper() and len(before) == 320

    with caplog.at_level("INFO", logger="alicloud_storage.emulator.tablestore.storage"):
        engine = Engine(Storage(str(path)), lambda: NOW)  # opening upgrades it, and says so once
    assert [r.getMessage() for r in caplog.records] == [
        "moving the rows of an earlier version's database to this version's layout"]
    table, indexes = _layout(path)
    assert "WITHOUT ROWID" not in table.upper() and indexes == ["ots_rows_key"]
    assert _rows(path) == before
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")].count("ots_rows") == 1
    db.close()

    read = ReadOptions(max_versions=1)
    assert [cell[:2] for cell in engine.get_row("i", "small", [("pk", 7)], read).row.cells] == [("a", 7)]
    wide = engine.get_row("i", "wide", [("pk", 3)], read).row
    assert len(wide.cells) == 100 and wide.cells[0][1] == "x" * 100 + "3"
    engine.write_row("i", "small", RowWrite(PUT, [("pk", 7)], [("a", -7, None, None)]), "PutRow")
    assert [cell[:2] for cell in engine.get_row("i", "small", [("pk", 7)], read).row.cells] == [("a", -7)]

    caplog.clear()
    with caplog.at_level("INFO", logger="alicloud_storage.emulator.tablestore.storage"):
        Storage(str(path)).close()  # opening again changes nothing
    assert not caplog.records
    after = _rows(path)
    assert len(after) == 320 and _layout(path) == (table, indexes)

