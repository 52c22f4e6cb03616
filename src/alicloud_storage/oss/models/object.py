"""Object models (official names and fields)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from alicloud_storage.oss.body import ProgressFn
from alicloud_storage.oss.models.base import (
    Model, RequestModel, ResultModel, body, header, host, local, path, query, usermeta, xml,
)
from alicloud_storage.oss.models.bucket import Owner

__all__ = [
    "Tag", "TagSet", "Tagging", "DeleteObject", "DeletedInfo", "JobParameters", "RestoreRequest",
    "PutObjectRequest", "PutObjectResult", "GetObjectRequest", "GetObjectResult",
    "HeadObjectRequest", "HeadObjectResult", "GetObjectMetaRequest", "GetObjectMetaResult",
    "DeleteObjectRequest", "DeleteObjectResult", "DeleteMultipleObjectsRequest", "DeleteMultipleObjectsResult",
    "CopyObjectRequest", "CopyObjectResult", "AppendObjectRequest", "AppendObjectResult",
    "PutObjectAclRequest", "PutObjectAclResult", "GetObjectAclRequest", "GetObjectAclResult",
    "PutObjectTaggingRequest", "PutObjectTaggingResult", "GetObjectTaggingRequest", "GetObjectTaggingResult",
    "DeleteObjectTaggingRequest", "DeleteObjectTaggingResult", "PutSymlinkRequest", "PutSymlinkResult",
    "GetSymlinkRequest", "GetSymlinkResult", "RestoreObjectRequest", "RestoreObjectResult",
]

@dataclass
class Tag(Model):
    """One tag."""

    key: Optional[str] = xml("Key")
    value: Optional[str] = xml("Value")


@dataclass
class TagSet(Model):
    """The tags of an object."""

    tags: Optional[List[Tag]] = xml("Tag", [Tag])


@dataclass
class Tagging(Model):
    """PutObjectTagging's body."""

    tag_set: Optional[TagSet] = xml("TagSet", TagSet)


@dataclass
class DeleteObject(Model):
    """One key of DeleteMultipleObjects."""

    key: Optional[str] = xml("Key")
    version_id: Optional[str] = xml("VersionId")


@dataclass
class DeletedInfo(Model):
    """One deleted key of DeleteMultipleObjects' result."""

    key: Optional[str] = xml("Key")
    version_id: Optional[str] = xml("VersionId")
    delete_marker: Optional[bool] = xml("DeleteMarker", "bool")
    delete_marker_version_id: Optional[str] = xml("DeleteMarkerVersionId")


@dataclass
class JobParameters(Model):
    """Restore priority."""

    tier: Optional[str] = xml("Tier")


@dataclass
class RestoreRequest(Model):
    """RestoreObject's body."""

    days: Optional[int] = xml("Days", "int")
    job_parameters: Optional[JobParameters] = xml("JobParameters", JobParameters)


@dataclass
class _ObjectHeaders(RequestModel):
    """The headers Put, Append, Copy and InitiateMultipartUpload share."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    acl: Optional[str] = header("x-oss-object-acl")
    storage_class: Optional[str] = header("x-oss-storage-class")
    metadata: Optional[Dict[str, str]] = usermeta()
    cache_control: Optional[str] = header("Cache-Control")
    content_disposition: Optional[str] = header("Content-Disposition")
    content_encoding: Optional[str] = header("Content-Encoding")
    content_length: Optional[int] = header("Content-Length", "int")
    content_md5: Optional[str] = header("Content-MD5")
    content_type: Optional[str] = header("Content-Type")
    expires: Optional[str] = header("Expires")
    server_side_encryption: Optional[str] = header("x-oss-server-side-encryption")
    server_side_data_encryption: Optional[str] = header("x-oss-server-side-data-encryption")
    server_side_encryption_key_id: Optional[str] = header("x-oss-server-side-encryption-key-id")
    tagging: Optional[str] = header("x-oss-tagging")
    forbid_overwrite: Optional[bool] = header("x-oss-forbid-overwrite", "bool")
    traffic_limit: Optional[int] = header("x-oss-traffic-limit", "int")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class PutObjectRequest(_ObjectHeaders):
    """PutObject: ``body`` is bytes, str, a binary file or an iterator of bytes."""

    callback: Optional[str] = header("x-oss-callback")
    callback_var: Optional[str] = header("x-oss-callback-var")
    body: Any = body()
    progress_fn: ProgressFn = local()


@dataclass
class PutObjectResult(ResultModel):
    """PutObject's result."""

    content_md5: Optional[str] = header("Content-MD5")
    etag: Optional[str] = header("ETag")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    version_id: Optional[str] = header("x-oss-version-id")
    callback_result: Optional[Dict[str, Any]] = local()


