"""The one operation table both clients are built from: for each API its HTTP method,
models, sub-resource, body and checksum rules, and any extra encoding or decoding step.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import quote, unquote

from alicloud_storage.oss import models as m
from alicloud_storage.oss.exceptions import ParamRequiredError
from alicloud_storage.oss.serde import WireInput, bool_text, model_to_xml

__all__ = ["Operation", "OPERATIONS", "EMPTY_MD5", "content_md5"]

EMPTY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg=="
_BINARY = "application/octet-stream"


def content_md5(data: bytes) -> str:
    """Base64 MD5 of a body (Content-MD5)."""
    return base64.b64encode(hashlib.md5(data).digest()).decode("ascii")


@dataclass(frozen=True)
class Operation:
    """One OSS API: how its request goes out and its result comes back.

    ``sub_resource``: query pairs always sent (``?acl``); ``url_encoding``: ask for
    ``encoding-type=url`` and decode ``decode_keys`` fields of the result;
    ``md5``: add Content-MD5 of the (control) body; ``mime``: Content-Type from the key's
    extension; ``upload_crc``: check the body's CRC-64 against the answer's;
    ``xml``: the result's body is XML (``root`` checked when given); ``stream``: the
    result keeps the body (GetObject); ``encode``/``decode``: extra steps."""

    name: str
    method: str
    request_type: type
    result_type: type
    sub_resource: Tuple[Tuple[str, str], ...] = ()
    url_encoding: bool = False
    md5: bool = False
    mime: bool = False
    upload_crc: bool = False
    xml: bool = False
    root: Optional[str] = None
    stream: bool = False
    default_content_type: Optional[str] = None
    encode: Optional[Callable[[Any, WireInput], None]] = None
    decode: Optional[Callable[[Any], None]] = None
    presignable: bool = False


def _copy_source(request: Any, wire: WireInput) -> None:
    bucket = request.source_bucket or request.bucket
    if not request.source_key:
        raise ParamRequiredError(field="source_key")
    source = f"/{bucket}/{quote(request.source_key)}"
    if request.source_version_id:
        source += f"?versionId={request.source_version_id}"
    wire.headers["x-oss-copy-source"] = source


def _delete_body(request: Any, wire: WireInput) -> None:
    if not request.objects:
        raise ParamRequiredError(field="objects")
    parts = [f"<Quiet>{bool_text(bool(request.quiet))}</Quiet>"]
    for item in request.objects:
        xml = model_to_xml(item, "Object").split(b"\n", 1)[1].decode("utf-8")
        parts.append(xml)
    wire.body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Delete>' + "".join(parts) + "</Delete>").encode()


def _complete_checks(request: Any, wire: WireInput) -> None:
    if request.complete_all is None and request.complete_multipart_upload is None:
        raise ParamRequiredError(field="complete_multipart_upload")


def _decoder(*paths: str) -> Callable[[Any], None]:
    """Percent-decode fields (``a`` or ``list.b``) when the answer says encoding-type url."""

    def decode(result: Any) -> None:
        if (getattr(result, "encoding_type", None) or "").lower() != "url":
            return
        for spec in paths:
            name, _, inner = spec.partition(".")
            value = getattr(result, name, None)
            if value is None:
                continue
            if inner:
                for item in value:
                    text = getattr(item, inner, None)
                    if text is not None:
                        setattr(item, inner, unquote(text))
            else:
                setattr(result, name, unquote(value))

    return decode


def _need(*names: str) -> Callable[[Any, WireInput], None]:
    def check(request: Any, wire: WireInput) -> None:
        for name in names:
            if getattr(request, name, None) is None:
                raise ParamRequiredError(field=name)

    return check


def _part_copy(request: Any, wire: WireInput) -> None:
    _need("part_number", "upload_id")(request, wire)
    _copy_source(request, wire)


def _ops(*items: Operation) -> Dict[str, Operation]:
    return {op.name: op for op in items}


_LIST_V1 = _decoder("prefix", "marker", "delimiter", "next_marker", "contents.key", "common_prefixes.prefix")
_LIST_V2 = _decoder("prefix", "start_after", "continuation_token", "delimiter", "next_continuation_token",
                    "contents.key", "common_prefixes.prefix")

OPERATIONS: Dict[str, Operation] = _ops(
    # service and buckets
    Operation("ListBuckets", "GET", m.ListBucketsRequest, m.ListBucketsResult, md5=True, xml=True,
              root="ListAllMyBucketsResult", default_content_type="application/octet-stream"),
    Operation("PutBucket", "PUT", m.PutBucketRequest, m.PutBucketResult, md5=True,
              default_content_type="application/xml"),
    Operation("DeleteBucket", "DELETE", m.DeleteBucketRequest, m.DeleteBucketResult, md5=True),
    Operation("GetBucketInfo", "GET", m.GetBucketInfoRequest, m.GetBucketInfoResult, (("bucketInfo", ""),),
              md5=True, xml=True, root="BucketInfo"),
    Operation("GetBucketLocation", "GET", m.GetBucketLocationRequest, m.GetBucketLocationResult,
              (("location", ""),), md5=True, xml=True, root="LocationConstraint"),
    Operation("GetBucketStat", "GET", m.GetBucketStatRequest, m.GetBucketStatResult, (("stat", ""),),
              md5=True, xml=True, root="BucketStat"),
    Operation("PutBucketAcl", "PUT", m.PutBucketAclRequest, m.PutBucketAclResult, (("acl", ""),), md5=True,
              encode=_need("acl")),
    Operation("GetBucketAcl", "GET", m.GetBucketAclRequest, m.GetBucketAclResult, (("acl", ""),), md5=True,
              xml=True, root="AccessControlPolicy"),
    Operation("ListObjects", "GET", m.ListObjectsRequest, m.ListObjectsResult, url_encoding=True, md5=True,
              xml=True, default_content_type="application/octet-stream", decode=_LIST_V1),
    Operation("ListObjectsV2", "GET", m.ListObjectsV2Request, m.ListObjectsV2Result, (("list-type", "2"),),
              url_encoding=True, md5=True, xml=True, default_content_type="application/octet-stream",
              decode=_LIST_V2),
    # objects
    Operation("PutObject", "PUT", m.PutObjectRequest, m.PutObjectResult, mime=True, upload_crc=True,
              default_content_type=_BINARY, presignable=True),
    Operation("GetObject", "GET", m.GetObjectRequest, m.GetObjectResult, stream=True, presignable=True),
    Operation("HeadObject", "HEAD", m.HeadObjectRequest, m.HeadObjectResult, presignable=True),
    Operation("GetObjectMeta", "HEAD", m.GetObjectMetaRequest, m.GetObjectMetaResult, (("objectMeta", ""),)),
    Operation("DeleteObject", "DELETE", m.DeleteObjectRequest, m.DeleteObjectResult, md5=True),
    Operation("DeleteMultipleObjects", "POST", m.DeleteMultipleObjectsRequest, m.DeleteMultipleObjectsResult,
              (("delete", ""),), url_encoding=True, md5=True, xml=True, root="DeleteResult",
              default_content_type="application/xml", encode=_delete_body,
              decode=_decoder("deleted_objects.key")),
    Operation("CopyObject", "PUT", m.CopyObjectRequest, m.CopyObjectResult, md5=True, xml=True,
              encode=_copy_source),
    Operation("AppendObject", "POST", m.AppendObjectRequest, m.AppendObjectResult, (("append", ""),),
              mime=True, default_content_type=_BINARY, encode=_need("position")),
    Operation("PutObjectAcl", "PUT", m.PutObjectAclRequest, m.PutObjectAclResult, (("acl", ""),), md5=True,
              encode=_need("acl")),
    Operation("GetObjectAcl", "GET", m.GetObjectAclRequest, m.GetObjectAclResult, (("acl", ""),), md5=True,
              xml=True, root="AccessControlPolicy"),
    Operation("PutObjectTagging", "PUT", m.PutObjectTaggingRequest, m.PutObjectTaggingResult,
              (("tagging", ""),), md5=True, default_content_type="application/xml", encode=_need("tagging")),
    Operation("GetObjectTagging", "GET", m.GetObjectTaggingRequest, m.GetObjectTaggingResult,
              (("tagging", ""),), md5=True, xml=True, root="Tagging"),
    Operation("DeleteObjectTagging", "DELETE", m.DeleteObjectTaggingRequest, m.DeleteObjectTaggingResult,
              (("tagging", ""),), md5=True),
    Operation("PutSymlink", "PUT", m.PutSymlinkRequest, m.PutSymlinkResult, (("symlink", ""),), md5=True,
              encode=_need("target")),
    Operation("GetSymlink", "GET", m.GetSymlinkRequest, m.GetSymlinkResult, (("symlink", ""),), md5=True),
    Operation("RestoreObject", "POST", m.RestoreObjectRequest, m.RestoreObjectResult, (("restore", ""),),
              md5=True, default_content_type="application/xml"),
    # multipart
    Operation("InitiateMultipartUpload", "POST", m.InitiateMultipartUploadRequest,
              m.InitiateMultipartUploadResult, (("uploads", ""),), url_encoding=True, md5=True, mime=True,
              default_content_type=_BINARY,
              xml=True, root="InitiateMultipartUploadResult", decode=_decoder("key"), presignable=True),
    Operation("UploadPart", "PUT", m.UploadPartRequest, m.UploadPartResult, upload_crc=True,
              encode=_need("part_number", "upload_id"), presignable=True),
    Operation("UploadPartCopy", "PUT", m.UploadPartCopyRequest, m.UploadPartCopyResult, md5=True, xml=True,
              root="CopyPartResult", encode=_part_copy),
    Operation("CompleteMultipartUpload", "POST", m.CompleteMultipartUploadRequest,
              m.CompleteMultipartUploadResult, url_encoding=True, md5=True, xml=True,
              default_content_type="application/xml", encode=_complete_checks, decode=_decoder("key"),
              presignable=True),
    Operation("AbortMultipartUpload", "DELETE", m.AbortMultipartUploadRequest, m.AbortMultipartUploadResult,
              md5=True, encode=_need("upload_id"), presignable=True),
    Operation("ListMultipartUploads", "GET", m.ListMultipartUploadsRequest, m.ListMultipartUploadsResult,
              (("uploads", ""),), url_encoding=True, md5=True, xml=True, root="ListMultipartUploadsResult",
              decode=_decoder("key_marker", "next_key_marker", "prefix", "delimiter", "uploads.key")),
    Operation("ListParts", "GET", m.ListPartsRequest, m.ListPartsResult, url_encoding=True, md5=True,
              xml=True, root="ListPartsResult", encode=_need("upload_id"), decode=_decoder("key")),
)
"""Every operation by its API name; the clients' methods are generated from it."""


