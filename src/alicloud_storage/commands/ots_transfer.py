"""Resumable import and export of a table as JSON lines or CSV (`alicloud-storage ots`).

Import sends BatchWriteRow requests of up to 200 rows, a few in flight at once. Once a
batch and all before it are acknowledged, a checkpoint file records the byte offset
just past it; a run that finds a checkpoint of the same file and table continues from
there. Re-sending batches that were in flight when a run died duplicates nothing: a
put of a primary key replaces that row.

Export scans with GetRange into ``<output>.part`` (JSON lines) and records, after each
page, the bytes written and the next start key; a rerun truncates the part file to the
checkpoint and continues from that key. The finished part file becomes the output
(renamed, or converted to CSV, whose typed header needs every column first).
"""
from __future__ import annotations

import csv
import json
import os
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Tuple

from alicloud_storage.commands.ots_values import (
    InputError,
    Schema,
    csv_record,
    from_json,
    header_types,
    to_json,
    to_text,
    type_of,
)
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    BatchWriteRowRequest,
    Condition,
    Direction,
    OTSClient,
    PutRowItem,
    Row,
    RowExistenceExpectation,
    TableInBatchWriteRowItem,
)

__all__ = ["TransferError", "Checkpoint", "import_rows", "export_rows", "finish_export", "file_format"]

_MAX_BATCH_ROWS = 200  # BatchWriteRow's limit
_MAX_BATCH_BYTES = 3 * 1024 * 1024  # under the 4 MB request limit, with room for encoding
# Row errors worth sending the row again for (the request as a whole is retried by the client).
_RETRYABLE_ROW_ERRORS = frozenset({
    "OTSRowOperationConflict", "OTSNotEnoughCapacityUnit", "OTSTableNotReady",
    "OTSPartitionUnavailable", "OTSServerBusy", "OTSQuotaExhausted", "OTSTimeout",
    "OTSInternalServerError", "OTSServerUnavailable",
})
_ROW_ATTEMPTS = 6


class TransferError(Exception):
    """An import or export stopped; the message says where and how to go on."""


def file_format(path: Path, given: Optional[str]) -> str:
    """``jsonl`` or ``csv``: as given, else from the file name's extension."""
    if given:
        return given
    if path.suffix.lower() == ".csv":
        return "csv"
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputError(f"cannot tell the format of {path.name}; pass --format jsonl or --format csv")


@dataclass
class Checkpoint:
    """Progress of one transfer, kept next to the file it is about."""

    path: Path
    kind: str  # "import" | "export"
    table: str
    file: str
    offset: int = 0  # import: bytes of the source consumed; export: bytes of the part file
    rows: int = 0
    source_size: int = 0  # import: the source's size and mtime, to notice a changed file
    source_mtime_ns: int = 0
    next_start: Optional[List[List[Any]]] = None  # export: next page's key; None = not begun, [] = done
    columns: List[List[str]] = field(default_factory=list)  # export: [name, type] seen so far

    @classmethod
    def load(cls, path: Path) -> Optional["Checkpoint"]:
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path=path, **data)
        except (ValueError, TypeError) as exc:
            raise TransferError(f"unreadable checkpoint {path} ({exc}); delete it or pass --restart") from None

    def save(self) -> None:
        """Replace the checkpoint file atomically (a crash leaves the old or the new one)."""
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- import -------------------------------------------------------------------------------

def _records(source: Any, fmt: str, checkpoint: Checkpoint, schema: Schema) -> Iterator[Tuple[Dict[str, Any], int, int]]:
    """``(record, end offset, row number)`` for each data record of ``source`` (binary)
    after the checkpoint; a record that cannot be read raises InputError naming its row."""
    position = {"at": 0}
    number = checkpoint.rows

    def lines() -> Iterator[str]:
        for raw in iter(source.readline, b""):
            position["at"] += len(raw)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"row {number + 1}: not UTF-8 text") from None

    source.seek(0)
    if fmt == "csv":
        reader = csv.reader(lines())
        header = next(reader, None)
        if header is None:
            return
        header[0] = header[0].lstrip("\ufeff")
        columns = header_types(header, schema)
        if checkpoint.offset > position["at"]:
            source.seek(checkpoint.offset)
            position["at"] = checkpoint.offset
        for cells in reader:
            if cells:
                number += 1
                yield csv_record(cells, columns, f"row {number}"), position["at"], number
        return
    source.seek(checkpoint.offset)
    position["at"] = checkpoint.offset
    for line in lines():
        if line.strip():
            number += 1
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InputError(f"row {number}: not valid JSON ({exc})") from None
            yield record, position["at"], number


def _write_batch(client: OTSClient, table: str, rows: List[Tuple[Row, int]], sleep: Callable[[float], None]) -> None:
    """Put ``rows`` ((row, row number)) with BatchWriteRow, re-sending rows that failed transiently."""
    pending = rows
    for attempt in range(_ROW_ATTEMPTS):
        request = BatchWriteRowRequest()
        items = [PutRowItem(row, Condition(RowExistenceExpectation.IGNORE)) for row, _ in pending]
        request.add(TableInBatchWriteRowItem(table, items))
        _, failed = client.batch_write_row(request).get_put()
        if not failed:
            return
        fatal = [f for f in failed if f.error_code not in _RETRYABLE_ROW_ERRORS]
        if fatal or attempt == _ROW_ATTEMPTS - 1:
            worst = (fatal or failed)[0]
            number = pending[worst.index or 0][1]
            raise TransferError(f"row {number} was refused: {worst.error_code}: {worst.error_message}")
        pending = [pending[f.index or 0] for f in failed]
        sleep(min(2.0, 0.05 * 2 ** attempt))