@dataclass
class GetObjectRequest(RequestModel):
    """GetObject: ``range_header`` like ``bytes=0-9``; ``range_behavior='standard'``
    makes an unsatisfiable range an error instead of the whole object."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    if_match: Optional[str] = header("If-Match")
    if_none_match: Optional[str] = header("If-None-Match")
    if_modified_since: Optional[str] = header("If-Modified-Since")
    if_unmodified_since: Optional[str] = header("If-Unmodified-Since")
    range_header: Optional[str] = header("Range")
    range_behavior: Optional[str] = header("x-oss-range-behavior")
    response_cache_control: Optional[str] = query("response-cache-control")
    response_content_disposition: Optional[str] = query("response-content-disposition")
    response_content_encoding: Optional[str] = query("response-content-encoding")
    response_content_language: Optional[str] = query("response-content-language")
    response_content_type: Optional[str] = query("response-content-type")
    response_expires: Optional[str] = query("response-expires")
    version_id: Optional[str] = query("versionId")
    traffic_limit: Optional[int] = header("x-oss-traffic-limit", "int")
    process: Optional[str] = query("x-oss-process")
    request_payer: Optional[str] = header("x-oss-request-payer")
    progress_fn: ProgressFn = local()


@dataclass
class _ObjectMeta(ResultModel):
    """The headers GetObject and HeadObject return."""

    content_length: Optional[int] = header("Content-Length", "int")
    content_type: Optional[str] = header("Content-Type")
    etag: Optional[str] = header("ETag")
    last_modified: Optional[datetime.datetime] = header("Last-Modified", "httptime")
    content_md5: Optional[str] = header("Content-MD5")
    metadata: Optional[Dict[str, str]] = usermeta()
    cache_control: Optional[str] = header("Cache-Control")
    content_disposition: Optional[str] = header("Content-Disposition")
    content_encoding: Optional[str] = header("Content-Encoding")
    expires: Optional[str] = header("Expires")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    storage_class: Optional[str] = header("x-oss-storage-class")
    object_type: Optional[str] = header("x-oss-object-type")
    version_id: Optional[str] = header("x-oss-version-id")
    tagging_count: Optional[int] = header("x-oss-tagging-count", "int")
    server_side_encryption: Optional[str] = header("x-oss-server-side-encryption")
    server_side_data_encryption: Optional[str] = header("x-oss-server-side-data-encryption")
    server_side_encryption_key_id: Optional[str] = header("x-oss-server-side-encryption-key-id")
    next_append_position: Optional[int] = header("x-oss-next-append-position", "int")
    expiration: Optional[str] = header("x-oss-expiration")
    restore: Optional[str] = header("x-oss-restore")
    process_status: Optional[str] = header("x-oss-process-status")


@dataclass
class GetObjectResult(_ObjectMeta):
    """GetObject's result; ``body`` streams the bytes (read, iter_bytes, close)."""

    content_range: Optional[str] = header("Content-Range")
    delete_marker: Optional[bool] = header("x-oss-delete-marker", "bool")
    body: Any = local()


@dataclass
class HeadObjectRequest(RequestModel):
    """HeadObject."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    if_match: Optional[str] = header("If-Match")
    if_none_match: Optional[str] = header("If-None-Match")
    if_modified_since: Optional[str] = header("If-Modified-Since")
    if_unmodified_since: Optional[str] = header("If-Unmodified-Since")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class HeadObjectResult(_ObjectMeta):
    """HeadObject's result."""

    request_charged: Optional[str] = header("x-oss-request-charged")
    transition_time: Optional[str] = header("x-oss-transition-time")


@dataclass
class GetObjectMetaRequest(RequestModel):
    """GetObjectMeta (HEAD ?objectMeta)."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class GetObjectMetaResult(ResultModel):
    """GetObjectMeta's result."""

    content_length: Optional[int] = header("Content-Length", "int")
    etag: Optional[str] = header("ETag")
    last_modified: Optional[datetime.datetime] = header("Last-Modified", "httptime")
    last_access_time: Optional[datetime.datetime] = header("x-oss-last-access-time", "httptime")
    version_id: Optional[str] = header("x-oss-version-id")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    transition_time: Optional[str] = header("x-oss-transition-time")


@dataclass
class DeleteObjectRequest(RequestModel):
    """DeleteObject."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class DeleteObjectResult(ResultModel):
    """DeleteObject's result."""

    version_id: Optional[str] = header("x-oss-version-id")
    delete_marker: Optional[bool] = header("x-oss-delete-marker", "bool")


@dataclass
class DeleteMultipleObjectsRequest(RequestModel):
    """DeleteMultipleObjects: ``objects=[DeleteObject(key=...)]``, ``quiet``."""

    bucket: Optional[str] = host()
    encoding_type: Optional[str] = query("encoding-type")
    objects: Optional[List[DeleteObject]] = local()
    quiet: Optional[bool] = local()
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class DeleteMultipleObjectsResult(ResultModel):
    """DeleteMultipleObjects' result."""

    deleted_objects: Optional[List[DeletedInfo]] = xml("Deleted", [DeletedInfo])
    encoding_type: Optional[str] = xml("EncodingType")


