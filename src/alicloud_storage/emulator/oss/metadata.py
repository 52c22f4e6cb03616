"""OSS metadata in SQLite (WAL): buckets, objects, multipart uploads and their parts.

Object bytes never live here: an object row lists its segments (blob ids). Each write is
one transaction, committed after its blobs are in place, so an acknowledged write
survives a process crash and an unacknowledged one leaves no row. Keys are TEXT with
the binary collation: UTF-8 byte order, which is the listing order.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from alicloud_storage.emulator.oss.blobs import Segment

__all__ = [
    "BucketRecord", "ObjectRecord", "UploadRecord", "PartRecord", "Metadata", "Tags", "successor",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, created REAL NOT NULL, acl TEXT NOT NULL,
    storage_class TEXT NOT NULL, redundancy TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, segments TEXT NOT NULL, size INTEGER NOT NULL,
    etag TEXT NOT NULL, crc64 TEXT NOT NULL, content_md5 TEXT, mtime REAL NOT NULL,
    type TEXT NOT NULL, storage_class TEXT NOT NULL, acl TEXT NOT NULL, headers TEXT NOT NULL,
    meta TEXT NOT NULL, tags TEXT NOT NULL, symlink_target TEXT, restored INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated REAL NOT NULL,
    storage_class TEXT NOT NULL, acl TEXT NOT NULL, headers TEXT NOT NULL, meta TEXT NOT NULL,
    tags TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL, number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
    md5 TEXT NOT NULL, crc64 TEXT NOT NULL, mtime REAL NOT NULL,
    PRIMARY KEY (upload_id, number)
) WITHOUT ROWID;
"""

Tags = Tuple[Tuple[str, str], ...]


@dataclass(frozen=True)
class BucketRecord:
    """A bucket: name, creation time, ACL, storage class, redundancy type."""

    name: str
    created: float
    acl: str = "private"
    storage_class: str = "Standard"
    redundancy: str = "LRS"


@dataclass(frozen=True)
class ObjectRecord:
    """An object: where its bytes are and everything answered about it."""

    bucket: str
    key: str
    segments: Tuple[Segment, ...]
    size: int
    etag: str  # upper-case hex, without quotes; multipart ones end in "-N"
    crc64: int
    content_md5: Optional[str]
    mtime: float
    type: str = "Normal"  # Normal | Multipart | Appendable | Symlink
    storage_class: str = "Standard"
    acl: str = "default"
    headers: Dict[str, str] = field(default_factory=dict)  # content-type, cache-control, ...
    meta: Dict[str, str] = field(default_factory=dict)  # x-oss-meta-* without the prefix
    tags: Tags = ()
    symlink_target: Optional[str] = None
    restored: bool = False

    def blob_ids(self) -> List[str]:
        """The blobs this object owns."""
        return [blob for blob, _ in self.segments]


@dataclass(frozen=True)
class UploadRecord:
    """A multipart upload in progress and the object settings given at Initiate."""

    upload_id: str
    bucket: str
    key: str
    initiated: float
    storage_class: str = "Standard"
    acl: str = "default"
    headers: Dict[str, str] = field(default_factory=dict)
    meta: Dict[str, str] = field(default_factory=dict)
    tags: Tags = ()


@dataclass(frozen=True)
class PartRecord:
    """One uploaded part: its blob, size, MD5 (upper hex) and CRC-64."""

    upload_id: str
    number: int
    blob_id: str
    size: int
    md5: str
    crc64: int
    mtime: float