def _batches(source: Any, fmt: str, checkpoint: Checkpoint, schema: Schema) -> Iterator[Tuple[List[Tuple[Row, int]], int, int]]:
    """``(rows, end offset, last row number)`` for each batch after the checkpoint."""
    batch: List[Tuple[Row, int]] = []
    size, start, number = 0, checkpoint.offset, checkpoint.rows
    for record, end, number in _records(source, fmt, checkpoint, schema):
        batch.append((schema.row(record, f"row {number}"), number))
        size, start = size + end - start, end
        if len(batch) >= _MAX_BATCH_ROWS or size >= _MAX_BATCH_BYTES:
            yield batch, end, number
            batch, size = [], 0
    if batch:
        yield batch, start, number


def import_rows(
    client: OTSClient,
    table: str,
    schema: Schema,
    source_path: Path,
    fmt: str,
    checkpoint: Checkpoint,
    progress: Callable[[int, int], None],
    workers: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Import every record after the checkpoint; returns the number sent by this run.

    Up to ``workers`` batches are in flight; the checkpoint only ever moves past a batch
    once it and every batch before it are acknowledged. ``progress(bytes_done,
    rows_done)`` is called after each such move.
    """
    sent = 0
    in_flight: Deque[Tuple["Future[None]", int, int, int]] = deque()

    def commit_oldest() -> None:
        nonlocal sent
        future, end, number, count = in_flight.popleft()
        future.result()  # raises the batch's error
        sent += count
        checkpoint.offset, checkpoint.rows = end, number
        checkpoint.save()
        progress(end, number)

    with source_path.open("rb") as source, ThreadPoolExecutor(workers) as pool:
        try:
            for rows, end, number in _batches(source, fmt, checkpoint, schema):
                future = pool.submit(_write_batch, client, table, rows, sleep)
                in_flight.append((future, end, number, len(rows)))
                while len(in_flight) >= workers or (in_flight and in_flight[0][0].done()):
                    commit_oldest()
            while in_flight:
                commit_oldest()
        finally:
            for future, *_ in in_flight:
                future.cancel()
    return sent


# --- export -------------------------------------------------------------------------------

def _start_key(checkpoint: Checkpoint, schema: Schema) -> Optional[List[Tuple[str, Any]]]:
    """Where to read next: the table's start (not begun), a key, or None (all read)."""
    if checkpoint.next_start is None:
        return [(name, INF_MIN) for name in schema.names]
    return [(name, from_json(value, "checkpoint")) for name, value in checkpoint.next_start] or None


def _pages(client: OTSClient, table: str, schema: Schema, checkpoint: Checkpoint) -> Iterator[List[Row]]:
    """GetRange pages from the checkpoint's next start key until the table ends."""
    start = _start_key(checkpoint, schema)
    end = [(name, INF_MAX) for name in schema.names]
    while start:
        _, next_start, rows, _ = client.get_range(table, Direction.FORWARD, start, end, max_version=1)
        checkpoint.next_start = [[n, to_json(v)] for n, v in next_start or []]
        yield rows
        start = next_start


def export_rows(
    client: OTSClient,
    table: str,
    schema: Schema,
    part_path: Path,
    checkpoint: Checkpoint,
    progress: Callable[[int], None],
) -> None:
    """Scan the table into the part file (JSON lines), continuing from the checkpoint."""
    columns = [tuple(c) for c in checkpoint.columns]
    seen = set(columns)
    written = part_path.stat().st_size if part_path.exists() else 0
    if written < checkpoint.offset:
        raise TransferError(f"{part_path} is missing or shorter than its checkpoint; pass --restart")
    mode = "r+b" if checkpoint.offset else "wb"
    with part_path.open(mode) as part:
        part.seek(checkpoint.offset)
        part.truncate()
        for rows in _pages(client, table, schema, checkpoint):
            for row in rows:
                record = schema.record(row)
                part.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
                for column in _typed_columns(row):
                    if column not in seen:
                        seen.add(column)
                        columns.append(column)
            part.flush()
            checkpoint.offset = part.tell()
            checkpoint.rows += len(rows)
            checkpoint.columns = [list(c) for c in columns]
            checkpoint.save()
            progress(checkpoint.rows)


def _typed_columns(row: Row) -> Iterator[Tuple[str, str]]:
    for name, value in row.primary_key:
        yield name, type_of(value)
    for name, value, *_ in row.attribute_columns or []:
        yield name, type_of(value)


def finish_export(part_path: Path, output: Path, fmt: str, columns: List[List[str]]) -> None:
    """Turn the complete part file into the output: renamed (JSON lines) or converted (CSV)."""
    if fmt == "jsonl":
        os.replace(part_path, output)
        return
    typed = [(name, type_name) for name, type_name in columns]
    temporary = output.with_name(output.name + ".tmp")
    with part_path.open("r", encoding="utf-8") as part, temporary.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([f"{name}:{type_name}" for name, type_name in typed])
        for line in part:
            record = json.loads(line)
            writer.writerow([_csv_cell(record.get(name), type_name) for name, type_name in typed])
    os.replace(temporary, output)
    part_path.unlink()


def _csv_cell(value: Any, type_name: str) -> str:
    if value is None:
        return ""
    value = from_json(value, "part file")
    return to_text(value) if type_of(value) == type_name else ""
