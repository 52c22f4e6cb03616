"""File objects over OSS objects (``alibabacloud_oss_v2``'s ``open_file`` / ``append_file``).

``ReadOnlyFile`` is a seekable binary reader: each read is a ranged GET bound to the ETag
seen at open (a changed object fails rather than mixing versions); with ``enable_prefetch``
a sequential reader past ``prefetch_threshold`` gets the next ``prefetch_num`` chunks
fetched ahead on threads. ``AppendOnlyFile`` appends with AppendObject at the position
the service reports, creating the object on the first write with ``create_parameter``.
"""
from __future__ import annotations

import io
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Dict, Optional

from alicloud_storage.oss import models
from alicloud_storage.oss.exceptions import OperationError, ParamInvalidError, ServiceError
from alicloud_storage.oss.transfer.models import DEFAULT_PARALLEL, DEFAULT_PART_SIZE
from alicloud_storage.oss.transfer.plan import carry

__all__ = ["ReadOnlyFile", "AppendOnlyFile", "DEFAULT_PREFETCH_THRESHOLD"]

DEFAULT_PREFETCH_THRESHOLD = 20 * 1024 * 1024


class ReadOnlyFile(io.RawIOBase):
    """A readable, seekable view of one object version."""

    def __init__(self, client: Any, bucket: str, key: str, version_id: Optional[str] = None,
                 request_payer: Optional[str] = None, enable_prefetch: bool = False,
                 prefetch_num: Optional[int] = None, chunk_size: Optional[int] = None,
                 prefetch_threshold: Optional[int] = None, block_size: Optional[int] = None) -> None:
        """Open ``bucket/key`` (HeadObject now: size, ETag, modification time)."""
        super().__init__()
        self._client = client
        self._request = models.GetObjectRequest(bucket=bucket, key=key, version_id=version_id,
                                                request_payer=request_payer)
        head = client.head_object(carry(self._request, models.HeadObjectRequest))
        self._name = f"{bucket}/{key}"
        self._size = int(head.content_length or 0)
        self._etag = head.etag
        self.last_modified = head.last_modified
        self._offset = 0
        self._chunk_size = chunk_size or DEFAULT_PART_SIZE
        self._prefetch_num = prefetch_num or DEFAULT_PARALLEL
        self._threshold = DEFAULT_PREFETCH_THRESHOLD if prefetch_threshold is None else prefetch_threshold
        self._pool: Optional[ThreadPoolExecutor] = (
            ThreadPoolExecutor(self._prefetch_num) if enable_prefetch else None)
        self._chunks: Dict[int, "Future[bytes]"] = {}
        self._sequential = 0

    @property
    def name(self) -> str:
        """``bucket/key``."""
        return self._name

    @property
    def mode(self) -> str:
        """Always ``rb``."""
        return "rb"

    def readable(self) -> bool:
        """True."""
        return True

    def seekable(self) -> bool:
        """True."""
        return True

    def tell(self) -> int:
        """The current offset."""
        self._check_open()
        return self._offset

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        """Move to ``pos`` (from the start, the current offset or the end)."""
        self._check_open()
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._offset, io.SEEK_END: self._size}.get(whence)
        if base is None or base + pos < 0:
            raise ParamInvalidError(field=f"seek: offset {pos}, whence {whence}")
        if base + pos != self._offset:
            self._sequential = 0
        self._offset = base + pos
        return self._offset

    def _fetch(self, index: int) -> bytes:
        start = index * self._chunk_size
        end = min(self._size, start + self._chunk_size) - 1
        result = self._client.get_object(carry(self._request, models.GetObjectRequest,
                                               range_header=f"bytes={start}-{end}", range_behavior="standard",
                                               if_match=self._etag))
        with result.body:
            data: bytes = result.body.read()
        return data

    def _chunk(self, index: int) -> bytes:
        future = self._chunks.get(index)
        if future is None:
            future = Future()
            future.set_result(self._fetch(index))
            self._chunks = {index: future}
        for stale in [i for i in self._chunks if i < index]:
            del self._chunks[stale]
        if self._pool is not None and self._sequential >= self._threshold:
            last = (self._size - 1) // self._chunk_size
            for ahead in range(index + 1, min(last, index + self._prefetch_num) + 1):
                if ahead not in self._chunks:
                    self._chunks[ahead] = self._pool.submit(self._fetch, ahead)
        return future.result()

    def read(self, size: Optional[int] = -1) -> bytes:
        """Up to ``size`` bytes from the current offset (the rest by default)."""
        self._check_open()
        want = self._size - self._offset if size is None or size < 0 else min(size, self._size - self._offset)
        out = bytearray()
        while len(out) < want:
            index, skip = divmod(self._offset, self._chunk_size)
            piece = self._chunk(index)[skip:skip + want - len(out)]
            if not piece:
                break
            out += piece
            self._offset += len(piece)
            self._sequential += len(piece)
        return bytes(out)

    def readall(self) -> bytes:
        """Everything from the current offset."""
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer``; the number of bytes read."""
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    def close(self) -> None:
        """Stop prefetching and drop the buffers."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._chunks = {}
        super().close()

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file.")


class AppendOnlyFile(io.RawIOBase):
    """Appends to an Appendable object (created on the first write when missing)."""

    def __init__(self, client: Any, bucket: str, key: str, request_payer: Optional[str] = None,
                 create_parameter: Optional[models.AppendObjectRequest] = None) -> None:
        """Open ``bucket/key`` for appending at its current end."""
        super().__init__()
        self._client = client
        self._bucket = bucket
        self._key = key
        self._request_payer = request_payer
        self._create = create_parameter
        self._position = 0
        try:
            head = client.head_object(models.HeadObjectRequest(bucket=bucket, key=key, request_payer=request_payer))
        except OperationError as exc:
            inner = exc.unwrap()
            if not (isinstance(inner, ServiceError) and inner.status_code == 404):
                raise
        else:
            if head.object_type != "Appendable":
                raise ParamInvalidError(field=f"{bucket}/{key}: not an Appendable object ({head.object_type})")
            self._position = int(head.content_length or 0)

    @property
    def name(self) -> str:
        """``bucket/key``."""
        return f"{self._bucket}/{self._key}"

    @property
    def mode(self) -> str:
        """Always ``ab``."""
        return "ab"

    def writable(self) -> bool:
        """True."""
        return True

    def tell(self) -> int:
        """The object's length so far (the next append position)."""
        return self._position

    def write(self, data: Any) -> int:
        """Append ``data``; the number of bytes written."""
        payload = bytes(data)
        return self._append(payload) if payload else 0

    def write_from(self, body: Any) -> int:
        """Append a body of any kind ``put_object`` accepts (bytes, str, a file, an iterator)."""
        return self._append(body)

    def _append(self, body: Any) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        base = self._create if self._position == 0 and self._create is not None else models.AppendObjectRequest()
        request = carry(base, models.AppendObjectRequest, bucket=self._bucket, key=self._key,
                        position=self._position, body=body, request_payer=self._request_payer)
        result = self._client.append_object(request)
        before, self._position = self._position, int(result.next_position or 0)
        return self._position - before
