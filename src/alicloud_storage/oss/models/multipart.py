"""Multipart upload models (official names and fields)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, List, Optional

from alicloud_storage.oss.models.base import (
    Model, RequestModel, ResultModel, body, header, host, local, path, query, xml,
)
from alicloud_storage.oss.body import ProgressFn
from alicloud_storage.oss.models.object import _ObjectHeaders

__all__ = [
    "UploadPart", "CompleteMultipartUpload", "Upload", "Part",
    "InitiateMultipartUploadRequest", "InitiateMultipartUploadResult", "UploadPartRequest", "UploadPartResult",
    "UploadPartCopyRequest", "UploadPartCopyResult", "CompleteMultipartUploadRequest",
    "CompleteMultipartUploadResult", "AbortMultipartUploadRequest", "AbortMultipartUploadResult",
    "ListMultipartUploadsRequest", "ListMultipartUploadsResult", "ListPartsRequest", "ListPartsResult",
]


@dataclass
class UploadPart(Model):
    """One part named in CompleteMultipartUpload."""

    part_number: Optional[int] = xml("PartNumber", "int")
    etag: Optional[str] = xml("ETag")


@dataclass
class CompleteMultipartUpload(Model):
    """CompleteMultipartUpload's body."""

    parts: Optional[List[UploadPart]] = xml("Part", [UploadPart])


@dataclass
class Upload(Model):
    """One unfinished upload of ListMultipartUploads."""

    key: Optional[str] = xml("Key")
    upload_id: Optional[str] = xml("UploadId")
    initiated: Optional[datetime.datetime] = xml("Initiated", "datetime")


@dataclass
class Part(Model):
    """One uploaded part of ListParts."""

    part_number: Optional[int] = xml("PartNumber", "int")
    etag: Optional[str] = xml("ETag")
    last_modified: Optional[datetime.datetime] = xml("LastModified", "datetime")
    size: Optional[int] = xml("Size", "int")
    hash_crc64: Optional[str] = xml("HashCrc64ecma")


@dataclass
class InitiateMultipartUploadRequest(_ObjectHeaders):
    """InitiateMultipartUpload."""

    encoding_type: Optional[str] = query("encoding-type")
    disable_auto_detect_mime_type: Optional[bool] = local()


@dataclass
class InitiateMultipartUploadResult(ResultModel):
    """InitiateMultipartUpload's result."""

    bucket: Optional[str] = xml("Bucket")
    key: Optional[str] = xml("Key")
    upload_id: Optional[str] = xml("UploadId")
    encoding_type: Optional[str] = xml("EncodingType")


@dataclass
class UploadPartRequest(RequestModel):
    """UploadPart."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    part_number: Optional[int] = query("partNumber", "int")
    upload_id: Optional[str] = query("uploadId")
    content_md5: Optional[str] = header("Content-MD5")
    content_length: Optional[int] = header("Content-Length", "int")
    traffic_limit: Optional[int] = header("x-oss-traffic-limit", "int")
    body: Any = body()
    request_payer: Optional[str] = header("x-oss-request-payer")
    progress_fn: ProgressFn = local()


@dataclass
class UploadPartResult(ResultModel):
    """UploadPart's result."""

    content_md5: Optional[str] = header("Content-MD5")
    etag: Optional[str] = header("ETag")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")


@dataclass
class UploadPartCopyRequest(RequestModel):
    """UploadPartCopy: a part copied from ``source_bucket``/``source_key``."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    part_number: Optional[int] = query("partNumber", "int")
    upload_id: Optional[str] = query("uploadId")
    source_bucket: Optional[str] = local()
    source_key: Optional[str] = local()
    source_version_id: Optional[str] = local()
    source_range: Optional[str] = header("x-oss-copy-source-range")
    if_match: Optional[str] = header("x-oss-copy-source-if-match")
    if_none_match: Optional[str] = header("x-oss-copy-source-if-none-match")
    if_modified_since: Optional[str] = header("x-oss-copy-source-if-modified-since")
    if_unmodified_since: Optional[str] = header("x-oss-copy-source-if-unmodified-since")
    traffic_limit: Optional[int] = header("x-oss-traffic-limit", "int")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class UploadPartCopyResult(ResultModel):
    """UploadPartCopy's result."""

    last_modified: Optional[datetime.datetime] = xml("LastModified", "datetime")
    etag: Optional[str] = xml("ETag")
    source_version_id: Optional[str] = header("x-oss-copy-source-version-id")


