"""Local transactions: one partition-key value of one table, locked against other writers.

A transaction keeps its writes in memory as final row images (key -> cells, None for a
deleted row); reads carrying its id see them over the committed rows, every other read
sees committed rows only. Commit hands the images to the engine, which writes them (and
their index rows) in one SQLite transaction; abort, expiry (60 s in all, 60 s idle, on
the emulator's clock) and a crash simply drop them, so an uncommitted write is never
visible. Server timestamps are assigned when a write is made, not at commit.
"""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from alicloud_storage.emulator.tablestore import errors as E
from alicloud_storage.emulator.tablestore.model import Cells, TableInfo

PrimaryKey = List[Tuple[str, Any]]

__all__ = ["PrimaryKey", "LIFETIME_S", "IDLE_S", "SIZE_LIMIT", "Transaction", "Transactions", "TransactionRows"]

LIFETIME_S = 60.0
IDLE_S = 60.0
SIZE_LIMIT = 4 * 1024 * 1024
_ID = re.compile(r"[0-9A-F]{32}")


def _partition(value: Any) -> Any:
    """A hashable form of a partition-key value (bytearray -> bytes)."""
    return bytes(value) if isinstance(value, bytearray) else value


@dataclass
class Transaction:
    """One open transaction: where it writes, when it ends, what it wrote."""

    id: str
    instance: str
    table: str
    tid: int
    partition: Any
    started: float
    last_used: float
    size: int = 0
    busy: bool = False
    # key -> (primary key, cells after the transaction's writes; None = deleted)
    rows: Dict[bytes, Tuple[PrimaryKey, Optional[Cells]]] = field(default_factory=dict)


class Transactions:
    """The open transactions of one instance and the partitions they lock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._open: Dict[str, Transaction] = {}
        self._locks: Dict[Tuple[str, Any], str] = {}

    def _expired(self, txn: Transaction, now: float) -> bool:
        return now - txn.started > LIFETIME_S or now - txn.last_used > IDLE_S

    def _drop(self, txn: Transaction) -> None:
        self._open.pop(txn.id, None)
        self._locks.pop((txn.table, txn.partition), None)

    def holder(self, table: str, partition: Any) -> Optional[Transaction]:
        """The live transaction locking this partition, if any (an expired one is dropped)."""
        txn_id = self._locks.get((table, _partition(partition)))
        if txn_id is None:
            return None
        txn = self._open[txn_id]
        if self._expired(txn, self._clock()):
            self._drop(txn)
            return None
        return txn

    def start(self, instance: str, info: TableInfo, partition: Any) -> Transaction:
        """Open a transaction on ``partition`` of ``info`` (refused while another holds it)."""
        if self.holder(info.name, partition) is not None:
            raise E.TRANSACTION_LOCKED.error()
        now = self._clock()
        txn = Transaction(uuid.uuid4().hex.upper(), instance, info.name, info.tid, _partition(partition), now, now)
        self._open[txn.id] = txn
        self._locks[(info.name, txn.partition)] = txn.id
        return txn

    def get(self, transaction_id: str) -> Transaction:
        """The live transaction of an id: malformed, unknown and expired ids are refused."""
        if not _ID.fullmatch(transaction_id):
            raise E.TRANSACTION_ID_INVALID.error()
        txn = self._open.get(transaction_id)
        if txn is None:
            raise E.TRANSACTION_NOT_EXIST.error()
        now = self._clock()
        if self._expired(txn, now):
            self._drop(txn)
            raise E.TRANSACTION_NOT_EXIST.error()
        return txn

    @contextmanager
    def using(self, transaction_id: str) -> Iterator[Transaction]:
        """One request of a transaction: refused while another is in flight; resets the idle timer."""
        txn = self.get(transaction_id)
        if txn.busy:
            raise E.TRANSACTION_BUSY.error()
        txn.busy = True
        try:
            yield txn
        finally:
            txn.busy = False
            txn.last_used = self._clock()

    def end(self, txn: Transaction) -> None:
        """Commit or abort done: forget the transaction, unlock its partition."""
        self._drop(txn)

    def check_write(self, txn: Transaction, info: TableInfo, pk: PrimaryKey, size: int) -> None:
        """A write of a transaction: its table, its partition, the 4 MB cap (the caller adds
        ``size`` to ``txn.size`` once the write is made)."""
        if info.name != txn.table:
            raise E.TRANSACTION_OTHER_TABLE.error(table=info.name, txn_table=txn.table)
        if _partition(pk[0][1]) != txn.partition:
            raise E.TRANSACTION_OUT_OF_RANGE.error(txn=txn.partition, data=pk[0][1])
        if txn.size + size > SIZE_LIMIT:
            raise E.TRANSACTION_TOO_LARGE.error(row=size, total=txn.size + size, limit=SIZE_LIMIT)


class TransactionRows:
    """A transaction's rows over storage: reads see its writes, writes go to its images."""

    def __init__(self, txn: Transaction, stored: Callable[[int, bytes], Optional[Cells]],
                 decode: Callable[[bytes], Cells]) -> None:
        self._txn = txn
        self._stored = stored
        self._decode = decode

    def get(self, info: TableInfo, key: bytes) -> Optional[Cells]:
        if info.tid == self._txn.tid and key in self._txn.rows:
            return self._txn.rows[key][1]
        return self._stored(info.tid, key)

    def set(self, info: TableInfo, key: bytes, pk: PrimaryKey, old: Optional[Cells], new: Optional[Cells]) -> None:
        self._txn.rows[key] = (pk, new)

    def scan(
        self, info: TableInfo, stored: Iterator[Tuple[bytes, bytes]], start: bytes, end: bytes, backward: bool
    ) -> Iterator[Tuple[bytes, Cells]]:
        """The storage's range with the transaction's rows merged in (deleted ones left out)."""
        rows = self._txn.rows if info.tid == self._txn.tid else {}
        if backward:
            pending = sorted((k for k in rows if end < k <= start), reverse=True)
        else:
            pending = sorted(k for k in rows if start <= k < end)
        i = 0
        for key, data in stored:
            while i < len(pending) and (pending[i] > key if backward else pending[i] < key):
                cells = rows[pending[i]][1]
                if cells is not None:
                    yield pending[i], cells
                i += 1
            if i < len(pending) and pending[i] == key:
                i += 1
                cells = rows[key][1]
                if cells is not None:
                    yield key, cells
                continue
            yield key, self._decode(data)
        for key in pending[i:]:
            cells = rows[key][1]
            if cells is not None:
                yield key, cells
