"""Object bytes: immutable blobs in files under the data directory, or in memory.

A blob is written through a :class:`BlobWriter` (to a temporary name, with its size,
MD5 and CRC-64 computed on the way) and appears under its final name only on
``finish()``; metadata referring to it is committed afterwards, so a crash leaves at
most an unreferenced file, which :meth:`BlobStore.sweep` removes at the next start.
Blobs never change: an object is a list of segments (blob id, size), so appends and
multipart completes add segments instead of rewriting bytes, and copies hard-link.
"""
from __future__ import annotations

import base64
import hashlib
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Collection, Dict, Iterator, List, Optional, Sequence, Tuple

from alicloud_storage.oss.crc64 import Crc64

__all__ = [
    "CHUNK", "Digest", "Segment", "BlobWriter", "BlobStore", "FileBlobStore", "MemoryBlobStore",
    "pieces",
]

CHUNK = 1024 * 1024  # read size when streaming a blob out

Segment = Tuple[str, int]
"""One piece of an object: (blob id, size in bytes)."""


@dataclass(frozen=True)
class Digest:
    """What a finished blob holds: its id, size, MD5 (raw) and CRC-64."""

    blob_id: str
    size: int
    md5: bytes
    crc64: int

    @property
    def md5_hex(self) -> str:
        """Upper-case hex MD5 (the ETag's text)."""
        return self.md5.hex().upper()

    @property
    def md5_base64(self) -> str:
        """The Content-MD5 form of the MD5."""
        return base64.b64encode(self.md5).decode("ascii")


class BlobWriter:
    """One blob being written: ``write`` chunks, then ``finish`` or ``discard``."""

    def __init__(self, blob_id: str) -> None:
        self.blob_id = blob_id
        self.size = 0
        self._md5 = hashlib.md5()
        self._crc = Crc64()

    def write(self, data: bytes) -> None:
        """Append ``data`` (hashes are updated on the way)."""
        self._md5.update(data)
        self._crc.update(data)
        self.size += len(data)
        self._store(data)

    def write_many(self, chunks: Sequence[bytes]) -> None:
        """``write`` each chunk, without joining them first (a worker thread calls this)."""
        for chunk in chunks:
            self.write(chunk)

    def digest(self) -> Digest:
        """The size and hashes of what was written so far."""
        return Digest(self.blob_id, self.size, self._md5.digest(), self._crc.value)

    def finish(self) -> Digest:
        """Make the blob readable under its id (not yet referenced by any metadata)."""
        self._publish()
        return self.digest()

    def discard(self) -> None:
        """Forget what was written (a failed or rejected upload)."""

    def _store(self, data: bytes) -> None:
        raise NotImplementedError

    def _publish(self) -> None:
        raise NotImplementedError


