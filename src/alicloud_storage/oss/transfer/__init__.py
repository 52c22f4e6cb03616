"""The OSS transfer manager: ``Uploader``, ``Downloader``, ``Copier`` (sync and async, one set
of flows), checkpoints, and the file objects ``ReadOnlyFile`` / ``AppendOnlyFile``.

Made by the clients: ``client.uploader(part_size=..., parallel_num=...)``,
``client.downloader(...)``, ``client.copier(...)``, ``client.open_file(bucket, key)``,
``client.append_file(bucket, key)``.
"""
from __future__ import annotations

from alicloud_storage.oss.transfer.filelike import AppendOnlyFile, ReadOnlyFile
from alicloud_storage.oss.transfer.managers import (
    AsyncCopier,
    AsyncDownloader,
    AsyncUploader,
    Copier,
    Downloader,
    Uploader,
)
from alicloud_storage.oss.transfer.models import (
    CopierOptions,
    CopyError,
    CopyResult,
    DownloaderOptions,
    DownloadError,
    DownloadResult,
    UploaderOptions,
    UploadError,
    UploadResult,
)

__all__ = [
    "Uploader", "AsyncUploader", "Downloader", "AsyncDownloader", "Copier", "AsyncCopier",
    "ReadOnlyFile", "AppendOnlyFile",
    "UploaderOptions", "DownloaderOptions", "CopierOptions",
    "UploadResult", "DownloadResult", "CopyResult", "UploadError", "DownloadError", "CopyError",
]