@dataclass
class CopyObjectRequest(_ObjectHeaders):
    """CopyObject: copy ``source_bucket``/``source_key`` (default: the same bucket)."""

    source_bucket: Optional[str] = local()
    source_key: Optional[str] = local()
    source_version_id: Optional[str] = local()
    if_match: Optional[str] = header("x-oss-copy-source-if-match")
    if_none_match: Optional[str] = header("x-oss-copy-source-if-none-match")
    if_modified_since: Optional[str] = header("x-oss-copy-source-if-modified-since")
    if_unmodified_since: Optional[str] = header("x-oss-copy-source-if-unmodified-since")
    metadata_directive: Optional[str] = header("x-oss-metadata-directive")
    tagging_directive: Optional[str] = header("x-oss-tagging-directive")
    progress_fn: ProgressFn = local()


@dataclass
class CopyObjectResult(ResultModel):
    """CopyObject's result."""

    version_id: Optional[str] = header("x-oss-version-id")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    source_version_id: Optional[str] = header("x-oss-copy-source-version-id")
    server_side_encryption: Optional[str] = header("x-oss-server-side-encryption")
    last_modified: Optional[datetime.datetime] = xml("LastModified", "datetime")
    etag: Optional[str] = xml("ETag")


@dataclass
class AppendObjectRequest(_ObjectHeaders):
    """AppendObject at ``position`` (0 creates an appendable object)."""

    position: Optional[int] = query("position", "int")
    body: Any = body()
    progress_fn: ProgressFn = local()


@dataclass
class AppendObjectResult(ResultModel):
    """AppendObject's result; ``hash_crc64`` is the whole object's."""

    version_id: Optional[str] = header("x-oss-version-id")
    hash_crc64: Optional[str] = header("x-oss-hash-crc64ecma")
    next_position: Optional[int] = header("x-oss-next-append-position", "int")
    server_side_encryption: Optional[str] = header("x-oss-server-side-encryption")


@dataclass
class PutObjectAclRequest(RequestModel):
    """PutObjectAcl."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    acl: Optional[str] = header("x-oss-object-acl")
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class PutObjectAclResult(ResultModel):
    """PutObjectAcl's result."""

    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class GetObjectAclRequest(RequestModel):
    """GetObjectAcl."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class GetObjectAclResult(ResultModel):
    """GetObjectAcl's result."""

    acl: Optional[str] = xml("AccessControlList/Grant")
    owner: Optional[Owner] = xml("Owner", Owner)
    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class PutObjectTaggingRequest(RequestModel):
    """PutObjectTagging."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    tagging: Optional[Tagging] = body("Tagging")
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class PutObjectTaggingResult(ResultModel):
    """PutObjectTagging's result."""

    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class GetObjectTaggingRequest(RequestModel):
    """GetObjectTagging."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class GetObjectTaggingResult(ResultModel):
    """GetObjectTagging's result."""

    version_id: Optional[str] = header("x-oss-version-id")
    tag_set: Optional[TagSet] = xml("TagSet", TagSet)


@dataclass
class DeleteObjectTaggingRequest(RequestModel):
    """DeleteObjectTagging."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class DeleteObjectTaggingResult(ResultModel):
    """DeleteObjectTagging's result."""

    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class PutSymlinkRequest(RequestModel):
    """PutSymlink: ``key`` points at ``target``."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    target: Optional[str] = header("x-oss-symlink-target")
    acl: Optional[str] = header("x-oss-object-acl")
    storage_class: Optional[str] = header("x-oss-storage-class")
    metadata: Optional[Dict[str, str]] = usermeta()
    forbid_overwrite: Optional[bool] = header("x-oss-forbid-overwrite", "bool")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class PutSymlinkResult(ResultModel):
    """PutSymlink's result."""

    version_id: Optional[str] = header("x-oss-version-id")


@dataclass
class GetSymlinkRequest(RequestModel):
    """GetSymlink."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class GetSymlinkResult(ResultModel):
    """GetSymlink's result."""

    version_id: Optional[str] = header("x-oss-version-id")
    target: Optional[str] = header("x-oss-symlink-target")
    etag: Optional[str] = header("ETag")
    metadata: Optional[Dict[str, str]] = usermeta()


@dataclass
class RestoreObjectRequest(RequestModel):
    """RestoreObject (Archive and colder classes)."""

    bucket: Optional[str] = host()
    key: Optional[str] = path()
    version_id: Optional[str] = query("versionId")
    restore_request: Optional[RestoreRequest] = body("RestoreRequest")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class RestoreObjectResult(ResultModel):
    """RestoreObject's result."""

    version_id: Optional[str] = header("x-oss-version-id")
    restore_priority: Optional[str] = header("x-oss-object-restore-priority")
