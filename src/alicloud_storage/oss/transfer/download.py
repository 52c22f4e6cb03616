"""The download flow: ranged GETs in parallel into a temporary file, each range bound to the
object's ETag (a changed object fails, never mixes), the combined CRC-64 checked, then the
file renamed into place; a checkpoint lets a re-run fetch only the missing ranges."""
from __future__ import annotations

import os
import threading
from typing import IO, Any, Iterator, List

from alicloud_storage.oss import models
from alicloud_storage.oss.crc64 import Crc64, crc64
from alicloud_storage.oss.exceptions import InconsistentError
from alicloud_storage.oss.transfer.checkpoint import Checkpoint, DonePart
from alicloud_storage.oss.transfer.driver import Flow, Parallel, Sink, call
from alicloud_storage.oss.transfer.models import DownloaderOptions, DownloadError, DownloadResult
from alicloud_storage.oss.transfer.plan import PartSpan, Progress, carry, combined_crc, split

__all__ = ["download_file_flow", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".temp"
_VERIFY_BLOCK = 1 << 20


class _Writer:
    """Positional writes into one file from several parts."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._lock = threading.Lock()

    def write_at(self, offset: int, data: bytes) -> None:
        """Write ``data`` at ``offset``."""
        with self._lock:
            self._file.seek(offset)
            view = memoryview(data)
            while view:
                written = self._file.write(view)
                view = view[written or 0:]


def _crc_of(path: str, span: PartSpan) -> int:
    crc = 0
    with open(path, "rb") as file:
        file.seek(span.offset)
        left = span.size
        while left:
            block = file.read(min(left, _VERIFY_BLOCK))
            if not block:
                break
            crc = crc64(block, crc)
            left -= len(block)
    return crc


def download_file_flow(client: Any, request: models.GetObjectRequest, filepath: str,
                       options: DownloaderOptions) -> Flow:
    """Download an object into ``filepath`` (resumable when ``enable_checkpoint``)."""
    try:
        return (yield from _download(client, request, filepath, options))
    except DownloadError:
        raise
    except Exception as exc:
        raise DownloadError(path=filepath, error=exc) from None


def _download(client: Any, request: models.GetObjectRequest, filepath: str, options: DownloaderOptions) -> Flow:
    head = yield from call(client, "HeadObject", carry(request, models.HeadObjectRequest))
    total = int(head.content_length or 0)
    spans = split(total, options.part_size)
    by_number = {s.number: s for s in spans}
    identity = {"kind": "download", "bucket": request.bucket, "key": request.key, "version": request.version_id,
                "file": os.path.abspath(filepath), "etag": head.etag, "size": total,
                "mtime": head.last_modified.isoformat() if head.last_modified else None,
                "part_size": options.part_size}
    checkpoint = Checkpoint.open(options.checkpoint_dir, ".dcp", identity, options.enable_checkpoint)
    target = filepath + TEMP_SUFFIX if options.use_temp_file else filepath
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    if not os.path.isfile(target) or os.path.getsize(target) != total:
        checkpoint.parts.clear()
    if options.verify_data:
        for part in checkpoint.sorted_parts():
            if _crc_of(target, by_number[part.number]) != part.crc64:
                del checkpoint.parts[part.number]
    if not checkpoint.parts:
        with open(target, "wb") as fresh:
            fresh.truncate(total)
    progress = Progress(request.progress_fn, total)
    with open(target, "r+b", buffering=0) as file:
        writer = _Writer(file)

        def fetch(span: PartSpan) -> Flow:
            result = yield from call(client, "GetObject", carry(
                request, models.GetObjectRequest, range_header=span.range_header, range_behavior="standard",
                if_match=head.etag, progress_fn=None))
            crc = Crc64()
            position = [span.offset]

            def write(chunk: bytes) -> None:
                crc.update(chunk)
                writer.write_at(position[0], chunk)
                position[0] += len(chunk)

            count = yield Sink(result.body, write)
            if count != span.size:
                raise InconsistentError(client_crc=count, server_crc=span.size)
            checkpoint.done(DonePart(span.number, crc.value))
            progress.add(count)

        def parts() -> Iterator[Flow]:
            todo = [s for s in spans if s.number not in checkpoint.parts]
            progress.add(total - sum(s.size for s in todo))
            for span in todo:
                yield fetch(span)

        yield Parallel(parts(), options.parallel_num)
    done: List[DonePart] = checkpoint.sorted_parts()
    crc = combined_crc(done, by_number)
    if head.hash_crc64 and head.hash_crc64.isdigit() and int(head.hash_crc64) != crc:
        checkpoint.remove()
        if target != filepath:
            os.remove(target)
        raise DownloadError(path=filepath, error=InconsistentError(client_crc=crc, server_crc=int(head.hash_crc64)))
    if target != filepath:
        os.replace(target, filepath)
    checkpoint.remove()
    return DownloadResult(written=total)