@dataclass
class CompleteMultipartUploadRequest(RequestModel):
    """CompleteMultipartUpload with ``complete_multipart_upload`` (parts) or
    ``complete_all='yes'``."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    upload_id: Optional[str] = query("uploadId")
    acl: Optional[str] = header("x-oss-object-acl")
    complete_multipart_upload: Optional[CompleteMultipartUpload] = body("CompleteMultipartUpload")
    complete_all: Optional[str] = header("x-oss-complete-all")
    callback: Optional[str] = header("x-oss-callback")
    callback_var: Optional[str] = header("x-oss-callback-var")
    forbid_overwrite: Optional[bool] = header("x-oss-forbid-overwrite", "bool")
    encoding_type: Optional[str] = query("encoding-type")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class CompleteMultipartUploadResult(ResultModel):
    """CompleteMultipartUpload's result."""

    bucket: Optional[str] = xml("Bucket")
    key: Optional[str] = xml("Key")
    location: Optional[str] = xml("Location")
    etag: Optional[str] = xml("ETag")
    encoding_type: Optional[str] = xml("EncodingType")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class AbortMultipartUploadRequest(RequestModel):
    """AbortMultipartUpload."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    upload_id: Optional[str] = query("uploadId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class AbortMultipartUploadResult(ResultModel):
    """AbortMultipartUpload's result."""


@dataclass
class ListMultipartUploadsRequest(RequestModel):
    """ListMultipartUploads."""

    bucket: Optional[str] = host()
    delimiter: Optional[str] = query("delimiter")
    encoding_type: Optional[str] = query("encoding-type")
    key_marker: Optional[str] = query("key-marker")
    max_uploads: Optional[int] = query("max-uploads", "int")
    prefix: Optional[str] = query("prefix")
    upload_id_marker: Optional[str] = query("upload-id-marker")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class ListMultipartUploadsResult(ResultModel):
    """ListMultipartUploads' result."""

    encoding_type: Optional[str] = xml("EncodingType")
    bucket: Optional[str] = xml("Bucket")
    key_marker: Optional[str] = xml("KeyMarker")
    upload_id_marker: Optional[str] = xml("UploadIdMarker")
    next_key_marker: Optional[str] = xml("NextKeyMarker")
    next_upload_id_marker: Optional[str] = xml("NextUploadIdMarker")
    delimiter: Optional[str] = xml("Delimiter")
    prefix: Optional[str] = xml("Prefix")
    max_uploads: Optional[int] = xml("MaxUploads", "int")
    is_truncated: Optional[bool] = xml("IsTruncated", "bool")
    uploads: Optional[List[Upload]] = xml("Upload", [Upload])


@dataclass
class ListPartsRequest(RequestModel):
    """ListParts."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    upload_id: Optional[str] = query("uploadId")
    encoding_type: Optional[str] = query("encoding-type")
    max_parts: Optional[int] = query("max-parts", "int")
    part_number_marker: Optional[int] = query("part-number-marker", "int")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class ListPartsResult(ResultModel):
    """ListParts' result."""

    encoding_type: Optional[str] = xml("EncodingType")
    bucket: Optional[str] = xml("Bucket")
    key: Optional[str] = xml("Key")
    upload_id: Optional[str] = xml("UploadId")
    part_number_marker: Optional[int] = xml("PartNumberMarker", "int")
    next_part_number_marker: Optional[int] = xml("NextPartNumberMarker", "int")
    max_parts: Optional[int] = xml("MaxParts", "int")
    is_truncated: Optional[bool] = xml("IsTruncated", "bool")
    storage_class: Optional[str] = xml("StorageClass")
    parts: Optional[List[Part]] = xml("Part", [Part])
