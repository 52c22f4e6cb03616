"""Mapping tables: the SQL schema laid over a wide table, kept in the emulator's SQLite.

A mapping names the data table's columns with SQL types (reference/tablestore-breadth-facts.md
§4.3): BIGINT <-> INTEGER, VARCHAR (key) / MEDIUMTEXT <-> STRING, VARBINARY (key) /
MEDIUMBLOB <-> BINARY, DOUBLE <-> DOUBLE, BOOL/BOOLEAN <-> BOOLEAN. The rows live in the
``sql_mappings`` table of the Tablestore storage, so ``Storage.clear`` empties them too.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import List, Optional, Tuple

__all__ = ["MappingColumn", "Mapping", "get", "put", "delete", "names", "PK_SQL_TYPES", "SQL_TYPES"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sql_mappings (
    instance TEXT NOT NULL,
    name TEXT NOT NULL,
    columns TEXT NOT NULL,
    PRIMARY KEY (instance, name)
) WITHOUT ROWID
"""

# SQL type (sqlglot's name) -> (wide-table type, how DESCRIBE prints it).
SQL_TYPES = {
    "BIGINT": ("INTEGER", "bigint(20)"),
    "VARCHAR": ("STRING", "varchar(1024)"),
    "MEDIUMTEXT": ("STRING", "mediumtext"),
    "VARBINARY": ("BINARY", "varbinary(1024)"),
    "MEDIUMBLOB": ("BINARY", "mediumblob"),
    "DOUBLE": ("DOUBLE", "double"),
    "BOOLEAN": ("BOOLEAN", "tinyint(1)"),
}
# The SQL types a primary key column may have.
PK_SQL_TYPES = ("BIGINT", "VARCHAR", "VARBINARY")


@dataclass(frozen=True)
class MappingColumn:
    """One column of a mapping: name, wide-table type, DESCRIBE type text, key or not."""

    name: str
    kind: str
    sql_type: str
    primary_key: bool


@dataclass(frozen=True)
class Mapping:
    """A mapping table: its name and columns in declaration order."""

    name: str
    columns: Tuple[MappingColumn, ...]

    def index(self, column: str) -> Optional[int]:
        """The position of ``column`` (names are case-insensitive, as in MySQL), or None."""
        lowered = column.lower()
        for i, item in enumerate(self.columns):
            if item.name.lower() == lowered:
                return i
        return None


def _db(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.execute(_SCHEMA)
    return conn


def get(conn: sqlite3.Connection, instance: str, name: str) -> Optional[Mapping]:
    """The mapping ``name`` of ``instance``, or None."""
    row = _db(conn).execute(
        "SELECT name, columns FROM sql_mappings WHERE instance=? AND name=?", (instance, name)
    ).fetchone()
    if row is None:
        return None
    return Mapping(row[0], tuple(MappingColumn(*column) for column in json.loads(row[1])))


def put(conn: sqlite3.Connection, instance: str, mapping: Mapping) -> None:
    """Store a mapping (a new one: the caller checked it is absent)."""
    columns = [[c.name, c.kind, c.sql_type, c.primary_key] for c in mapping.columns]
    _db(conn).execute(
        "INSERT INTO sql_mappings (instance, name, columns) VALUES (?, ?, ?)",
        (instance, mapping.name, json.dumps(columns)),
    )


def delete(conn: sqlite3.Connection, instance: str, name: str) -> bool:
    """Remove a mapping; whether it existed."""
    cursor = _db(conn).execute("DELETE FROM sql_mappings WHERE instance=? AND name=?", (instance, name))
    return cursor.rowcount > 0


def names(conn: sqlite3.Connection, instance: str) -> List[str]:
    """The mapping names of ``instance``, sorted."""
    return [row[0] for row in _db(conn).execute(
        "SELECT name FROM sql_mappings WHERE instance=? ORDER BY name", (instance,)
    )]
