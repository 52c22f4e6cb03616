"""Typed declarations of the client methods, generated from the operation table by
tools/gen_client_types.py; do not edit.

``Client`` and ``AsyncClient`` get their methods at import from ``operations.OPERATIONS``
and ``paginator.PAGE_RULES`` (client.py). These mixins declare the same methods with
their parameter and return types for type checkers and IDEs; at run time they are
empty. The helpers (is_object_exist, presign, uploader, ...) are written in client.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import (
        Any,
    )
    from alicloud_storage.oss.models import (
        AbortMultipartUploadRequest,
        AbortMultipartUploadResult,
        AppendObjectRequest,
        AppendObjectResult,
        CompleteMultipartUploadRequest,
        CompleteMultipartUploadResult,
        CopyObjectRequest,
        CopyObjectResult,
        DeleteBucketRequest,
        DeleteBucketResult,
        DeleteMultipleObjectsRequest,
        DeleteMultipleObjectsResult,
        DeleteObjectRequest,
        DeleteObjectResult,
        DeleteObjectTaggingRequest,
        DeleteObjectTaggingResult,
        GetBucketAclRequest,
        GetBucketAclResult,
        GetBucketInfoRequest,
        GetBucketInfoResult,
        GetBucketLocationRequest,
        GetBucketLocationResult,
        GetBucketStatRequest,
        GetBucketStatResult,
        GetObjectAclRequest,
        GetObjectAclResult,
        GetObjectMetaRequest,
        GetObjectMetaResult,
        GetObjectRequest,
        GetObjectResult,
        GetObjectTaggingRequest,
        GetObjectTaggingResult,
        GetSymlinkRequest,
        GetSymlinkResult,
        HeadObjectRequest,
        HeadObjectResult,
        InitiateMultipartUploadRequest,
        InitiateMultipartUploadResult,
        ListBucketsRequest,
        ListBucketsResult,
        ListMultipartUploadsRequest,
        ListMultipartUploadsResult,
        ListObjectsRequest,
        ListObjectsResult,
        ListObjectsV2Request,
        ListObjectsV2Result,
        ListPartsRequest,
        ListPartsResult,
        PutBucketAclRequest,
        PutBucketAclResult,
        PutBucketRequest,
        PutBucketResult,
        PutObjectAclRequest,
        PutObjectAclResult,
        PutObjectRequest,
        PutObjectResult,
        PutObjectTaggingRequest,
        PutObjectTaggingResult,
        PutSymlinkRequest,
        PutSymlinkResult,
        RestoreObjectRequest,
        RestoreObjectResult,
        UploadPartCopyRequest,
        UploadPartCopyResult,
        UploadPartRequest,
        UploadPartResult,
    )
    from alicloud_storage.oss.paginator import (
        AsyncPaginator,
        Paginator,
    )

__all__ = ["SyncMethods", "AsyncMethods"]


class SyncMethods:
    """The generated methods of oss.Client as type checkers see them (results as returned)."""

    if TYPE_CHECKING:
        def list_buckets(
            self,
            request: ListBucketsRequest,
            **kwargs: Any,
        ) -> ListBucketsResult:
            """ListBuckets: ListBucketsRequest -> ListBucketsResult."""

        def put_bucket(
            self,
            request: PutBucketRequest,
            **kwargs: Any,
        ) -> PutBucketResult:
            """PutBucket: PutBucketRequest -> PutBucketResult."""

        def delete_bucket(
            self,
            request: DeleteBucketRequest,
            **kwargs: Any,
        ) -> DeleteBucketResult:
            """DeleteBucket: DeleteBucketRequest -> DeleteBucketResult."""

        def get_bucket_info(
            self,
            request: GetBucketInfoRequest,
            **kwargs: Any,
        ) -> GetBucketInfoResult:
            """GetBucketInfo: GetBucketInfoRequest -> GetBucketInfoResult."""

        def get_bucket_location(
            self,
            request: GetBucketLocationRequest,
            **kwargs: Any,
        ) -> GetBucketLocationResult:
            """GetBucketLocation: GetBucketLocationRequest -> GetBucketLocationResult."""

        def get_bucket_stat(
            self,
            request: GetBucketStatRequest,
            **kwargs: Any,
        ) -> GetBucketStatResult:
            """GetBucketStat: GetBucketStatRequest -> GetBucketStatResult."""

        def put_bucket_acl(
            self,
            request: PutBucketAclRequest,
            **kwargs: Any,
        ) -> PutBucketAclResult:
            """PutBucketAcl: PutBucketAclRequest -> PutBucketAclResult."""

        def get_bucket_acl(
            self,
            request: GetBucketAclRequest,
            **kwargs: Any,
        ) -> GetBucketAclResult:
            """GetBucketAcl: GetBucketAclRequest -> GetBucketAclResult."""

        def list_objects(
            self,
            request: ListObjectsRequest,
            **kwargs: Any,
        ) -> ListObjectsResult:
            """ListObjects: ListObjectsRequest -> ListObjectsResult."""

        def list_objects_v2(
            self,
            request: ListObjectsV2Request,
            **kwargs: Any,
        ) -> ListObjectsV2Result:
            """ListObjectsV2: ListObjectsV2Request -> ListObjectsV2Result."""

        def put_object(
            self,
            request: PutObjectRequest,
            **kwargs: Any,
        ) -> PutObjectResult:
            """PutObject: PutObjectRequest -> PutObjectResult."""

        def get_object(
            self,
            request: GetObjectRequest,
            **kwargs: Any,
        ) -> GetObjectResult:
            """GetObject: GetObjectRequest -> GetObjectResult."""

        def head_object(
            self,
            request: HeadObjectRequest,
            **kwargs: Any,
        ) -> HeadObjectResult:
            """HeadObject: HeadObjectRequest -> HeadObjectResult."""

        def get_object_meta(
            self,
            request: GetObjectMetaRequest,
            **kwargs: Any,
        ) -> GetObjectMetaResult:
            """GetObjectMeta: GetObjectMetaRequest -> GetObjectMetaResult."""

        def delete_object(
            self,
            request: DeleteObjectRequest,
            **kwargs: Any,
        ) -> DeleteObjectResult:
            """DeleteObject: DeleteObjectRequest -> DeleteObjectResult."""

        def delete_multiple_objects(
            self,
            request: DeleteMultipleObjectsRequest,
            **kwargs: Any,
        ) -> DeleteMultipleObjectsResult:
            """DeleteMultipleObjects: DeleteMultipleObjectsRequest -> DeleteMultipleObjectsResult."""

        def copy_object(
            self,
            request: CopyObjectRequest,
            **kwargs: Any,
        ) -> CopyObjectResult:
            """CopyObject: CopyObjectRequest -> CopyObjectResult."""

        def append_object(
            self,
            request: AppendObjectRequest,
            **kwargs: Any,
        ) -> AppendObjectResult:
            """AppendObject: AppendObjectRequest -> AppendObjectResult."""

        def put_object_acl(
            self,
            request: PutObjectAclRequest,
            **kwargs: Any,
        ) -> PutObjectAclResult:
            """PutObjectAcl: PutObjectAclRequest -> PutObjectAclResult."""

        def get_object_acl(
            self,
            request: GetObjectAclRequest,
            **kwargs: Any,
        ) -> GetObjectAclResult:
            """GetObjectAcl: GetObjectAclRequest -> GetObjectAclResult."""

        def put_object_tagging(
            self,
            request: PutObjectTaggingRequest,
            **kwargs: Any,
        ) -> PutObjectTaggingResult:
            """PutObjectTagging: PutObjectTaggingRequest -> PutObjectTaggingResult."""

        def get_object_tagging(
            self,
            request: GetObjectTaggingRequest,
            **kwargs: Any,
        ) -> GetObjectTaggingResult:
            """GetObjectTagging: GetObjectTaggingRequest -> GetObjectTaggingResult."""

        def delete_object_tagging(
            self,
            request: DeleteObjectTaggingRequest,
            **kwargs: Any,
        ) -> DeleteObjectTaggingResult:
            """DeleteObjectTagging: DeleteObjectTaggingRequest -> DeleteObjectTaggingResult."""

        def put_symlink(
            self,
            request: PutSymlinkRequest,
            **kwargs: Any,
        ) -> PutSymlinkResult:
            """PutSymlink: PutSymlinkRequest -> PutSymlinkResult."""

        def get_symlink(
            self,
            request: GetSymlinkRequest,
            **kwargs: Any,
        ) -> GetSymlinkResult:
            """GetSymlink: GetSymlinkRequest -> GetSymlinkResult."""

        def restore_object(
            self,
            request: RestoreObjectRequest,
            **kwargs: Any,
        ) -> RestoreObjectResult:
            """RestoreObject: RestoreObjectRequest -> RestoreObjectResult."""

        def initiate_multipart_upload(
            self,
            request: InitiateMultipartUploadRequest,
            **kwargs: Any,
        ) -> InitiateMultipartUploadResult:
            """InitiateMultipartUpload: InitiateMultipartUploadRequest -> InitiateMultipartUploadResult."""

        def upload_part(
            self,
            request: UploadPartRequest,
            **kwargs: Any,
        ) -> UploadPartResult:
            """UploadPart: UploadPartRequest -> UploadPartResult."""

        def upload_part_copy(
            self,
            request: UploadPartCopyRequest,
            **kwargs: Any,
        ) -> UploadPartCopyResult:
            """UploadPartCopy: UploadPartCopyRequest -> UploadPartCopyResult."""

        def complete_multipart_upload(
            self,
            request: CompleteMultipartUploadRequest,
            **kwargs: Any,
        ) -> CompleteMultipartUploadResult:
            """CompleteMultipartUpload: CompleteMultipartUploadRequest -> CompleteMultipartUploadResult."""

        def abort_multipart_upload(
            self,
            request: AbortMultipartUploadRequest,
            **kwargs: Any,
        ) -> AbortMultipartUploadResult:
            """AbortMultipartUpload: AbortMultipartUploadRequest -> AbortMultipartUploadResult."""

        def list_multipart_uploads(
            self,
            request: ListMultipartUploadsRequest,
            **kwargs: Any,
        ) -> ListMultipartUploadsResult:
            """ListMultipartUploads: ListMultipartUploadsRequest -> ListMultipartUploadsResult."""

        def list_parts(
            self,
            request: ListPartsRequest,
            **kwargs: Any,
        ) -> ListPartsResult:
            """ListParts: ListPartsRequest -> ListPartsResult."""

        def list_objects_paginator(
            self,
            **kwargs: Any,
        ) -> Paginator[ListObjectsRequest, ListObjectsResult]:
            """Pages of list_objects."""

        def list_objects_v2_paginator(
            self,
            **kwargs: Any,
        ) -> Paginator[ListObjectsV2Request, ListObjectsV2Result]:
            """Pages of list_objects_v2."""

        def list_buckets_paginator(
            self,
            **kwargs: Any,
        ) -> Paginator[ListBucketsRequest, ListBucketsResult]:
            """Pages of list_buckets."""

        def list_parts_paginator(
            self,
            **kwargs: Any,
        ) -> Paginator[ListPartsRequest, ListPartsResult]:
            """Pages of list_parts."""

        def list_multipart_uploads_paginator(
            self,
            **kwargs: Any,
        ) -> Paginator[ListMultipartUploadsRequest, ListMultipartUploadsResult]:
            """Pages of list_multipart_uploads."""


class AsyncMethods:
    """The generated methods of oss.AsyncClient: coroutines with the same results; paginators async."""

    if TYPE_CHECKING:
        async def list_buckets(
            self,
            request: ListBucketsRequest,
            **kwargs: Any,
        ) -> ListBucketsResult:
            """ListBuckets: ListBucketsRequest -> ListBucketsResult."""

        async def put_bucket(
            self,
            request: PutBucketRequest,
            **kwargs: Any,
        ) -> PutBucketResult:
            """PutBucket: PutBucketRequest -> PutBucketResult."""

        async def delete_bucket(
            self,
            request: DeleteBucketRequest,
            **kwargs: Any,
        ) -> DeleteBucketResult:
            """DeleteBucket: DeleteBucketRequest -> DeleteBucketResult."""

        async def get_bucket_info(
            self,
            request: GetBucketInfoRequest,
            **kwargs: Any,
        ) -> GetBucketInfoResult:
            """GetBucketInfo: GetBucketInfoRequest -> GetBucketInfoResult."""

        async def get_bucket_location(
            self,
            request: GetBucketLocationRequest,
            **kwargs: Any,
        ) -> GetBucketLocationResult:
            """GetBucketLocation: GetBucketLocationRequest -> GetBucketLocationResult."""

        async def get_bucket_stat(
            self,
            request: GetBucketStatRequest,
            **kwargs: Any,
        ) -> GetBucketStatResult:
            """GetBucketStat: GetBucketStatRequest -> GetBucketStatResult."""

        async def put_bucket_acl(
            self,
            request: PutBucketAclRequest,
            **kwargs: Any,
        ) -> PutBucketAclResult:
            """PutBucketAcl: PutBucketAclRequest -> PutBucketAclResult."""

        async def get_bucket_acl(
            self,
            request: GetBucketAclRequest,
            **kwargs: Any,
        ) -> GetBucketAclResult:
            """GetBucketAcl: GetBucketAclRequest -> GetBucketAclResult."""

        async def list_objects(
            self,
            request: ListObjectsRequest,
            **kwargs: Any,
        ) -> ListObjectsResult:
            """ListObjects: ListObjectsRequest -> ListObjectsResult."""

        async def list_objects_v2(
            self,
            request: ListObjectsV2Request,
            **kwargs: Any,
        ) -> ListObjectsV2Result:
            """ListObjectsV2: ListObjectsV2Request -> ListObjectsV2Result."""

        async def put_object(
            self,
            request: PutObjectRequest,
            **kwargs: Any,
        ) -> PutObjectResult:
            """PutObject: PutObjectRequest -> PutObjectResult."""

        async def get_object(
            self,
            request: GetObjectRequest,
            **kwargs: Any,
        ) -> GetObjectResult:
            """GetObject: GetObjectRequest -> GetObjectResult."""

        async def head_object(
            self,
            request: HeadObjectRequest,
            **kwargs: Any,
        ) -> HeadObjectResult:
            """HeadObject: HeadObjectRequest -> HeadObjectResult."""

        async def get_object_meta(
            self,
            request: GetObjectMetaRequest,
            **kwargs: Any,
        ) -> GetObjectMetaResult:
            """GetObjectMeta: GetObjectMetaRequest -> GetObjectMetaResult."""

        async def delete_object(
            self,
            request: DeleteObjectRequest,
            **kwargs: Any,
        ) -> DeleteObjectResult:
            """DeleteObject: DeleteObjectRequest -> DeleteObjectResult."""

        async def delete_multiple_objects(
            self,
            request: DeleteMultipleObjectsRequest,
            **kwargs: Any,
        ) -> DeleteMultipleObjectsResult:
            """DeleteMultipleObjects: DeleteMultipleObjectsRequest -> DeleteMultipleObjectsResult."""

        async def copy_object(
            self,
            request: CopyObjectRequest,
            **kwargs: Any,
        ) -> CopyObjectResult:
            """CopyObject: CopyObjectRequest -> CopyObjectResult."""

        async def append_object(
            self,
            request: AppendObjectRequest,
            **kwargs: Any,
        ) -> AppendObjectResult:
            """AppendObject: AppendObjectRequest -> AppendObjectResult."""

        async def put_object_acl(
            self,
            request: PutObjectAclRequest,
            **kwargs: Any,
        ) -> PutObjectAclResult:
            """PutObjectAcl: PutObjectAclRequest -> PutObjectAclResult."""

        async def get_object_acl(
            self,
            request: GetObjectAclRequest,
            **kwargs: Any,
        ) -> GetObjectAclResult:
            """GetObjectAcl: GetObjectAclRequest -> GetObjectAclResult."""

        async def put_object_tagging(
            self,
            request: PutObjectTaggingRequest,
            **kwargs: Any,
        ) -> PutObjectTaggingResult:
            """PutObjectTagging: PutObjectTaggingRequest -> PutObjectTaggingResult."""

        async def get_object_tagging(
            self,
            request: GetObjectTaggingRequest,
            **kwargs: Any,
        ) -> GetObjectTaggingResult:
            """GetObjectTagging: GetObjectTaggingRequest -> GetObjectTaggingResult."""

        async def delete_object_tagging(
            self,
            request: DeleteObjectTaggingRequest,
            **kwargs: Any,
        ) -> DeleteObjectTaggingResult:
            """DeleteObjectTagging: DeleteObjectTaggingRequest -> DeleteObjectTaggingResult."""

        async def put_symlink(
            self,
            request: PutSymlinkRequest,
            **kwargs: Any,
        ) -> PutSymlinkResult:
            """PutSymlink: PutSymlinkRequest -> PutSymlinkResult."""

        async def get_symlink(
            self,
            request: GetSymlinkRequest,
            **kwargs: Any,
        ) -> GetSymlinkResult:
            """GetSymlink: GetSymlinkRequest -> GetSymlinkResult."""

        async def restore_object(
            self,
            request: RestoreObjectRequest,
            **kwargs: Any,
        ) -> RestoreObjectResult:
            """RestoreObject: RestoreObjectRequest -> RestoreObjectResult."""

        async def initiate_multipart_upload(
            self,
            request: InitiateMultipartUploadRequest,
            **kwargs: Any,
        ) -> InitiateMultipartUploadResult:
            """InitiateMultipartUpload: InitiateMultipartUploadRequest -> InitiateMultipartUploadResult."""

        async def upload_part(
            self,
            request: UploadPartRequest,
            **kwargs: Any,
        ) -> UploadPartResult:
            """UploadPart: UploadPartRequest -> UploadPartResult."""

        async def upload_part_copy(
            self,
            request: UploadPartCopyRequest,
            **kwargs: Any,
        ) -> UploadPartCopyResult:
            """UploadPartCopy: UploadPartCopyRequest -> UploadPartCopyResult."""

        async def complete_multipart_upload(
            self,
            request: CompleteMultipartUploadRequest,
            **kwargs: Any,
        ) -> CompleteMultipartUploadResult:
            """CompleteMultipartUpload: CompleteMultipartUploadRequest -> CompleteMultipartUploadResult."""

        async def abort_multipart_upload(
            self,
            request: AbortMultipartUploadRequest,
            **kwargs: Any,
        ) -> AbortMultipartUploadResult:
            """AbortMultipartUpload: AbortMultipartUploadRequest -> AbortMultipartUploadResult."""

        async def list_multipart_uploads(
            self,
            request: ListMultipartUploadsRequest,
            **kwargs: Any,
        ) -> ListMultipartUploadsResult:
            """ListMultipartUploads: ListMultipartUploadsRequest -> ListMultipartUploadsResult."""

        async def list_parts(
            self,
            request: ListPartsRequest,
            **kwargs: Any,
        ) -> ListPartsResult:
            """ListParts: ListPartsRequest -> ListPartsResult."""

        def list_objects_paginator(
            self,
            **kwargs: Any,
        ) -> AsyncPaginator[ListObjectsRequest, ListObjectsResult]:
            """Pages of list_objects."""

        def list_objects_v2_paginator(
            self,
            **kwargs: Any,
        ) -> AsyncPaginator[ListObjectsV2Request, ListObjectsV2Result]:
            """Pages of list_objects_v2."""

        def list_buckets_paginator(
            self,
            **kwargs: Any,
        ) -> AsyncPaginator[ListBucketsRequest, ListBucketsResult]:
            """Pages of list_buckets."""

        def list_parts_paginator(
            self,
            **kwargs: Any,
        ) -> AsyncPaginator[ListPartsRequest, ListPartsResult]:
            """Pages of list_parts."""

        def list_multipart_uploads_paginator(
            self,
            **kwargs: Any,
        ) -> AsyncPaginator[ListMultipartUploadsRequest, ListMultipartUploadsResult]:
            """Pages of list_multipart_uploads."""
