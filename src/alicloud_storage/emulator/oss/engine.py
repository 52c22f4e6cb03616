"""The OSS engine: buckets, objects, appends, symlinks, copies, multipart and listings.

HTTP-free: the handlers parse requests into these calls and render what they return.
Bodies arrive as finished blobs (:class:`~.blobs.Digest`); the engine checks the rules
of reference/oss-facts.md §4, writes the metadata in one transaction and frees the
blobs a write replaced. Time comes from the injected clock, upload ids from the injected generator.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss import limits
from alicloud_storage.emulator.oss.blobs import BlobStore, BlobWriter, Digest
from alicloud_storage.emulator.oss.metadata import (
    BucketRecord,
    Metadata,
    ObjectRecord,
    PartRecord,
    Tags,
    UploadRecord,
    successor,
)
from alicloud_storage.oss.crc64 import combine

__all__ = [
    "ObjectSettings", "Conditions", "ListPage", "UploadPage", "PartPage", "OssEngine",
    "normalize_etag", "check_conditions", "encode_token", "decode_token",
]

_ARCHIVE = ("Archive", "ColdArchive", "DeepColdArchive")


@dataclass(frozen=True)
class ObjectSettings:
    """What a write request says about the object besides its bytes."""

    storage_class: Optional[str] = None  # None: the bucket's
    acl: str = "default"
    headers: Dict[str, str] = field(default_factory=dict)
    meta: Dict[str, str] = field(default_factory=dict)
    tags: Optional[Tags] = None  # None: not given


@dataclass(frozen=True)
class Conditions:
    """If-Match / If-None-Match / If-Modified-Since / If-Unmodified-Since (epoch seconds)."""

    if_match: Optional[str] = None
    if_none_match: Optional[str] = None
    if_modified_since: Optional[float] = None
    if_unmodified_since: Optional[float] = None


@dataclass(frozen=True)
class ListPage:
    """One page of a listing: objects, common prefixes, and where the next page starts."""

    objects: List[ObjectRecord]
    prefixes: List[str]
    truncated: bool
    next_marker: str  # the last key or prefix returned when truncated, else ""


@dataclass(frozen=True)
class UploadPage:
    """One page of ListMultipartUploads."""

    uploads: List[UploadRecord]
    prefixes: List[str]
    truncated: bool
    next_key_marker: str
    next_upload_id_marker: str


@dataclass(frozen=True)
class PartPage:
    """One page of ListParts."""

    parts: List[PartRecord]
    truncated: bool
    next_marker: int


def normalize_etag(etag: str) -> str:
    """An ETag as compared: no quotes, upper case."""
    return etag.strip().strip('"').upper()


def check_conditions(obj: ObjectRecord, conditions: Conditions) -> None:
    """Raise 412 PreconditionFailed or 304 NotModified as RFC 7232 orders them."""
    etag = obj.etag.upper()
    mtime = int(obj.mtime)
    if conditions.if_match is not None:
        wanted = {normalize_etag(t) for t in conditions.if_match.split(",")}
        if "*" not in wanted and etag not in wanted:
            raise E.PRECONDITION_FAILED.error({"Condition": "If-Match"})
    elif conditions.if_unmodified_since is not None and mtime > conditions.if_unmodified_since:
        raise E.PRECONDITION_FAILED.error({"Condition": "If-Unmodified-Since"})
    if conditions.if_none_match is not None:
        unwanted = {normalize_etag(t) for t in conditions.if_none_match.split(",")}
        if "*" in unwanted or etag in unwanted:
            raise E.NOT_MODIFIED.error()
    elif conditions.if_modified_since is not None and mtime <= conditions.if_modified_since:
        raise E.NOT_MODIFIED.error()


def encode_token(key: str) -> str:
    """An opaque ListObjectsV2 continuation token for "start after ``key``"."""
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii")


def decode_token(token: str) -> str:
    """The key a continuation token stands for; InvalidArgument if it is not ours."""
    try:
        return base64.b64decode(token.encode("ascii"), altchars=b"-_", validate=True).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeError):
        raise E.INVALID_ARGUMENT.error(
            {"ArgumentName": "continuation-token", "ArgumentValue": token},
            message="The continuation token provided is incorrect") from None


class OssEngine:
    """The state of the emulated OSS of one account: metadata plus blobs."""

    def __init__(
        self, metadata: Metadata, blobs: BlobStore, clock: Callable[[], float],
        upload_ids: Callable[[], str],
    ) -> None:
        self.metadata = metadata
        self.blobs = blobs
        self._clock = clock
        self._upload_ids = upload_ids
        self.generation = 0  # one more per clear(): a write begun before it must not land after it

    def clear(self) -> None:
        """Drop every bucket, object and upload (blobs being written are their writers' to drop)."""
        self.generation += 1
        self.metadata.clear()
        self.blobs.clear()

    def check_generation(self, since: int, bucket: str) -> None:
        """404 NoSuchBucket for a request begun in generation ``since`` when a clear() (a reset)
        came after it: the reset dropped its bucket, so its write must not land."""
        if since != self.generation:
            raise E.NO_SUCH_BUCKET.error({"BucketName": bucket})

    def sweep(self) -> int:
        """Remove blobs no row refers to (left by a crash); returns how many."""
        return self.blobs.sweep(self.metadata.blob_ids())

    def _now(self) -> float:
        return float(int(self._clock()))  # OSS times have whole seconds (".000Z")

    # --- buckets -----------------------------------------------------------------------
    def bucket(self, name: str) -> BucketRecord:
        """The bucket, or 404 NoSuchBucket."""
        bucket = self.metadata.get_bucket(name)
        if bucket is None:
            raise E.NO_SUCH_BUCKET.error({"BucketName": name})
        return bucket

    def create_bucket(
        self, name: str, acl: Optional[str], storage_class: str, redundancy: str
    ) -> BucketRecord:
        """PutBucket: create, or (same owner) update the ACL of an existing bucket."""
        limits.check_bucket_name(name)
        if acl is not None and acl not in limits.BUCKET_ACLS:
            raise _bad_acl(acl)
        if storage_class not in limits.STORAGE_CLASSES:
            raise E.INVALID_ARGUMENT.error(
                {"ArgumentName": "StorageClass", "ArgumentValue": storage_class},
                message="Invalid storage class.")
        existing = self.metadata.get_bucket(name)
        if existing is not None:
            if acl is not None and acl != existing.acl:
                existing = BucketRecord(existing.name, existing.created, acl,
                                        existing.storage_class, existing.redundancy)
                self.metadata.put_bucket(existing)
            return existing
        if self.metadata.count_buckets() >= limits.MAX_BUCKETS:
            raise E.TOO_MANY_BUCKETS.error()
        bucket = BucketRecord(name, self._now(), acl or "private", storage_class, redundancy)
        self.metadata.put_bucket(bucket)
        return bucket

    def delete_bucket(self, name: str) -> None:
        """DeleteBucket: 409 BucketNotEmpty while objects or uploads remain."""
        self.bucket(name)
        if self.metadata.has_objects_or_uploads(name):
            raise E.BUCKET_NOT_EMPTY.error({"BucketName": name})
        self.metadata.delete_bucket(name)

    def list_buckets(self, prefix: str, marker: str, max_keys: int) -> Tuple[List[BucketRecord], bool]:
        """ListBuckets: one page and whether more follow."""
        rows = self.metadata.list_buckets(prefix, marker, max_keys + 1)
        return rows[:max_keys], len(rows) > max_keys

    def set_bucket_acl(self, name: str, acl: str) -> None:
        """PutBucketAcl."""
        bucket = self.bucket(name)
        if acl not in limits.BUCKET_ACLS:
            raise _bad_acl(acl)
        self.metadata.put_bucket(
            BucketRecord(bucket.name, bucket.created, acl, bucket.storage_class, bucket.redundancy))

    # --- reading objects -----------------------------------------------------------------
    def head(self, bucket: str, key: str) -> ObjectRecord:
        """The object itself (a symlink is not followed), or 404 NoSuchKey."""
        self.bucket(bucket)
        obj = self.metadata.get_object(bucket, key)
        if obj is None:
            raise E.NO_SUCH_KEY.error({"Key": key})
        return obj

    def resolve(self, bucket: str, key: str) -> ObjectRecord:
        """The object to read: a symlink's target; 403 for unrestored archives."""
        return self.follow(self.head(bucket, key))

    def follow(self, obj: ObjectRecord) -> ObjectRecord:
        """What reading ``obj`` reads: a symlink's target; 403 for unrestored archives."""
        bucket, key = obj.bucket, obj.key
        if obj.type == "Symlink":
            assert obj.symlink_target is not None
            target = self.metadata.get_object(bucket, obj.symlink_target)
            if target is None or target.type == "Symlink":
                raise E.SYMLINK_TARGET_NOT_EXIST.error({"Key": key})
            obj = target
        if obj.storage_class in _ARCHIVE and not obj.restored:
            raise E.INVALID_OBJECT_STATE.error({"Key": key})
        return obj

    # --- writing objects -----------------------------------------------------------------
    def writer(self) -> BlobWriter:
        """Where a request body goes before it is committed."""
        return self.blobs.writer()

    def check_writable(self, bucket: str, key: str, forbid_overwrite: bool) -> BucketRecord:
        """Before reading a body: the bucket exists, the key is valid, overwrite allowed."""
        record = self.bucket(bucket)
        limits.check_object_name(key)
        if forbid_overwrite and self.metadata.get_object(bucket, key) is not None:
            raise E.FILE_ALREADY_EXISTS.error({"Key": key})
        return record

    def _store(self, obj: ObjectRecord, keep: Sequence[str] = ()) -> ObjectRecord:
        old = self.metadata.put_object(obj)
        if old is not None:
            kept = set(obj.blob_ids()) | set(keep)
            self.blobs.delete([b for b in old.blob_ids() if b not in kept])
        return obj

    def _settings_record(
        self, bucket: BucketRecord, key: str, settings: ObjectSettings, **fields: object
    ) -> ObjectRecord:
        return ObjectRecord(
            bucket=bucket.name, key=key, storage_class=settings.storage_class or bucket.storage_class,
            acl=settings.acl, headers=dict(settings.headers), meta=dict(settings.meta),
            tags=settings.tags or (), mtime=self._now(), **fields)  # type: ignore[arg-type]

    def put_object(
        self, bucket: str, key: str, digest: Digest, settings: ObjectSettings,
        forbid_overwrite: bool = False,
    ) -> ObjectRecord:
        """PutObject: the blob becomes the object (replacing any previous one)."""
        try:
            record = self.check_writable(bucket, key, forbid_overwrite)
        except E.OssError:
            self.blobs.delete([digest.blob_id])
            raise
        obj = self._settings_record(
            record, key, settings, segments=((digest.blob_id, digest.size),), size=digest.size,
            etag=digest.md5_hex, crc64=digest.crc64, content_md5=digest.md5_base64, type="Normal")
        return self._store(obj)

    def check_append(self, bucket: str, key: str, position: int) -> Optional[ObjectRecord]:
        """AppendObject's position rules (before and after the body is read)."""
        self.bucket(bucket)
        limits.check_object_name(key)
        obj = self.metadata.get_object(bucket, key)
        if obj is None:
            if position != 0:
                raise E.POSITION_NOT_EQUAL_TO_LENGTH.error(
                    {"Key": key}, {"x-oss-next-append-position": "0"})
            return None
        if obj.type != "Appendable":
            raise E.OBJECT_NOT_APPENDABLE.error({"Key": key})
        if position != obj.size:
            raise E.POSITION_NOT_EQUAL_TO_LENGTH.error(
                {"Key": key}, {"x-oss-next-append-position": str(obj.size)})
        return obj

    def append(
        self, bucket: str, key: str, position: int, digest: Digest, settings: ObjectSettings
    ) -> ObjectRecord:
        """AppendObject: a new segment at the end of an Appendable object (or a new one)."""
        try:
            old = self.check_append(bucket, key, position)
            if position + digest.size > limits.MAX_OBJECT_SIZE:
                raise E.ENTITY_TOO_LARGE.error()
        except E.OssError:
            self.blobs.delete([digest.blob_id])
            raise
        segment = (digest.blob_id, digest.size)
        if old is None:
            obj = self._settings_record(
                self.bucket(bucket), key, settings, segments=(segment,), size=digest.size,
                etag=_derived_etag("", digest.md5_hex), crc64=digest.crc64, content_md5=None,
                type="Appendable")
        else:
            obj = ObjectRecord(
                bucket, key, old.segments + (segment,), old.size + digest.size,
                _derived_etag(old.etag, digest.md5_hex),
                combine(old.crc64, digest.crc64, digest.size), None, self._now(), "Appendable",
                old.storage_class, old.acl, old.headers, old.meta, old.tags)
        return self._store(obj)

    def put_symlink(
        self, bucket: str, key: str, target: str, settings: ObjectSettings, forbid_overwrite: bool
    ) -> ObjectRecord:
        """PutSymlink: the target is not checked (as the service does)."""
        record = self.check_writable(bucket, key, forbid_overwrite)
        limits.check_object_name(target)
        obj = self._settings_record(
            record, key, settings, segments=(), size=0,
            etag=hashlib.md5(target.encode("utf-8")).hexdigest().upper(), crc64=0,
            content_md5=None, type="Symlink", symlink_target=target)
        return self._store(obj)

    def symlink(self, bucket: str, key: str) -> ObjectRecord:
        """GetSymlink: the link itself; 400 NotSymlink for other objects."""
        obj = self.head(bucket, key)
        if obj.type != "Symlink":
            raise E.NOT_SYMLINK.error({"Key": key})
        return obj

    def copy(
        self, source: ObjectRecord, bucket: str, key: str, replace_metadata: bool,
        settings: ObjectSettings, forbid_overwrite: bool,
    ) -> ObjectRecord:
        """CopyObject: the destination shares nothing with the source (blobs are cloned)."""
        record = self.check_writable(bucket, key, forbid_overwrite)
        if source.bucket != bucket and source.size > limits.MAX_OBJECT_SIZE:
            raise E.ENTITY_TOO_LARGE.error()
        headers, meta = (settings.headers, settings.meta) if replace_metadata else (
            source.headers, source.meta)
        if source.bucket == bucket and source.key == key:
            segments = source.segments
            keep = source.blob_ids()
        else:
            segments = tuple((self.blobs.clone(b), s) for b, s in source.segments)
            keep = []
        obj = ObjectRecord(
            bucket, key, segments, source.size, source.etag, source.crc64, source.content_md5,
            self._now(), "Multipart" if source.type == "Multipart" else "Normal",
            settings.storage_class or source.storage_class if source.bucket == bucket
            else settings.storage_class or record.storage_class,
            settings.acl, dict(headers), dict(meta),
            source.tags if settings.tags is None else settings.tags)
        return self._store(obj, keep)

    def delete_object(self, bucket: str, key: str) -> bool:
        """DeleteObject (also for a missing key); returns whether it existed."""
        self.bucket(bucket)
        old = self.metadata.delete_object(bucket, key)
        if old is not None:
            self.blobs.delete(old.blob_ids())
        return old is not None

    def set_object_acl(self, bucket: str, key: str, acl: str) -> None:
        """PutObjectAcl (Last-Modified and ETag do not change)."""
        obj = self.head(bucket, key)
        if acl not in limits.OBJECT_ACLS:
            raise _bad_acl(acl)
        self.metadata.update_object(obj, acl=acl)

    def set_tags(self, bucket: str, key: str, tags: Tags) -> None:
        """Put/DeleteObjectTagging (Last-Modified and ETag do not change)."""
        self.metadata.update_object(self.head(bucket, key), tags=tags)

    def restore(self, bucket: str, key: str) -> bool:
        """RestoreObject: True the first time (202), False once restored (200)."""
        obj = self.head(bucket, key)
        if obj.storage_class not in _ARCHIVE:
            raise E.OPERATION_NOT_SUPPORTED.error(
                {"Detail": "RestoreObject operation does not support this object storage class"})
        if obj.restored:
            return False
        self.metadata.update_object(obj, restored=True)
        return True

    # --- listings ----------------------------------------------------------------------
    def list_objects(
        self, bucket: str, prefix: str, delimiter: str, marker: str, max_keys: int
    ) -> ListPage:
        """ListObjects (v1 and v2): keys after ``marker`` in byte order, collapsed at
        ``delimiter`` into common prefixes, each counting towards ``max_keys``."""
        self.bucket(bucket)
        objects: List[ObjectRecord] = []
        prefixes: List[str] = []
        start, inclusive = marker, False
        if delimiter and marker.startswith(prefix):
            cut = marker.find(delimiter, len(prefix))
            if cut >= 0:  # the marker is inside a common prefix already returned
                after = successor(marker[:cut + len(delimiter)])
                if after is None:
                    return ListPage([], [], False, "")
                start, inclusive = after, True
        last = ""
        while True:
            batch = self.metadata.scan_objects(bucket, prefix, start, inclusive,
                                               max(max_keys, 1) + 1)
            if not batch:
                return ListPage(objects, prefixes, False, "")
            for obj in batch:
                if len(objects) + len(prefixes) >= max_keys:
                    return ListPage(objects, prefixes, True, last)
                cut = obj.key.find(delimiter, len(prefix)) if delimiter else -1
                if cut < 0:
                    objects.append(obj)
                    last = obj.key
                    start, inclusive = obj.key, False
                    continue
                common = obj.key[:cut + len(delimiter)]
                prefixes.append(common)
                last = common
                after = successor(common)
                if after is None:
                    return ListPage(objects, prefixes, False, "")
                start, inclusive = after, True
                break  # re-query past the whole common prefix

    # --- multipart ---------------------------------------------------------------------
    def initiate(self, bucket: str, key: str, settings: ObjectSettings,
                 forbid_overwrite: bool) -> UploadRecord:
        """InitiateMultipartUpload."""
        record = self.check_writable(bucket, key, forbid_overwrite)
        upload = UploadRecord(
            self._upload_ids(), bucket, key, self._now(),
            settings.storage_class or record.storage_class, settings.acl, dict(settings.headers),
            dict(settings.meta), settings.tags or ())
        self.metadata.put_upload(upload)
        return upload

    def upload(self, bucket: str, key: str, upload_id: str) -> UploadRecord:
        """The upload of ``bucket``/``key``, or 404 NoSuchUpload."""
        self.bucket(bucket)
        upload = self.metadata.get_upload(upload_id)
        if upload is None or upload.bucket != bucket or upload.key != key:
            raise E.NO_SUCH_UPLOAD.error({"UploadId": upload_id})
        return upload

    def upload_part(
        self, bucket: str, key: str, upload_id: str, number: int, digest: Digest
    ) -> PartRecord:
        """UploadPart (a part number uploaded again replaces the previous part)."""
        try:
            self.upload(bucket, key, upload_id)
            if digest.size > limits.MAX_PART_SIZE:
                raise E.ENTITY_TOO_LARGE.error()
        except E.OssError:
            self.blobs.delete([digest.blob_id])
            raise
        part = PartRecord(upload_id, number, digest.blob_id, digest.size, digest.md5_hex,
                          digest.crc64, self._now())
        old = self.metadata.put_part(part)
        if old is not None:
            self.blobs.delete([old])
        return part

    def complete(
        self, bucket: str, key: str, upload_id: str, listed: Optional[Sequence[Tuple[int, str]]],
        acl: Optional[str], forbid_overwrite: bool,
    ) -> ObjectRecord:
        """CompleteMultipartUpload with the listed (number, ETag) parts, or all (None)."""
        upload = self.upload(bucket, key, upload_id)
        if forbid_overwrite and self.metadata.get_object(bucket, key) is not None:
            raise E.FILE_ALREADY_EXISTS.error({"Key": key})
        uploaded = {p.number: p for p in self.metadata.parts(upload_id)}
        if listed is None:
            chosen = [uploaded[n] for n in sorted(uploaded)]
        else:
            chosen = []
            previous = 0
            for number, etag in listed:
                if number <= previous:
                    raise E.INVALID_PART_ORDER.error()
                previous = number
                part = uploaded.get(number)
                if part is None or normalize_etag(etag) != part.md5:
                    raise E.INVALID_PART.error({"PartNumber": str(number), "ETag": etag})
                chosen.append(part)
        for part in chosen[:-1]:
            if part.size < limits.MIN_PART_SIZE:
                raise E.ENTITY_TOO_SMALL.error(
                    {"PartNumber": str(part.number), "ProposedSize": str(part.size),
                     "MinSizeAllowed": str(limits.MIN_PART_SIZE)})
        crc = 0
        for part in chosen:
            crc = combine(crc, part.crc64, part.size)
        md5s = b"".join(bytes.fromhex(p.md5) for p in chosen)
        obj = ObjectRecord(
            bucket, key, tuple((p.blob_id, p.size) for p in chosen), sum(p.size for p in chosen),
            f"{hashlib.md5(md5s).hexdigest().upper()}-{len(chosen)}", crc, None, self._now(),
            "Multipart", upload.storage_class, acl or upload.acl, upload.headers, upload.meta,
            upload.tags)
        used = set(obj.blob_ids())
        with self.metadata.transaction():
            self._store(obj)
            freed = self.metadata.delete_upload(upload_id)
        self.blobs.delete([b for b in freed if b not in used])
        return obj

    def abort(self, bucket: str, key: str, upload_id: str) -> None:
        """AbortMultipartUpload: the parts are dropped."""
        self.upload(bucket, key, upload_id)
        self.blobs.delete(self.metadata.delete_upload(upload_id))

    def list_uploads(
        self, bucket: str, prefix: str, delimiter: str, key_marker: str, upload_id_marker: str,
        max_uploads: int,
    ) -> UploadPage:
        """ListMultipartUploads in (key, upload id) order, collapsed at ``delimiter``."""
        self.bucket(bucket)
        uploads: List[UploadRecord] = []
        prefixes: List[str] = []
        key = key_marker
        # without an upload-id-marker, start after every upload of key_marker itself
        uid = upload_id_marker if key_marker and upload_id_marker else "\U0010ffff"
        while True:
            batch = self.metadata.scan_uploads(bucket, prefix, key, uid, max_uploads + 1)
            if not batch:
                return UploadPage(uploads, prefixes, False, "", "")
            for up in batch:
                if len(uploads) + len(prefixes) >= max_uploads:
                    last = uploads[-1] if uploads else None
                    if prefixes and (last is None or prefixes[-1] > last.key):
                        return UploadPage(uploads, prefixes, True, prefixes[-1], "")
                    assert last is not None
                    return UploadPage(uploads, prefixes, True, last.key, last.upload_id)
                cut = up.key.find(delimiter, len(prefix)) if delimiter else -1
                if cut < 0:
                    uploads.append(up)
                    key, uid = up.key, up.upload_id
                    continue
                common = up.key[:cut + len(delimiter)]
                prefixes.append(common)
                after = successor(common)
                if after is None:
                    return UploadPage(uploads, prefixes, False, "", "")
                key, uid = after, ""
                break

    def list_parts(
        self, bucket: str, key: str, upload_id: str, marker: int, max_parts: int
    ) -> PartPage:
        """ListParts after part number ``marker``."""
        self.upload(bucket, key, upload_id)
        parts = self.metadata.parts(upload_id, marker, max_parts + 1)
        truncated = len(parts) > max_parts
        parts = parts[:max_parts]
        return PartPage(parts, truncated, parts[-1].number if parts else 0)


def _derived_etag(previous: str, md5_hex: str) -> str:
    """An Appendable object's ETag: changes with every append, not the content MD5."""
    return hashlib.md5(f"{previous}{md5_hex}".encode("ascii")).hexdigest().upper()


def _bad_acl(acl: str) -> E.OssError:
    return E.INVALID_ARGUMENT.error(
        {"ArgumentName": "x-oss-acl", "ArgumentValue": acl},
        message="no such bucket access control exists")
