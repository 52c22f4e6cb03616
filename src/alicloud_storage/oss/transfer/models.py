"""Options, results and errors of the transfer manager (``alibabacloud_oss_v2``'s names)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from alicloud_storage.oss.exceptions import BaseError

__all__ = [
    "DEFAULT_PART_SIZE", "DEFAULT_COPY_PART_SIZE", "DEFAULT_PARALLEL", "DEFAULT_COPY_THRESHOLD", "MAX_PARTS",
    "UploaderOptions", "DownloaderOptions", "CopierOptions", "UploadResult", "DownloadResult", "CopyResult",
    "UploadError", "DownloadError", "CopyError", "options_from",
]

DEFAULT_PART_SIZE = 6 * 1024 * 1024
DEFAULT_COPY_PART_SIZE = 64 * 1024 * 1024
DEFAULT_PARALLEL = 3
DEFAULT_COPY_THRESHOLD = 200 * 1024 * 1024
MAX_PARTS = 10000


@dataclass
class UploaderOptions:
    """How an Uploader splits and sends: part size, parallel parts, checkpoints."""

    part_size: int = DEFAULT_PART_SIZE
    parallel_num: int = DEFAULT_PARALLEL
    leave_parts_on_error: bool = False
    enable_checkpoint: bool = False
    checkpoint_dir: Optional[str] = None


@dataclass
class DownloaderOptions:
    """How a Downloader reads: part size, parallel ranges, temporary file, checkpoints."""

    part_size: int = DEFAULT_PART_SIZE
    parallel_num: int = DEFAULT_PARALLEL
    block_size: Optional[int] = None
    use_temp_file: bool = True
    enable_checkpoint: bool = False
    checkpoint_dir: Optional[str] = None
    verify_data: bool = False


@dataclass
class CopierOptions:
    """How a Copier copies: one CopyObject below the threshold, parallel UploadPartCopy above."""

    part_size: int = DEFAULT_COPY_PART_SIZE
    parallel_num: int = DEFAULT_PARALLEL
    multipart_copy_threshold: int = DEFAULT_COPY_THRESHOLD
    leave_parts_on_error: bool = False
    disable_shallow_copy: bool = False


def options_from(base: Any, kwargs: Dict[str, Any]) -> Any:
    """A copy of ``base`` with the known keyword arguments applied (non-positive sizes keep defaults)."""
    import dataclasses

    changes = {name: value for name, value in kwargs.items()
               if name in {f.name for f in dataclasses.fields(base)} and value is not None}
    merged = dataclasses.replace(base, **changes)
    defaults = type(base)()
    for name in ("part_size", "parallel_num"):
        if getattr(merged, name) <= 0:
            setattr(merged, name, getattr(defaults, name))
    return merged


@dataclass
class _Outcome:
    """What an upload or a copy reports: upload id (multipart), ETag, version, CRC-64."""

    upload_id: Optional[str] = None
    etag: Optional[str] = None
    version_id: Optional[str] = None
    hash_crc64: Optional[str] = None
    status: str = ""
    status_code: int = 0
    request_id: str = ""
    headers: Dict[str, str] = field(default_factory=dict)


@dataclass
class DownloadResult:
    """A download's outcome: the bytes written."""

    written: int = 0


@dataclass
class UploadResult(_Outcome):
    """An upload's outcome: upload id (multipart), ETag, version and the object's CRC-64."""


@dataclass
class CopyResult(_Outcome):
    """A copy's outcome: upload id (multipart), ETag, version and the object's CRC-64."""


class _TransferError(BaseError):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._error = kwargs.get("error")

    def unwrap(self) -> Any:
        """The cause."""
        return self._error


class UploadError(_TransferError):
    """An upload failed (``unwrap()`` gives the cause)."""

    fmt = "upload failed, {upload_id}, {path}, {error}."


class DownloadError(_TransferError):
    """A download failed (``unwrap()`` gives the cause)."""

    fmt = "download failed, {path}, {error}."


class CopyError(_TransferError):
    """A copy failed (``unwrap()`` gives the cause)."""

    fmt = "copy failed, {upload_id}, {path}, {error}."
