"""The upload flows: one PutObject below the part size, else a checkpointed multipart upload
whose parts go in parallel and whose combined CRC-64 is checked against the service's."""
from __future__ import annotations

import os
from typing import IO, Any, Dict, Iterator, List, Optional

from alicloud_storage.oss import models
from alicloud_storage.oss.crc64 import crc64
from alicloud_storage.oss.exceptions import FileNotExist, InconsistentError, OperationError, ServiceError
from alicloud_storage.oss.transfer.checkpoint import Checkpoint, DonePart
from alicloud_storage.oss.transfer.driver import Flow, Parallel, call
from alicloud_storage.oss.transfer.models import UploaderOptions, UploadError, UploadResult
from alicloud_storage.oss.transfer.plan import PartSpan, Progress, carry, combined_crc, fit_part_size, header_value, split

__all__ = ["upload_file_flow", "upload_from_flow"]


def _result(result: Any, upload_id: Optional[str], crc: Optional[int]) -> UploadResult:
    hash_crc64 = getattr(result, "hash_crc64", None) or header_value(result.headers, "x-oss-hash-crc64ecma")
    if crc is not None and hash_crc64 and hash_crc64.isdigit() and int(hash_crc64) != crc:
        raise InconsistentError(client_crc=crc, server_crc=int(hash_crc64))
    return UploadResult(upload_id=upload_id, etag=result.etag, version_id=result.version_id,
                        hash_crc64=hash_crc64, status=result.status, status_code=result.status_code,
                        request_id=result.request_id, headers=dict(result.headers))


def _put(client: Any, request: models.PutObjectRequest, data: bytes, progress: Progress) -> Flow:
    result = yield from call(client, "PutObject", carry(request, models.PutObjectRequest, body=data,
                                                        progress_fn=None))
    progress.add(len(data))
    return _result(result, None, None)


class _Multipart:
    """One multipart upload: its checkpoint, parts and completion."""

    def __init__(self, client: Any, request: models.PutObjectRequest, options: UploaderOptions,
                 checkpoint: Checkpoint, progress: Progress) -> None:
        self.client = client
        self.request = request
        self.options = options
        self.checkpoint = checkpoint
        self.progress = progress
        self.spans: Dict[int, PartSpan] = {}

    def begin(self) -> Flow:
        """Reuse the checkpoint's upload when the service still has it, else initiate one."""
        checkpoint = self.checkpoint
        if checkpoint.upload_id:
            listed = yield from self._listed_parts(checkpoint.upload_id)
            if listed is not None:
                for part in checkpoint.sorted_parts():
                    if listed.get(part.number) != part.etag:
                        del checkpoint.parts[part.number]
                return
        init = yield from call(self.client, "InitiateMultipartUpload",
                               carry(self.request, models.InitiateMultipartUploadRequest))
        checkpoint.start(init.upload_id)

    def _listed_parts(self, upload_id: str) -> Flow:
        parts = {}
        marker = None
        while True:
            try:
                page = yield from call(self.client, "ListParts", models.ListPartsRequest(
                    bucket=self.request.bucket, key=self.request.key, upload_id=upload_id,
                    part_number_marker=marker, request_payer=self.request.request_payer))
            except OperationError as exc:
                inner = exc.unwrap()
                if isinstance(inner, ServiceError) and inner.code == "NoSuchUpload":
                    return None
                raise
            for part in page.parts or []:
                parts[part.part_number] = part.etag
            if not page.is_truncated:
                return parts
            marker = page.next_part_number_marker

    def part(self, span: PartSpan, body: Any) -> Flow:
        """Send one part (bytes, or a ``_Section`` streamed from the file) and record it."""
        self.spans[span.number] = span
        result = yield from call(self.client, "UploadPart", models.UploadPartRequest(
            bucket=self.request.bucket, key=self.request.key, part_number=span.number,
            upload_id=self.checkpoint.upload_id, body=body, request_payer=self.request.request_payer))
        crc = result.hash_crc64  # the client has checked it against the bytes it sent
        if not (crc and crc.isdigit()):
            crc = str(body.crc64() if isinstance(body, _Section) else crc64(body))
        self.checkpoint.done(DonePart(span.number, int(crc), result.etag or ""))
        self.progress.add(span.size)

    def complete(self) -> Flow:
        """CompleteMultipartUpload with every part; the service's CRC-64 must be the combined one."""
        parts: List[DonePart] = self.checkpoint.sorted_parts()
        result = yield from call(self.client, "CompleteMultipartUpload", models.CompleteMultipartUploadRequest(
            bucket=self.request.bucket, key=self.request.key, upload_id=self.checkpoint.upload_id,
            acl=self.request.acl, forbid_overwrite=self.request.forbid_overwrite,
            request_payer=self.request.request_payer,
            complete_multipart_upload=models.CompleteMultipartUpload(
                parts=[models.UploadPart(part_number=p.number, etag=p.etag) for p in parts])))
        self.checkpoint.remove()
        return _result(result, self.checkpoint.upload_id, combined_crc(parts, self.spans))

    def abort(self) -> Flow:
        """Drop the parts sent (unless told to keep them or a checkpoint will resume them)."""
        if self.checkpoint.upload_id and not (self.options.leave_parts_on_error or self.options.enable_checkpoint):
            try:
                yield from call(self.client, "AbortMultipartUpload", models.AbortMultipartUploadRequest(
                    bucket=self.request.bucket, key=self.request.key, upload_id=self.checkpoint.upload_id,
                    request_payer=self.request.request_payer))
            except OperationError:
                pass

    def run(self, parts: Iterator[Flow], path: str) -> Flow:
        """begin, the parts in parallel (pulled after begin), complete; abort on failure."""
        try:
            yield from self.begin()
            yield Parallel(parts, self.options.parallel_num)
            return (yield from self.complete())
        except Exception as exc:
            yield from self.abort()
            raise UploadError(upload_id=self.checkpoint.upload_id, path=path, error=exc) from None


