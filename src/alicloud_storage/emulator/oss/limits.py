"""OSS limits and name rules (reference/oss-facts.md §1.5 and §4), checked in one place."""
from __future__ import annotations

import re

from alicloud_storage.emulator.oss import errors as E

__all__ = [
    "MAX_OBJECT_SIZE", "MAX_PART_SIZE", "MIN_PART_SIZE", "MAX_PART_NUMBER", "MAX_KEYS",
    "DEFAULT_MAX_KEYS", "MAX_BUCKETS", "MAX_DELETE_OBJECTS", "MAX_USER_META", "MAX_TAGS",
    "MAX_XML_BODY", "STORAGE_CLASSES", "BUCKET_ACLS", "OBJECT_ACLS",
    "check_bucket_name", "check_object_name",
]

MAX_OBJECT_SIZE = 5 * 1024 ** 3  # PutObject, the final size of an appendable object
MAX_PART_SIZE = 5 * 1024 ** 3
MIN_PART_SIZE = 100 * 1024  # non-last parts, checked at CompleteMultipartUpload
MAX_PART_NUMBER = 10_000
MAX_KEYS = 1000
DEFAULT_MAX_KEYS = 100
MAX_BUCKETS = 100
MAX_DELETE_OBJECTS = 1000
MAX_USER_META = 8 * 1024
MAX_TAGS = 10
MAX_XML_BODY = 2 * 1024 * 1024  # request XML bodies (a 1000-key delete is well below)
STORAGE_CLASSES = ("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive")
BUCKET_ACLS = ("private", "public-read", "public-read-write")
OBJECT_ACLS = ("default",) + BUCKET_ACLS

_BUCKET = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
_MAX_KEY_BYTES = 1023


def check_bucket_name(name: str) -> None:
    """3-63 of ``[a-z0-9-]``, starting and ending with a letter or digit."""
    if not _BUCKET.fullmatch(name):
        raise E.INVALID_BUCKET_NAME.error({"BucketName": name})


def check_object_name(key: str) -> None:
    """1-1023 UTF-8 bytes, not starting with ``/`` or ``\\``."""
    if not key:
        raise E.OBJECT_NAME_EMPTY.error()
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        raise E.INVALID_OBJECT_NAME.error() from None
    if size > _MAX_KEY_BYTES:
        raise E.OBJECT_NAME_TOO_LONG.error()
    if key[0] in "/\\":
        raise E.INVALID_OBJECT_NAME.error()
