"""Bucket and listing models (official names and fields)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import List, Optional

from alicloud_storage.oss.models.base import Model, RequestModel, ResultModel, header, host, query, xml, body

__all__ = [
    "Owner", "BucketProperties", "CreateBucketConfiguration", "BucketInfo", "AccessControlList",
    "ObjectProperties", "CommonPrefix",
    "PutBucketRequest", "PutBucketResult", "DeleteBucketRequest", "DeleteBucketResult",
    "ListBucketsRequest", "ListBucketsResult", "GetBucketInfoRequest", "GetBucketInfoResult",
    "GetBucketLocationRequest", "GetBucketLocationResult", "GetBucketStatRequest", "GetBucketStatResult",
    "PutBucketAclRequest", "PutBucketAclResult", "GetBucketAclRequest", "GetBucketAclResult",
    "ListObjectsRequest", "ListObjectsResult", "ListObjectsV2Request", "ListObjectsV2Result",
]


@dataclass
class Owner(Model):
    """A bucket's or object's owner."""

    id: Optional[str] = xml("ID")
    display_name: Optional[str] = xml("DisplayName")


@dataclass
class BucketProperties(Model):
    """One bucket of ListBuckets."""

    name: Optional[str] = xml("Name")
    location: Optional[str] = xml("Location")
    creation_date: Optional[datetime.datetime] = xml("CreationDate", "datetime")
    storage_class: Optional[str] = xml("StorageClass")
    extranet_endpoint: Optional[str] = xml("ExtranetEndpoint")
    intranet_endpoint: Optional[str] = xml("IntranetEndpoint")
    region: Optional[str] = xml("Region")
    resource_group_id: Optional[str] = xml("ResourceGroupId")


@dataclass
class CreateBucketConfiguration(Model):
    """The body of PutBucket."""

    storage_class: Optional[str] = xml("StorageClass")
    data_redundancy_type: Optional[str] = xml("DataRedundancyType")


@dataclass
class AccessControlList(Model):
    """An ACL grant."""

    acl: Optional[str] = xml("Grant")


@dataclass
class BucketInfo(Model):
    """GetBucketInfo's bucket."""

    name: Optional[str] = xml("Name")
    access_monitor: Optional[str] = xml("AccessMonitor")
    location: Optional[str] = xml("Location")
    creation_date: Optional[datetime.datetime] = xml("CreationDate", "datetime")
    extranet_endpoint: Optional[str] = xml("ExtranetEndpoint")
    intranet_endpoint: Optional[str] = xml("IntranetEndpoint")
    acl: Optional[str] = xml("AccessControlList/Grant")
    data_redundancy_type: Optional[str] = xml("DataRedundancyType")
    owner: Optional[Owner] = xml("Owner", Owner)
    storage_class: Optional[str] = xml("StorageClass")
    resource_group_id: Optional[str] = xml("ResourceGroupId")
    versioning: Optional[str] = xml("Versioning")
    transfer_acceleration: Optional[str] = xml("TransferAcceleration")
    cross_region_replication: Optional[str] = xml("CrossRegionReplication")
    comment: Optional[str] = xml("Comment")
    block_public_access: Optional[bool] = xml("BlockPublicAccess", "bool")


@dataclass
class ObjectProperties(Model):
    """One object of a listing."""

    key: Optional[str] = xml("Key")
    object_type: Optional[str] = xml("Type")
    size: Optional[int] = xml("Size", "int")
    etag: Optional[str] = xml("ETag")
    last_modified: Optional[datetime.datetime] = xml("LastModified", "datetime")
    storage_class: Optional[str] = xml("StorageClass")
    owner: Optional[Owner] = xml("Owner", Owner)
    restore_info: Optional[str] = xml("RestoreInfo")
    transition_time: Optional[str] = xml("TransitionTime")


@dataclass
class CommonPrefix(Model):
    """A prefix rolled up by the delimiter."""

    prefix: Optional[str] = xml("Prefix")


@dataclass
class PutBucketRequest(RequestModel):
    """PutBucket: create a bucket."""

    bucket: Optional[str] = host()
    acl: Optional[str] = header("x-oss-acl")
    resource_group_id: Optional[str] = header("x-oss-resource-group-id")
    create_bucket_configuration: Optional[CreateBucketConfiguration] = body("CreateBucketConfiguration")
    bucket_tagging: Optional[str] = header("x-oss-bucket-tagging")


@dataclass
class PutBucketResult(ResultModel):
    """PutBucket's result."""


@dataclass
class DeleteBucketRequest(RequestModel):
    """DeleteBucket: delete an empty bucket."""

    bucket: Optional[str] = host()


@dataclass
class DeleteBucketResult(ResultModel):
    """DeleteBucket's result."""


@dataclass
class ListBucketsRequest(RequestModel):
    """ListBuckets (GetService)."""

    marker: Optional[str] = query("marker")
    max_keys: Optional[int] = query("max-keys", "int")
    prefix: Optional[str] = query("prefix")
    resource_group_id: Optional[str] = header("x-oss-resource-group-id")
    tag_key: Optional[str] = query("tag-key")
    tag_value: Optional[str] = query("tag-value")
    tagging: Optional[str] = query("tagging")


@dataclass
class ListBucketsResult(ResultModel):
    """ListBuckets' result."""

    prefix: Optional[str] = xml("Prefix")
    marker: Optional[str] = xml("Marker")
    max_keys: Optional[int] = xml("MaxKeys", "int")
    is_truncated: Optional[bool] = xml("IsTruncated", "bool")
    next_marker: Optional[str] = xml("NextMarker")
    owner: Optional[Owner] = xml("Owner", Owner)
    buckets: Optional[List[BucketProperties]] = xml("Buckets/Bucket", [BucketProperties])