class BlobStore:
    """Where blobs live; the emulator's OSS metadata refers to them by id."""

    def writer(self) -> BlobWriter:
        """A writer for a new blob."""
        raise NotImplementedError

    def read(self, blob_id: str, offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        """The blob's bytes from ``offset`` (``length`` of them, or to the end), in chunks."""
        raise NotImplementedError

    def clone(self, blob_id: str) -> str:
        """A new blob with the same bytes (a hard link for files)."""
        raise NotImplementedError

    def delete(self, blob_ids: Collection[str]) -> None:
        """Drop blobs no metadata refers to any more (missing ones are ignored)."""
        raise NotImplementedError

    def path(self, blob_id: str) -> Optional[str]:
        """The file of a blob (for sendfile), or None in memory."""
        return None

    def sweep(self, referenced: Collection[str]) -> int:
        """Remove temporary files and blobs not in ``referenced``; returns how many."""
        raise NotImplementedError

    def clear(self) -> None:
        """Drop every finished blob (one being written is its writer's to finish or discard)."""
        raise NotImplementedError

    def read_segments(
        self, segments: Sequence[Segment], offset: int = 0, length: Optional[int] = None
    ) -> Iterator[bytes]:
        """Bytes ``offset``..``offset+length`` of an object made of ``segments``."""
        for blob_id, start, count in pieces(segments, offset, length):
            yield from self.read(blob_id, start, count)


def pieces(
    segments: Sequence[Segment], offset: int = 0, length: Optional[int] = None
) -> Iterator[Tuple[str, int, int]]:
    """(blob id, offset in it, byte count) covering ``offset``..``offset+length`` of an
    object made of ``segments``."""
    remaining = sum(size for _, size in segments) - offset if length is None else length
    for blob_id, size in segments:
        if remaining <= 0:
            return
        if offset >= size:
            offset -= size
            continue
        take = min(size - offset, remaining)
        yield blob_id, offset, take
        remaining -= take
        offset = 0


def _new_id() -> str:
    return uuid.uuid4().hex


# --- files -----------------------------------------------------------------------------

class _FileWriter(BlobWriter):
    def __init__(self, blob_id: str, temp: str, final: str) -> None:
        super().__init__(blob_id)
        self._temp = temp
        self._final = final
        self._file: Optional[IO[bytes]] = open(temp, "wb")  # noqa: SIM115 (closed in finish)

    def _store(self, data: bytes) -> None:
        assert self._file is not None
        self._file.write(data)

    def _publish(self) -> None:
        assert self._file is not None
        self._file.close()
        self._file = None
        os.makedirs(os.path.dirname(self._final), exist_ok=True)
        os.replace(self._temp, self._final)

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        for path in (self._temp, self._final):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


class FileBlobStore(BlobStore):
    """Blobs as files ``<root>/blobs/<id[:2]>/<id>``; unfinished ones in ``<root>/tmp``."""

    def __init__(self, root: Path) -> None:
        self._blobs = root / "blobs"
        self._temp = root / "tmp"
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._temp.mkdir(parents=True, exist_ok=True)
        self._blobs_text, self._temp_text = str(self._blobs), str(self._temp)

    def _path(self, blob_id: str) -> str:  # strings: pathlib costs more than a small GET
        return os.path.join(self._blobs_text, blob_id[:2], blob_id)

    def writer(self) -> BlobWriter:
        blob_id = _new_id()
        return _FileWriter(blob_id, os.path.join(self._temp_text, blob_id), self._path(blob_id))

    def read(self, blob_id: str, offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        with open(self._path(blob_id), "rb") as file:
            file.seek(offset)
            remaining = -1 if length is None else length
            while remaining:
                chunk = file.read(CHUNK if remaining < 0 else min(CHUNK, remaining))
                if not chunk:
                    return
                if remaining > 0:
                    remaining -= len(chunk)
                yield chunk

    def clone(self, blob_id: str) -> str:
        new_id = _new_id()
        target = self._path(new_id)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(self._path(blob_id), target)
        except OSError:  # no hard links here: copy through a temporary name
            temp = os.path.join(self._temp_text, new_id)
            shutil.copyfile(self._path(blob_id), temp)
            os.replace(temp, target)
        return new_id

    def delete(self, blob_ids: Collection[str]) -> None:
        for blob_id in blob_ids:
            try:
                os.unlink(self._path(blob_id))
            except FileNotFoundError:
                pass

    def path(self, blob_id: str) -> Optional[str]:
        return self._path(blob_id)

    def sweep(self, referenced: Collection[str]) -> int:
        keep = set(referenced)
        removed = 0
        for path in list(self._temp.iterdir()):
            path.unlink()
            removed += 1
        for shard in list(self._blobs.iterdir()):
            for path in list(shard.iterdir()):
                if path.name not in keep:
                    path.unlink()
                    removed += 1
        return removed

    def clear(self) -> None:
        shutil.rmtree(self._blobs, ignore_errors=True)
        self._blobs.mkdir(parents=True, exist_ok=True)


# --- memory ----------------------------------------------------------------------------

class _MemoryWriter(BlobWriter):
    def __init__(self, blob_id: str, store: "MemoryBlobStore") -> None:
        super().__init__(blob_id)
        self._store_ref = store
        self._chunks: List[bytes] = []

    def _store(self, data: bytes) -> None:
        self._chunks.append(bytes(data))

    def _publish(self) -> None:
        self._store_ref._put(self.blob_id, b"".join(self._chunks))
        self._chunks = []

    def discard(self) -> None:
        self._chunks = []
        self._store_ref.delete([self.blob_id])


class MemoryBlobStore(BlobStore):
    """Blobs as ``bytes`` in a dict (``--memory``); the same limits apply."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: Dict[str, bytes] = {}

    def _put(self, blob_id: str, data: bytes) -> None:
        with self._lock:
            self._data[blob_id] = data

    def writer(self) -> BlobWriter:
        return _MemoryWriter(_new_id(), self)

    def read(self, blob_id: str, offset: int = 0, length: Optional[int] = None) -> Iterator[bytes]:
        data = memoryview(self._data[blob_id])
        end = len(data) if length is None else min(len(data), offset + length)
        for start in range(offset, end, CHUNK):
            yield bytes(data[start:min(start + CHUNK, end)])

    def clone(self, blob_id: str) -> str:
        new_id = _new_id()
        self._put(new_id, self._data[blob_id])
        return new_id

    def delete(self, blob_ids: Collection[str]) -> None:
        with self._lock:
            for blob_id in blob_ids:
                self._data.pop(blob_id, None)

    def sweep(self, referenced: Collection[str]) -> int:
        keep = set(referenced)
        with self._lock:
            gone = [b for b in self._data if b not in keep]
            for blob_id in gone:
                del self._data[blob_id]
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
