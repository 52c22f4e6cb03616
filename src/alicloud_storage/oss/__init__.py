"""OSS client with the interface of ``alibabacloud_oss_v2``: code written for
``import alibabacloud_oss_v2 as oss`` runs with ``import alicloud_storage.oss as oss``.

It shares the project's credentials layer and transport; signatures, endpoints, CRC-64
and the operation table live in the submodules. Importing this package loads almost
nothing: the clients, models and submodules are imported on first use (PEP 562), and
aiohttp only when an AsyncClient sends its first request.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers
    from alicloud_storage.oss.client import AsyncClient as AsyncClient
    from alicloud_storage.oss.client import Client as Client
    from alicloud_storage.oss.client import PresignResult as PresignResult
    from alicloud_storage.oss.config import Config as Config
    from alicloud_storage.oss.models import *  # noqa: F401,F403

_SUBMODULES = ("aio", "body", "client", "config", "crc64", "credentials", "endpoints", "exceptions", "models",
               "operations", "paginator", "protocol", "retry", "serde", "signer", "transfer", "transport")
_FROM_CLIENT = ("Client", "AsyncClient", "PresignResult")
_FROM_CONFIG = ("Config",)
_MODEL_NAMES: List[str] = [
    "Model", "RequestModel", "ResultModel",
    "Owner", "BucketProperties", "CreateBucketConfiguration", "BucketInfo", "AccessControlList",
    "ObjectProperties", "CommonPrefix",
    "PutBucketRequest", "PutBucketResult", "DeleteBucketRequest", "DeleteBucketResult",
    "ListBucketsRequest", "ListBucketsResult", "GetBucketInfoRequest", "GetBucketInfoResult",
    "GetBucketLocationRequest", "GetBucketLocationResult", "GetBucketStatRequest", "GetBucketStatResult",
    "PutBucketAclRequest", "PutBucketAclResult", "GetBucketAclRequest", "GetBucketAclResult",
    "ListObjectsRequest", "ListObjectsResult", "ListObjectsV2Request", "ListObjectsV2Result",
    "Tag", "TagSet", "Tagging", "DeleteObject", "DeletedInfo", "JobParameters", "RestoreRequest",
    "PutObjectRequest", "PutObjectResult", "GetObjectRequest", "GetObjectResult",
    "HeadObjectRequest", "HeadObjectResult", "GetObjectMetaRequest", "GetObjectMetaResult",
    "DeleteObjectRequest", "DeleteObjectResult", "DeleteMultipleObjectsRequest", "DeleteMultipleObjectsResult",
    "CopyObjectRequest", "CopyObjectResult", "AppendObjectRequest", "AppendObjectResult",
    "PutObjectAclRequest", "PutObjectAclResult", "GetObjectAclRequest", "GetObjectAclResult",
    "PutObjectTaggingRequest", "PutObjectTaggingResult", "GetObjectTaggingRequest", "GetObjectTaggingResult",
    "DeleteObjectTaggingRequest", "DeleteObjectTaggingResult", "PutSymlinkRequest", "PutSymlinkResult",
    "GetSymlinkRequest", "GetSymlinkResult", "RestoreObjectRequest", "RestoreObjectResult",
    "UploadPart", "CompleteMultipartUpload", "Upload", "Part",
    "InitiateMultipartUploadRequest", "InitiateMultipartUploadResult", "UploadPartRequest", "UploadPartResult",
    "UploadPartCopyRequest", "UploadPartCopyResult", "CompleteMultipartUploadRequest",
    "CompleteMultipartUploadResult", "AbortMultipartUploadRequest", "AbortMultipartUploadResult",
    "ListMultipartUploadsRequest", "ListMultipartUploadsResult", "ListPartsRequest", "ListPartsResult",
]

_LAZY: Dict[str, str] = {
    **{name: "client" for name in _FROM_CLIENT},
    **{name: "config" for name in _FROM_CONFIG},
    **{name: "models" for name in _MODEL_NAMES},
}

__all__ = [*_SUBMODULES, *_FROM_CLIENT, *_FROM_CONFIG, *_MODEL_NAMES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
