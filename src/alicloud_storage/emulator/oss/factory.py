"""Open the emulated OSS of a data directory (or in memory), cleaning up after a crash."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Optional

from alicloud_storage.emulator.oss.blobs import BlobStore, FileBlobStore, MemoryBlobStore
from alicloud_storage.emulator.oss.engine import OssEngine
from alicloud_storage.emulator.oss.metadata import Metadata

__all__ = ["OSS_DATABASE_FILE", "OSS_BLOB_DIR", "open_oss"]

logger = logging.getLogger(__name__)

OSS_DATABASE_FILE = "oss.sqlite3"
OSS_BLOB_DIR = "oss"


def open_oss(
    data_dir: Optional[Path], clock: Callable[[], float], upload_ids: Callable[[], str]
) -> OssEngine:
    """The OSS engine over ``data_dir`` (None: memory); unreferenced blobs are swept."""
    blobs: BlobStore
    if data_dir is None:
        metadata, blobs = Metadata(None), MemoryBlobStore()
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        metadata = Metadata(str(data_dir / OSS_DATABASE_FILE))
        blobs = FileBlobStore(data_dir / OSS_BLOB_DIR)
    engine = OssEngine(metadata, blobs, clock, upload_ids)
    swept = engine.sweep()
    if swept:
        logger.info("removed %d unfinished or unreferenced OSS blobs", swept)
    return engine