@dataclass
class GetBucketInfoRequest(RequestModel):
    """GetBucketInfo."""

    bucket: Optional[str] = host()


@dataclass
class GetBucketInfoResult(ResultModel):
    """GetBucketInfo's result."""

    bucket_info: Optional[BucketInfo] = xml("Bucket", BucketInfo)


@dataclass
class GetBucketLocationRequest(RequestModel):
    """GetBucketLocation."""

    bucket: Optional[str] = host()


@dataclass
class GetBucketLocationResult(ResultModel):
    """GetBucketLocation's result: e.g. ``oss-cn-hangzhou``."""

    location: Optional[str] = xml(".")


@dataclass
class GetBucketStatRequest(RequestModel):
    """GetBucketStat."""

    bucket: Optional[str] = host()


@dataclass
class GetBucketStatResult(ResultModel):
    """GetBucketStat's result."""

    storage: Optional[int] = xml("Storage", "int")
    object_count: Optional[int] = xml("ObjectCount", "int")
    multi_part_upload_count: Optional[int] = xml("MultipartUploadCount", "int")
    live_channel_count: Optional[int] = xml("LiveChannelCount", "int")
    last_modified_time: Optional[int] = xml("LastModifiedTime", "int")
    standard_storage: Optional[int] = xml("StandardStorage", "int")
    standard_object_count: Optional[int] = xml("StandardObjectCount", "int")
    infrequent_access_storage: Optional[int] = xml("InfrequentAccessStorage", "int")
    infrequent_access_real_storage: Optional[int] = xml("InfrequentAccessRealStorage", "int")
    infrequent_access_object_count: Optional[int] = xml("InfrequentAccessObjectCount", "int")
    archive_storage: Optional[int] = xml("ArchiveStorage", "int")
    archive_real_storage: Optional[int] = xml("ArchiveRealStorage", "int")
    archive_object_count: Optional[int] = xml("ArchiveObjectCount", "int")
    cold_archive_storage: Optional[int] = xml("ColdArchiveStorage", "int")
    cold_archive_real_storage: Optional[int] = xml("ColdArchiveRealStorage", "int")
    cold_archive_object_count: Optional[int] = xml("ColdArchiveObjectCount", "int")
    delete_marker_count: Optional[int] = xml("DeleteMarkerCount", "int")


@dataclass
class PutBucketAclRequest(RequestModel):
    """PutBucketAcl."""

    bucket: Optional[str] = host()
    acl: Optional[str] = header("x-oss-acl")


@dataclass
class PutBucketAclResult(ResultModel):
    """PutBucketAcl's result."""


@dataclass
class GetBucketAclRequest(RequestModel):
    """GetBucketAcl."""

    bucket: Optional[str] = host()


@dataclass
class GetBucketAclResult(ResultModel):
    """GetBucketAcl's result."""

    owner: Optional[Owner] = xml("Owner", Owner)
    acl: Optional[str] = xml("AccessControlList/Grant")


@dataclass
class ListObjectsRequest(RequestModel):
    """ListObjects (v1)."""

    bucket: Optional[str] = host()
    delimiter: Optional[str] = query("delimiter")
    encoding_type: Optional[str] = query("encoding-type")
    marker: Optional[str] = query("marker")
    max_keys: Optional[int] = query("max-keys", "int")
    prefix: Optional[str] = query("prefix")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class ListObjectsResult(ResultModel):
    """ListObjects' result (keys url-decoded)."""

    name: Optional[str] = xml("Name")
    prefix: Optional[str] = xml("Prefix")
    marker: Optional[str] = xml("Marker")
    max_keys: Optional[int] = xml("MaxKeys", "int")
    delimiter: Optional[str] = xml("Delimiter")
    is_truncated: Optional[bool] = xml("IsTruncated", "bool")
    next_marker: Optional[str] = xml("NextMarker")
    encoding_type: Optional[str] = xml("EncodingType")
    contents: Optional[List[ObjectProperties]] = xml("Contents", [ObjectProperties])
    common_prefixes: Optional[List[CommonPrefix]] = xml("CommonPrefixes", [CommonPrefix])


@dataclass
class ListObjectsV2Request(RequestModel):
    """ListObjectsV2."""

    bucket: Optional[str] = host()
    delimiter: Optional[str] = query("delimiter")
    start_after: Optional[str] = query("start-after")
    encoding_type: Optional[str] = query("encoding-type")
    continuation_token: Optional[str] = query("continuation-token")
    max_keys: Optional[int] = query("max-keys", "int")
    prefix: Optional[str] = query("prefix")
    fetch_owner: Optional[bool] = query("fetch-owner", "bool")
    request_payer: Optional[str] = header("x-oss-request-payer")


@dataclass
class ListObjectsV2Result(ResultModel):
    """ListObjectsV2's result (keys url-decoded)."""

    name: Optional[str] = xml("Name")
    prefix: Optional[str] = xml("Prefix")
    continuation_token: Optional[str] = xml("ContinuationToken")
    max_keys: Optional[int] = xml("MaxKeys", "int")
    delimiter: Optional[str] = xml("Delimiter")
    is_truncated: Optional[bool] = xml("IsTruncated", "bool")
    next_continuation_token: Optional[str] = xml("NextContinuationToken")
    encoding_type: Optional[str] = xml("EncodingType")
    contents: Optional[List[ObjectProperties]] = xml("Contents", [ObjectProperties])
    common_prefixes: Optional[List[CommonPrefix]] = xml("CommonPrefixes", [CommonPrefix])
    start_after: Optional[str] = xml("StartAfter")
    key_count: Optional[int] = xml("KeyCount", "int")
