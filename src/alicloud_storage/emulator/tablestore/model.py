"""Plain data of the emulated wide-table model, shared by the engine and the storage."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

__all__ = [
    "PkColumn",
    "IndexInfo",
    "TableOptions",
    "TableInfo",
    "Versions",
    "Cells",
    "CapacityUnits",
    "PK_TYPES",
]

# A row's attribute cells: column name -> [(timestamp ms, value)], newest first.
Versions = List[Tuple[int, Any]]
Cells = Dict[str, Versions]

PK_TYPES = ("INTEGER", "STRING", "BINARY")


@dataclass(frozen=True)
class PkColumn:
    """One primary-key column of a table's schema."""

    name: str
    type: str  # one of PK_TYPES
    auto_increment: bool = False


@dataclass(frozen=True)
class IndexInfo:
    """A secondary index as its table declares it (the names the user listed)."""

    name: str
    primary_key: Tuple[str, ...]
    defined_columns: Tuple[str, ...] = ()
    local: bool = False

    def to_json(self) -> List[Any]:
        """A JSON-ready list (storage format)."""
        return [self.name, list(self.primary_key), list(self.defined_columns), self.local]

    @classmethod
    def from_json(cls, data: List[Any]) -> "IndexInfo":
        """The inverse of ``to_json``."""
        name, primary_key, defined, local = data
        return cls(name, tuple(primary_key), tuple(defined), bool(local))


@dataclass(frozen=True)
class TableOptions:
    """TTL (s, -1 = forever), max versions, max time deviation (s), allow_update."""

    time_to_live: int = -1
    max_versions: int = 1
    deviation: int = 86400
    allow_update: bool = True


@dataclass(frozen=True)
class TableInfo:
    """Everything DescribeTable reports about a table, plus its storage id."""

    name: str
    primary_key: Tuple[PkColumn, ...]
    defined_columns: Tuple[Tuple[str, str], ...] = ()
    options: TableOptions = field(default_factory=TableOptions)
    read_cu: int = 0
    write_cu: int = 0
    creation_time_us: int = 0
    last_increase_time: int = 0  # seconds
    last_decrease_time: Optional[int] = None
    tid: int = 0
    # A base table's secondary indexes, in creation order.
    indexes: Tuple[IndexInfo, ...] = ()
    # An index table: the name of its base table (its primary_key is the full index key).
    index_of: Optional[str] = None
    # Whether StartLocalTransaction is allowed (CreateTable's enable_local_txn; default on).
    local_txn: bool = True

    def to_json(self) -> Dict[str, Any]:
        """A JSON-ready dict (storage format)."""
        return {
            "name": self.name,
            "primary_key": [[c.name, c.type, c.auto_increment] for c in self.primary_key],
            "defined_columns": [list(c) for c in self.defined_columns],
            "options": [
                self.options.time_to_live,
                self.options.max_versions,
                self.options.deviation,
                self.options.allow_update,
            ],
            "cu": [self.read_cu, self.write_cu],
            "creation_time_us": self.creation_time_us,
            "last_increase_time": self.last_increase_time,
            "last_decrease_time": self.last_decrease_time,
            "indexes": [index.to_json() for index in self.indexes],
            "index_of": self.index_of,
            "local_txn": self.local_txn,
        }

    @classmethod
    def from_json(cls, data: Dict[str, Any], tid: int) -> "TableInfo":
        """The inverse of ``to_json``."""
        ttl, versions, deviation, allow_update = data["options"]
        return cls(
            name=data["name"],
            primary_key=tuple(PkColumn(n, t, bool(a)) for n, t, a in data["primary_key"]),
            defined_columns=tuple((n, t) for n, t in data["defined_columns"]),
            options=TableOptions(ttl, versions, deviation, allow_update),
            read_cu=data["cu"][0],
            write_cu=data["cu"][1],
            creation_time_us=data["creation_time_us"],
            last_increase_time=data["last_increase_time"],
            last_decrease_time=data["last_decrease_time"],
            tid=tid,
            indexes=tuple(IndexInfo.from_json(index) for index in data.get("indexes", ())),
            index_of=data.get("index_of"),
            local_txn=data.get("local_txn", True),
        )


@dataclass(frozen=True)
class CapacityUnits:
    """Consumed (read, write) capacity units of one operation."""

    read: int = 0
    write: int = 0