def upload_file_flow(client: Any, request: models.PutObjectRequest, filepath: str,
                     options: UploaderOptions) -> Flow:
    """Upload a local file (resumable when ``enable_checkpoint``)."""
    if not os.path.isfile(filepath):
        raise UploadError(upload_id=None, path=filepath, error=FileNotExist(filepath=filepath))
    stat = os.stat(filepath)
    total = stat.st_size
    progress = Progress(request.progress_fn, total)
    part_size = fit_part_size(options.part_size, total)
    if total <= part_size:
        with open(filepath, "rb") as file:
            data = file.read()
        return (yield from _put(client, request, data, progress))
    identity = {"kind": "upload", "bucket": request.bucket, "key": request.key,
                "file": os.path.abspath(filepath), "size": total, "mtime_ns": stat.st_mtime_ns,
                "part_size": part_size}
    checkpoint = Checkpoint.open(options.checkpoint_dir, ".ucp", identity, options.enable_checkpoint)
    job = _Multipart(client, request, options, checkpoint, progress)
    spans = split(total, part_size)
    job.spans = {s.number: s for s in spans}

    def read_and_send(span: PartSpan) -> Flow:
        with open(filepath, "rb") as file:
            return (yield from job.part(span, _Section(file, span.offset, span.size)))

    def parts() -> Iterator[Flow]:
        todo = [s for s in spans if s.number not in checkpoint.parts]
        progress.add(total - sum(s.size for s in todo))
        for span in todo:
            yield read_and_send(span)

    return (yield from job.run(parts(), filepath))


class _Section:
    """A read-only, seekable window on part of a file: a part's body streamed from disk."""

    def __init__(self, file: IO[bytes], offset: int, size: int) -> None:
        self._file, self._offset, self._size, self._position = file, offset, size, 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the window."""
        left = self._size - self._position
        want = left if size is None or size < 0 else min(size, left)
        self._file.seek(self._offset + self._position)
        data = self._file.read(want)
        if len(data) != want:
            raise OSError(f"{getattr(self._file, 'name', 'the file')} changed while being uploaded")
        self._position += len(data)
        return data

    def seekable(self) -> bool:
        """True."""
        return True

    def tell(self) -> int:
        """The position in the window."""
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move within the window."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = min(max(base + offset, 0), self._size)
        return self._position

    def crc64(self) -> int:
        """CRC-64 of the window's bytes (read again)."""
        crc, saved = 0, self._position
        self.seek(0)
        for block in iter(lambda: self.read(1 << 20), b""):
            crc = crc64(block, crc)
        self.seek(saved)
        return crc


def _stream_size(reader: IO[bytes]) -> int:
    try:
        here = reader.tell()
        end = reader.seek(0, os.SEEK_END)
        reader.seek(here)
        return int(end - here)
    except (AttributeError, OSError, ValueError):
        return -1


def upload_from_flow(client: Any, request: models.PutObjectRequest, reader: IO[bytes],
                     options: UploaderOptions) -> Flow:
    """Upload a stream: parts read one after another, sent in parallel."""
    total = _stream_size(reader)
    part_size = fit_part_size(options.part_size, max(total, 0))
    progress = Progress(request.progress_fn, total)
    first = reader.read(part_size)
    if len(first) < part_size:
        return (yield from _put(client, request, first, progress))
    job = _Multipart(client, request, options, Checkpoint({}), progress)

    def parts() -> Iterator[Flow]:
        number, offset, data = 1, 0, first
        while data:
            span = PartSpan(number, offset, len(data))
            yield job.part(span, data)
            number, offset = number + 1, offset + len(data)
            data = reader.read(part_size)

    return (yield from job.run(parts(), f"oss://{request.bucket}/{request.key}"))
