"""``Uploader``, ``Downloader``, ``Copier`` and their async twins: thin shells that merge
options and drive the shared transfer flows with the sync or the async client."""
from __future__ import annotations

from typing import IO, Any

from alicloud_storage.oss import models
from alicloud_storage.oss.transfer.copy import copy_flow
from alicloud_storage.oss.transfer.download import download_file_flow
from alicloud_storage.oss.transfer.driver import run_async, run_sync
from alicloud_storage.oss.transfer.models import (
    CopierOptions,
    CopyResult,
    DownloaderOptions,
    DownloadResult,
    UploaderOptions,
    UploadResult,
    options_from,
)
from alicloud_storage.oss.transfer.upload import upload_file_flow, upload_from_flow

__all__ = ["Uploader", "AsyncUploader", "Downloader", "AsyncDownloader", "Copier", "AsyncCopier"]


class _Manager:
    _options_type: type = UploaderOptions

    def __init__(self, client: Any, **kwargs: Any) -> None:
        """``client``: our Client (or AsyncClient for the async twin); ``kwargs``: the options."""
        self._client = client
        self._options = options_from(self._options_type(), kwargs)

    def _merged(self, kwargs: Any) -> Any:
        return options_from(self._options, kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._options})"


class Uploader(_Manager):
    """Uploads files and streams: one PutObject or a parallel, resumable multipart upload."""

    _options_type = UploaderOptions

    def upload_file(self, request: models.PutObjectRequest, filepath: str, **kwargs: Any) -> UploadResult:
        """Upload a local file (``part_size``, ``parallel_num``, ``enable_checkpoint``, ... per call)."""
        result: UploadResult = run_sync(self._client, upload_file_flow(
            self._client, request, filepath, self._merged(kwargs)))
        return result

    def upload_from(self, request: models.PutObjectRequest, reader: IO[bytes], **kwargs: Any) -> UploadResult:
        """Upload what ``reader`` gives, part by part."""
        result: UploadResult = run_sync(self._client, upload_from_flow(
            self._client, request, reader, self._merged(kwargs)))
        return result


class AsyncUploader(_Manager):
    """``Uploader`` for the AsyncClient: the same flows, parts as asyncio tasks."""

    _options_type = UploaderOptions

    async def upload_file(self, request: models.PutObjectRequest, filepath: str, **kwargs: Any) -> UploadResult:
        """Upload a local file."""
        result: UploadResult = await run_async(self._client, upload_file_flow(
            self._client, request, filepath, self._merged(kwargs)))
        return result

    async def upload_from(self, request: models.PutObjectRequest, reader: IO[bytes], **kwargs: Any) -> UploadResult:
        """Upload what ``reader`` gives, part by part."""
        result: UploadResult = await run_async(self._client, upload_from_flow(
            self._client, request, reader, self._merged(kwargs)))
        return result


class Downloader(_Manager):
    """Downloads objects to files: ranged parallel reads, temp file, ETag-bound, resumable."""

    _options_type = DownloaderOptions

    def download_file(self, request: models.GetObjectRequest, filepath: str, **kwargs: Any) -> DownloadResult:
        """Download into ``filepath``."""
        result: DownloadResult = run_sync(self._client, download_file_flow(
            self._client, request, filepath, self._merged(kwargs)))
        return result


class AsyncDownloader(_Manager):
    """``Downloader`` for the AsyncClient."""

    _options_type = DownloaderOptions

    async def download_file(self, request: models.GetObjectRequest, filepath: str,
                            **kwargs: Any) -> DownloadResult:
        """Download into ``filepath``."""
        result: DownloadResult = await run_async(self._client, download_file_flow(
            self._client, request, filepath, self._merged(kwargs)))
        return result


class Copier(_Manager):
    """Copies objects: CopyObject below ``multipart_copy_threshold``, parallel part copies above."""

    _options_type = CopierOptions

    def copy(self, request: models.CopyObjectRequest, **kwargs: Any) -> CopyResult:
        """Copy ``source_bucket/source_key`` to ``bucket/key``."""
        result: CopyResult = run_sync(self._client, copy_flow(self._client, request, self._merged(kwargs)))
        return result


class AsyncCopier(_Manager):
    """``Copier`` for the AsyncClient."""

    _options_type = CopierOptions

    async def copy(self, request: models.CopyObjectRequest, **kwargs: Any) -> CopyResult:
        """Copy ``source_bucket/source_key`` to ``bucket/key``."""
        result: CopyResult = await run_async(self._client, copy_flow(self._client, request, self._merged(kwargs)))
        return result