def successor(prefix: str) -> Optional[str]:
    """The smallest string greater than every string starting with ``prefix``."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            nxt = last + 1
            if 0xD800 <= nxt <= 0xDFFF:
                nxt = 0xE000
            return prefix[:-1] + chr(nxt)
        prefix = prefix[:-1]
    return None


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Metadata:
    """The OSS metadata database; ``path=None`` keeps it in memory."""

    def __init__(self, path: Optional[str]) -> None:
        self._db = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a process crash
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write (nested calls join the outer one)."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def clear(self) -> None:
        """Forget everything."""
        with self.transaction():
            for table in ("buckets", "objects", "uploads", "parts"):
                self._db.execute(f"DELETE FROM {table}")

    def blob_ids(self) -> Set[str]:
        """Every blob some row refers to (what a sweep must keep)."""
        ids: Set[str] = {row[0] for row in self._db.execute("SELECT blob FROM parts")}
        for (segments,) in self._db.execute("SELECT segments FROM objects"):
            ids.update(blob for blob, _ in json.loads(segments))
        return ids

    # --- buckets -----------------------------------------------------------------------
    def get_bucket(self, name: str) -> Optional[BucketRecord]:
        """The bucket, or None."""
        row = self._db.execute(
            "SELECT name, created, acl, storage_class, redundancy FROM buckets WHERE name = ?",
            (name,)).fetchone()
        return None if row is None else BucketRecord(*row)

    def put_bucket(self, bucket: BucketRecord) -> None:
        """Create or update a bucket."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO buckets VALUES (?, ?, ?, ?, ?)",
                (bucket.name, bucket.created, bucket.acl, bucket.storage_class, bucket.redundancy))

    def delete_bucket(self, name: str) -> None:
        """Remove a bucket row."""
        with self.transaction():
            self._db.execute("DELETE FROM buckets WHERE name = ?", (name,))

    def list_buckets(self, prefix: str, after: str, limit: int) -> List[BucketRecord]:
        """Buckets named ``prefix…`` after ``after``, in name order."""
        rows = self._db.execute(
            "SELECT name, created, acl, storage_class, redundancy FROM buckets "
            "WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?",
            (after, len(prefix), prefix, limit))
        return [BucketRecord(*row) for row in rows]

    def count_buckets(self) -> int:
        """How many buckets exist."""
        return int(self._db.execute("SELECT count(*) FROM buckets").fetchone()[0])

    def bucket_usage(self, name: str) -> Tuple[int, int, int, float]:
        """(object count, bytes stored, multipart uploads, last modification)."""
        count, size, mtime = self._db.execute(
            "SELECT count(*), coalesce(sum(size), 0), coalesce(max(mtime), 0) FROM objects "
            "WHERE bucket = ?", (name,)).fetchone()
        uploads = self._db.execute(
            "SELECT count(*) FROM uploads WHERE bucket = ?", (name,)).fetchone()[0]
        return int(count), int(size), int(uploads), float(mtime)

    # --- objects -----------------------------------------------------------------------
    _OBJECT_COLUMNS = (
        "bucket, key, segments, size, etag, crc64, content_md5, mtime, type, storage_class, acl, "
        "headers, meta, tags, symlink_target, restored"
    )

    @staticmethod
    def _object(row: Sequence[Any]) -> ObjectRecord:
        (bucket, key, segments, size, etag, crc, md5, mtime, kind, storage_class, acl, headers,
         meta, tags, target, restored) = row
        return ObjectRecord(
            bucket, key, tuple((b, s) for b, s in json.loads(segments)), size, etag, int(crc), md5,
            mtime, kind, storage_class, acl, json.loads(headers), json.loads(meta),
            tuple((k, v) for k, v in json.loads(tags)), target, bool(restored))

    def get_object(self, bucket: str, key: str) -> Optional[ObjectRecord]:
        """The object, or None."""
        row = self._db.execute(
            f"SELECT {self._OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ?",
            (bucket, key)).fetchone()
        return None if row is None else self._object(row)

    def put_object(self, obj: ObjectRecord) -> Optional[ObjectRecord]:
        """Write an object row; returns the row it replaced (whose blobs are now free)."""
        with self.transaction():
            old = self.get_object(obj.bucket, obj.key)
            self._db.execute(
                f"INSERT OR REPLACE INTO objects ({self._OBJECT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (obj.bucket, obj.key, _json([list(s) for s in obj.segments]), obj.size, obj.etag,
                 str(obj.crc64), obj.content_md5, obj.mtime, obj.type, obj.storage_class, obj.acl,
                 _json(obj.headers), _json(obj.meta), _json([list(t) for t in obj.tags]),
                 obj.symlink_target, int(obj.restored)))
        return old

    def update_object(self, obj: ObjectRecord, **changes: Any) -> ObjectRecord:
        """Change fields of an existing object (ACL, tags, restore state); same blobs."""
        new = replace(obj, **changes)
        self.put_object(new)
        return new

    def delete_object(self, bucket: str, key: str) -> Optional[ObjectRecord]:
        """Remove an object row; returns it (its blobs are now free), or None."""
        with self.transaction():
            old = self.get_object(bucket, key)
            if old is not None:
                self._db.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        return old

    def scan_objects(
        self, bucket: str, prefix: str, start: str, inclusive: bool, limit: int
    ) -> List[ObjectRecord]:
        """Up to ``limit`` objects ``prefix…`` with keys from ``start`` (or after it)."""
        sql = f"SELECT {self._OBJECT_COLUMNS} FROM objects WHERE bucket = ?"
        args: List[Any] = [bucket]
        if start < prefix:
            start, inclusive = prefix, True
        sql += " AND key >= ?" if inclusive else " AND key > ?"
        args.append(start)
        end = successor(prefix)
        if end is not None:
            sql += " AND key < ?"
            args.append(end)
        sql += " ORDER BY key LIMIT ?"
        args.append(limit)
        return [self._object(row) for row in self._db.execute(sql, args)]

    def has_objects_or_uploads(self, bucket: str) -> bool:
        """Whether DeleteBucket must refuse (objects or unfinished uploads)."""
        return bool(self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM objects WHERE bucket = ?) "
            "OR EXISTS (SELECT 1 FROM uploads WHERE bucket = ?)", (bucket, bucket)).fetchone()[0] == 1)

    # --- multipart ---------------------------------------------------------------------
    def put_upload(self, upload: UploadRecord) -> None:
        """Record a new multipart upload."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (upload.upload_id, upload.bucket, upload.key, upload.initiated,
                 upload.storage_class, upload.acl, _json(upload.headers), _json(upload.meta),
                 _json([list(t) for t in upload.tags])))

    @staticmethod
    def _upload(row: Sequence[Any]) -> UploadRecord:
        upload_id, bucket, key, initiated, storage_class, acl, headers, meta, tags = row
        return UploadRecord(upload_id, bucket, key, initiated, storage_class, acl,
                            json.loads(headers), json.loads(meta),
                            tuple((k, v) for k, v in json.loads(tags)))

    def get_upload(self, upload_id: str) -> Optional[UploadRecord]:
        """The upload, or None."""
        row = self._db.execute("SELECT * FROM uploads WHERE upload_id = ?", (upload_id,)).fetchone()
        return None if row is None else self._upload(row)

    def scan_uploads(
        self, bucket: str, prefix: str, key_marker: str, upload_id_marker: str, limit: int
    ) -> List[UploadRecord]:
        """Uploads ``prefix…`` after (key_marker, upload_id_marker), in (key, id) order."""
        end = successor(prefix)
        rows = self._db.execute(
            "SELECT * FROM uploads WHERE bucket = ? AND key >= ? AND (? IS NULL OR key < ?) "
            "AND (key > ? OR (key = ? AND upload_id > ?)) ORDER BY key, upload_id LIMIT ?",
            (bucket, prefix, end, end, key_marker, key_marker, upload_id_marker, limit))
        return [self._upload(row) for row in rows]

    def put_part(self, part: PartRecord) -> Optional[str]:
        """Record a part; returns the blob of the part it replaced, if any."""
        with self.transaction():
            old = self._db.execute(
                "SELECT blob FROM parts WHERE upload_id = ? AND number = ?",
                (part.upload_id, part.number)).fetchone()
            self._db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                (part.upload_id, part.number, part.blob_id, part.size, part.md5, str(part.crc64),
                 part.mtime))
        return None if old is None else str(old[0])

    def parts(self, upload_id: str, after: int = 0, limit: int = -1) -> List[PartRecord]:
        """The upload's parts numbered > ``after``, in order."""
        rows = self._db.execute(
            "SELECT upload_id, number, blob, size, md5, crc64, mtime FROM parts "
            "WHERE upload_id = ? AND number > ? ORDER BY number LIMIT ?", (upload_id, after, limit))
        return [PartRecord(u, n, b, s, m, int(c), t) for u, n, b, s, m, c, t in rows]

    def delete_upload(self, upload_id: str) -> List[str]:
        """Forget an upload and its parts; returns the parts' blobs."""
        with self.transaction():
            blobs = [str(r[0]) for r in self._db.execute(
                "SELECT blob FROM parts WHERE upload_id = ?", (upload_id,))]
            self._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
            self._db.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return blobs
