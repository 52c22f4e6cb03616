"""The OSS operations on the wire: routing, request parsing, answers.

Each handler turns one authenticated, authorized request (a :class:`Call`) into engine
calls and renders the answer with the statuses, headers and XML the official clients
require (reference/oss-facts.md §3). Bodies stream: uploads go chunk by chunk into a
blob writer, downloads chunk by chunk out of the blob store.
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote

from aiohttp import web

from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss import limits
from alicloud_storage.emulator.oss.addressing import Address
from alicloud_storage.emulator.oss.blobs import BlobWriter, Digest, pieces
from alicloud_storage.emulator.oss.documents import (
    Xml,
    http_time,
    iso_time,
    parse_complete,
    parse_create_bucket,
    parse_delete,
    parse_tag_header,
    parse_tagging,
    url_encoder,
)
from alicloud_storage.emulator.oss.engine import (
    Conditions,
    ObjectSettings,
    OssEngine,
    check_conditions,
    decode_token,
    encode_token,
)
from alicloud_storage.emulator.oss.metadata import ObjectRecord
from alicloud_storage.emulator.oss.turn import SharedTurn
from alicloud_storage.oss.signer.v1 import OSS2_SUB_RESOURCES, SUB_RESOURCES

__all__ = ["Call", "Authorizer", "Handler", "HANDLERS", "ACTIONS", "route", "read_body"]

Authorizer = Callable[[str, Optional[str], Optional[str]], None]
"""``authorize(action, bucket, key)``: raises 403 AccessDenied when not allowed."""

_STORED_HEADERS = (
    "content-type", "cache-control", "content-disposition", "content-encoding",
    "content-language", "expires", "x-oss-server-side-encryption",
    "x-oss-server-side-data-encryption", "x-oss-server-side-encryption-key-id",
)
_OVERRIDES = {
    "response-content-type": "Content-Type", "response-content-language": "Content-Language",
    "response-expires": "Expires", "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}
_HANDLED = frozenset(
    "acl bucketInfo location stat versioning uploads uploadId partNumber delete append position "
    "symlink tagging objectMeta restore security-token continuation-token".split()
) | frozenset(_OVERRIDES)
_OTHER_SUB_RESOURCES = (SUB_RESOURCES | OSS2_SUB_RESOURCES) - _HANDLED
_RANGE = re.compile(r"\s*bytes=(\d*)-(\d*)\s*(?:,.*)?")
_SMALL = 256 * 1024  # objects read whole and answered in one write
_BATCH = 1 << 20  # body bytes handed to a writer thread at once (two batches at most in memory)


@dataclass
class Call:
    """One request being served: where it goes, what it says, who may do what."""

    request: web.Request
    op: str
    address: Address
    query: Dict[str, str]
    engine: OssEngine
    account_id: str
    region: str
    request_id: str
    authorize: Authorizer
    generation: int  # the engine's when the request began (see check_current)
    turn: SharedTurn  # worker-thread steps run in it (a reset waits for them)

    @property
    def reset_since(self) -> bool:
        """Whether a reset came since the request began."""
        return self.engine.generation != self.generation

    def check_current(self) -> None:
        """404 NoSuchBucket when a reset came since the request began: what it writes after an
        await must not land in the state after the reset."""
        self.engine.check_generation(self.generation, self.bucket)

    @property
    def bucket(self) -> str:
        assert self.address.bucket is not None
        return self.address.bucket

    @property
    def key(self) -> str:
        assert self.address.key is not None
        return self.address.key

    def header(self, name: str, default: str = "") -> str:
        return self.request.headers.get(name, default)

    def base_headers(self) -> Dict[str, str]:
        """Headers of every answer."""
        return {"Server": "AliyunOSS", "x-oss-request-id": self.request_id,
                "x-oss-server-time": "1"}

    def xml(self, doc: Xml, status: int = 200, extra: Optional[Mapping[str, str]] = None) -> web.Response:
        headers = self.base_headers()
        headers["Content-Type"] = "application/xml"
        headers.update(extra or {})
        return web.Response(status=status, body=doc.body(), headers=headers)

    def empty(self, status: int = 200, extra: Optional[Mapping[str, str]] = None) -> web.Response:
        headers = self.base_headers()
        headers.update(extra or {})
        return web.Response(status=status, headers=headers)

    def encoder(self) -> Callable[[str], str]:
        return url_encoder(self.query.get("encoding-type", ""))

    def int_arg(self, name: str, default: int, low: int, high: int) -> int:
        text = self.query.get(name, "")
        if text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise E.INVALID_ARGUMENT.error(
                {"ArgumentName": name, "ArgumentValue": text},
                message=f"Argument {name} must be an integer between {low} and {high}.")
        return value

    def host_url(self) -> str:
        return f"{self.request.scheme}://{self.request.host}"


# --- routing -------------------------------------------------------------------------------

def route(method: str, address: Address, query: Mapping[str, str], copy_source: bool) -> str:
    """The operation a request names; NotImplemented for what the emulator lacks."""
    names = set(query)
    if names & _OTHER_SUB_RESOURCES:
        raise E.NOT_IMPLEMENTED.error()
    if address.bucket is None:
        if method == "GET" and "regions" not in names:
            return "ListBuckets"
        raise E.NOT_IMPLEMENTED.error()
    if address.key is None:
        table = {
            "GET": [("acl", "GetBucketAcl"), ("bucketInfo", "GetBucketInfo"),
                    ("location", "GetBucketLocation"), ("stat", "GetBucketStat"),
                    ("versioning", "GetBucketVersioning"), ("uploads", "ListMultipartUploads")],
            "PUT": [("acl", "PutBucketAcl")],
            "POST": [("delete", "DeleteMultipleObjects")],
        }
        for name, op in table.get(method, []):
            if name in names:
                return op
        if method == "GET":
            return "ListObjectsV2" if query.get("list-type") == "2" else "ListObjects"
        if method == "PUT" and not names & {"versioning", "tagging"}:
            return "PutBucket"
        if method == "DELETE" and not names & {"tagging"}:
            return "DeleteBucket"
        raise E.NOT_IMPLEMENTED.error()
    object_table = {
        "GET": [("acl", "GetObjectAcl"), ("symlink", "GetSymlink"), ("tagging", "GetObjectTagging"),
                ("uploadId", "ListParts")],
        "PUT": [("acl", "PutObjectAcl"), ("symlink", "PutSymlink"), ("tagging", "PutObjectTagging"),
                ("uploadId", "UploadPart")],
        "POST": [("append", "AppendObject"), ("uploads", "InitiateMultipartUpload"),
                 ("uploadId", "CompleteMultipartUpload"), ("restore", "RestoreObject")],
        "DELETE": [("uploadId", "AbortMultipartUpload"), ("tagging", "DeleteObjectTagging")],
        "HEAD": [("objectMeta", "GetObjectMeta")],
    }
    for name, op in object_table.get(method, []):
        if name in names:
            if op == "UploadPart" and copy_source:
                return "UploadPartCopy"
            return op
    if method == "PUT" and copy_source:
        return "CopyObject"
    if method == "GET":
        return "GetObject"
    if method == "PUT":
        return "PutObject"
    if method == "DELETE":
        return "DeleteObject"
    if method == "HEAD":
        return "HeadObject"
    raise E.NOT_IMPLEMENTED.error()


ACTIONS: Dict[str, str] = {
    "ListObjectsV2": "oss:ListObjects",
    "AppendObject": "oss:PutObject", "PutSymlink": "oss:PutObject",
    "InitiateMultipartUpload": "oss:PutObject", "UploadPart": "oss:PutObject",
    "CompleteMultipartUpload": "oss:PutObject", "CopyObject": "oss:PutObject",
    "UploadPartCopy": "oss:PutObject",
    "HeadObject": "oss:GetObject", "GetObjectMeta": "oss:GetObject", "GetSymlink": "oss:GetObject",
    "DeleteMultipleObjects": "oss:DeleteObject",
}
"""RAM actions that are not ``oss:<operation>`` (reference/oss-facts.md §7.2)."""


# --- request parsing -------------------------------------------------------------------------

def _md5_header(call: Call) -> Optional[bytes]:
    text = call.header("Content-MD5")
    if not text:
        return None
    try:
        digest = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise E.INVALID_DIGEST.error({"Content-MD5": text})
    return digest


async def read_body(call: Call, limit: int) -> Digest:
    """Stream the request body into a new blob, checking size, Content-MD5 and CRC-64. A body
    a reset cuts is read to its end unstored, then refused (NoSuchBucket; never a late write)."""
    request = call.request
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if request.content_length is None and not chunked:
        raise E.MISSING_CONTENT_LENGTH.error()
    if request.content_length is not None and request.content_length > limit:
        raise E.ENTITY_TOO_LARGE.error()
    expected_md5 = _md5_header(call)
    writer: BlobWriter = call.engine.writer()
    pending: Optional["asyncio.Task[None]"] = None
    batch: List[bytes] = []
    batched = received = 0
    try:
        content = request.content
        while True:
            chunk = await content.readany()
            if not chunk:
                break
            received += len(chunk)
            if received > limit:
                raise E.ENTITY_TOO_LARGE.error()
            if call.reset_since:
                break
            batch.append(chunk)
            batched += len(chunk)
            if batched >= _BATCH:  # hash and write in a thread while the next batch arrives
                if pending is not None:
                    await pending
                pending = asyncio.ensure_future(call.turn.run(writer.write_many, batch))
                batch, batched = [], 0
        if pending is not None:
            await pending
            pending = None
        if call.reset_since:  # the rest is read, not stored, so that the client reads the answer
            writer.discard()
            while received <= limit:
                chunk = await content.readany()
                if not chunk:
                    break
                received += len(chunk)
            call.check_current()
        if batch:
            writer.write_many(batch)
        digest = writer.digest()
        if expected_md5 is not None and expected_md5 != digest.md5:
            raise E.BAD_DIGEST.error({"Content-MD5": call.header("Content-MD5")})
        crc_text = call.header("x-oss-hash-crc64ecma")
        if crc_text and crc_text != str(digest.crc64):
            raise E.CRC64_MISMATCH.error()
        return writer.finish()
    except BaseException:
        if pending is not None:
            await asyncio.wait({pending})  # the thread must be done with the file first
        writer.discard()
        raise


async def _read_small(call: Call) -> bytes:
    """A request document (XML), checked against Content-MD5 when one is sent."""
    content = call.request.content
    parts: List[bytes] = []
    size = 0
    while True:
        chunk = await content.readany()
        if not chunk:
            break
        size += len(chunk)
        if size > limits.MAX_XML_BODY:
            raise E.MALFORMED_XML.error()
        parts.append(chunk)
    body = b"".join(parts)
    expected = _md5_header(call)
    if expected is not None and expected != hashlib.md5(body).digest():
        raise E.BAD_DIGEST.error({"Content-MD5": call.header("Content-MD5")})
    call.check_current()  # its caller writes next: not when a reset came while it arrived
    return body


def _flag(call: Call, name: str) -> bool:
    value = call.header(name).strip().lower()
    if value in ("", "false"):
        return False
    if value == "true":
        return True
    raise E.INVALID_ARGUMENT.error({"ArgumentName": name, "ArgumentValue": value},
                                   message=f"Invalid {name} header.")


def _settings(call: Call) -> ObjectSettings:
    headers = call.request.headers
    stored = {name: headers[name] for name in _STORED_HEADERS if name in headers}
    meta: Dict[str, str] = {}
    size = 0
    for name, value in headers.items():
        lowered = name.lower()
        if lowered.startswith("x-oss-meta-"):
            meta[lowered[len("x-oss-meta-"):]] = value
            size += len(lowered) + len(value)
    if size > limits.MAX_USER_META:
        raise E.METADATA_TOO_LARGE.error()
    storage_class = headers.get("x-oss-storage-class") or None
    if storage_class is not None and storage_class not in limits.STORAGE_CLASSES:
        raise E.INVALID_ARGUMENT.error(
            {"ArgumentName": "x-oss-storage-class", "ArgumentValue": storage_class},
            message="Invalid storage class.")
    acl = headers.get("x-oss-object-acl", "default")
    if acl not in limits.OBJECT_ACLS:
        raise E.INVALID_ARGUMENT.error({"ArgumentName": "x-oss-object-acl", "ArgumentValue": acl},
                                       message="no such object access control exists")
    tagging = headers.get("x-oss-tagging")
    tags = None
    if tagging is not None:
        call.authorize("oss:PutObjectTagging", call.bucket, call.key)
        tags = parse_tag_header(tagging)
    return ObjectSettings(storage_class, acl, stored, meta, tags)


def _epoch(text: str) -> Optional[float]:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None


def _conditions(call: Call, prefix: str = "") -> Conditions:
    def get(name: str) -> Optional[str]:
        return call.request.headers.get(prefix + name) or None

    return Conditions(get("If-Match"), get("If-None-Match"),
                      _epoch(get("If-Modified-Since") or ""), _epoch(get("If-Unmodified-Since") or ""))


def _object_headers(obj: ObjectRecord, link: Optional[ObjectRecord] = None) -> Dict[str, str]:
    headers = {
        "Content-Type": obj.headers.get("content-type", "application/octet-stream"),
        "ETag": f'"{obj.etag}"',
        "Last-Modified": http_time(obj.mtime),
        "x-oss-object-type": obj.type,
        "x-oss-storage-class": obj.storage_class,
        "x-oss-hash-crc64ecma": str(obj.crc64),
        "Accept-Ranges": "bytes",
    }
    for name in _STORED_HEADERS[1:]:
        if name in obj.headers:
            headers[name] = obj.headers[name]
    if obj.content_md5:
        headers["Content-MD5"] = obj.content_md5
    if obj.type == "Appendable":
        headers["x-oss-next-append-position"] = str(obj.size)
    if obj.tags:
        headers["x-oss-tagging-count"] = str(len(obj.tags))
    if obj.restored:
        headers["x-oss-restore"] = 'ongoing-request="false"'
    for name, value in (link or obj).meta.items():
        headers[f"x-oss-meta-{name}"] = value
    return headers


def _range(call: Call, size: int) -> Optional[Tuple[int, int]]:
    """(first, last) of a satisfiable Range; None to answer the whole object."""
    text = call.header("Range")
    if not text:
        return None
    standard = call.header("x-oss-range-behavior").lower() == "standard"
    match = _RANGE.fullmatch(text)
    if not match or match.group(1) == match.group(2) == "":
        return None
    first_text, last_text = match.groups()
    if first_text == "":
        count = int(last_text)
        if count == 0 or (count > size and not standard):
            return None
        return (max(size - count, 0), size - 1) if size else None
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        if standard:
            raise E.INVALID_RANGE.error({"RangeRequested": text, "ActualObjectSize": str(size)})
        return None
    if last >= size:
        if not standard:
            return None
        last = size - 1
    return first, last


# --- service and buckets ---------------------------------------------------------------------

def _endpoints(call: Call) -> Tuple[str, str]:
    return f"oss-{call.region}.aliyuncs.com", f"oss-{call.region}-internal.aliyuncs.com"


async def _list_buckets(call: Call) -> web.StreamResponse:
    prefix, marker = call.query.get("prefix", ""), call.query.get("marker", "")
    max_keys = call.int_arg("max-keys", limits.DEFAULT_MAX_KEYS, 1, limits.MAX_KEYS)
    buckets, truncated = call.engine.list_buckets(prefix, marker, max_keys)
    extranet, intranet = _endpoints(call)
    doc = Xml("ListAllMyBucketsResult")
    doc.leaf("Prefix", prefix).leaf("Marker", marker).leaf("MaxKeys", max_keys)
    doc.leaf("IsTruncated", truncated)
    if truncated:
        doc.leaf("NextMarker", buckets[-1].name)
    doc.owner(call.account_id).open("Buckets")
    for bucket in buckets:
        doc.open("Bucket").leaf("CreationDate", iso_time(bucket.created))
        doc.leaf("ExtranetEndpoint", extranet).leaf("IntranetEndpoint", intranet)
        doc.leaf("Location", f"oss-{call.region}").leaf("Name", bucket.name)
        doc.leaf("Region", call.region).leaf("StorageClass", bucket.storage_class).close()
    return call.xml(doc.close())


async def _put_bucket(call: Call) -> web.StreamResponse:
    storage_class, redundancy = parse_create_bucket(await _read_small(call))
    acl = call.header("x-oss-acl") or None
    call.engine.create_bucket(call.bucket, acl, storage_class, redundancy)
    return call.empty(extra={"Location": f"/{call.bucket}"})


async def _delete_bucket(call: Call) -> web.StreamResponse:
    call.engine.delete_bucket(call.bucket)
    return call.empty(204)


async def _get_bucket_info(call: Call) -> web.StreamResponse:
    bucket = call.engine.bucket(call.bucket)
    extranet, intranet = _endpoints(call)
    doc = Xml("BucketInfo").open("Bucket")
    doc.leaf("AccessMonitor", "Disabled").leaf("CreationDate", iso_time(bucket.created))
    doc.leaf("ExtranetEndpoint", extranet).leaf("IntranetEndpoint", intranet)
    doc.leaf("Location", f"oss-{call.region}").leaf("StorageClass", bucket.storage_class)
    doc.leaf("TransferAcceleration", "Disabled").leaf("CrossRegionReplication", "Disabled")
    doc.leaf("DataRedundancyType", bucket.redundancy).leaf("Name", bucket.name)
    doc.leaf("ResourceGroupId", "rg-default-id").leaf("Comment", "")
    doc.owner(call.account_id)
    doc.open("AccessControlList").leaf("Grant", bucket.acl).close()
    doc.open("ServerSideEncryptionRule").leaf("SSEAlgorithm", "None").close()
    doc.open("BucketPolicy").leaf("LogBucket", "").leaf("LogPrefix", "").close()
    doc.leaf("BlockPublicAccess", False)
    return call.xml(doc)


async def _get_bucket_location(call: Call) -> web.StreamResponse:
    call.engine.bucket(call.bucket)
    return call.xml(Xml("LocationConstraint").text(f"oss-{call.region}"))


async def _get_bucket_stat(call: Call) -> web.StreamResponse:
    call.engine.bucket(call.bucket)
    count, size, uploads, mtime = call.engine.metadata.bucket_usage(call.bucket)
    doc = Xml("BucketStat").leaf("Storage", size).leaf("ObjectCount", count)
    doc.leaf("MultipartUploadCount", uploads).leaf("LiveChannelCount", 0)
    doc.leaf("LastModifiedTime", int(mtime)).leaf("StandardStorage", size)
    doc.leaf("StandardObjectCount", count)
    for name in ("InfrequentAccessStorage", "InfrequentAccessRealStorage",
                 "InfrequentAccessObjectCount", "ArchiveStorage", "ArchiveRealStorage",
                 "ArchiveObjectCount", "ColdArchiveStorage", "ColdArchiveRealStorage",
                 "ColdArchiveObjectCount"):
        doc.leaf(name, 0)
    return call.xml(doc)


def _acl_document(call: Call, grant: str) -> web.Response:
    doc = Xml("AccessControlPolicy").owner(call.account_id)
    return call.xml(doc.open("AccessControlList").leaf("Grant", grant).close())


async def _get_bucket_acl(call: Call) -> web.StreamResponse:
    return _acl_document(call, call.engine.bucket(call.bucket).acl)


async def _put_bucket_acl(call: Call) -> web.StreamResponse:
    await _read_small(call)
    call.engine.set_bucket_acl(call.bucket, call.header("x-oss-acl"))
    return call.empty()


async def _get_bucket_versioning(call: Call) -> web.StreamResponse:
    call.engine.bucket(call.bucket)
    return call.xml(Xml("VersioningConfiguration"))


def _contents(call: Call, doc: Xml, obj: ObjectRecord, encode: Callable[[str], str],
              owner: bool) -> None:
    doc.open("Contents").leaf("Key", encode(obj.key)).leaf("LastModified", iso_time(obj.mtime))
    doc.leaf("ETag", f'"{obj.etag}"').leaf("Type", obj.type).leaf("Size", obj.size)
    doc.leaf("StorageClass", obj.storage_class)
    if owner:
        doc.owner(call.account_id)
    doc.close()


async def _list_objects(call: Call) -> web.StreamResponse:
    q = call.query
    prefix, delimiter, marker = q.get("prefix", ""), q.get("delimiter", ""), q.get("marker", "")
    max_keys = call.int_arg("max-keys", limits.DEFAULT_MAX_KEYS, 0, limits.MAX_KEYS)
    page = call.engine.list_objects(call.bucket, prefix, delimiter, marker, max_keys)
    encode = call.encoder()
    doc = Xml("ListBucketResult").leaf("Name", call.bucket).leaf("Prefix", encode(prefix))
    doc.leaf("Marker", encode(marker)).leaf("MaxKeys", max_keys).leaf("Delimiter", encode(delimiter))
    if "encoding-type" in q:
        doc.leaf("EncodingType", q["encoding-type"])
    doc.leaf("IsTruncated", page.truncated)
    if page.truncated:
        doc.leaf("NextMarker", encode(page.next_marker))
    for obj in page.objects:
        _contents(call, doc, obj, encode, True)
    for common in page.prefixes:
        doc.open("CommonPrefixes").leaf("Prefix", encode(common)).close()
    return call.xml(doc)


async def _list_objects_v2(call: Call) -> web.StreamResponse:
    q = call.query
    prefix, delimiter = q.get("prefix", ""), q.get("delimiter", "")
    token, start_after = q.get("continuation-token", ""), q.get("start-after", "")
    max_keys = call.int_arg("max-keys", limits.DEFAULT_MAX_KEYS, 0, limits.MAX_KEYS)
    marker = decode_token(token) if token else start_after
    page = call.engine.list_objects(call.bucket, prefix, delimiter, marker, max_keys)
    encode = call.encoder()
    doc = Xml("ListBucketResult").leaf("Name", call.bucket).leaf("Prefix", encode(prefix))
    if start_after:
        doc.leaf("StartAfter", encode(start_after))
    if token:
        doc.leaf("ContinuationToken", token)
    doc.leaf("MaxKeys", max_keys).leaf("Delimiter", encode(delimiter))
    if "encoding-type" in q:
        doc.leaf("EncodingType", q["encoding-type"])
    doc.leaf("IsTruncated", page.truncated)
    doc.leaf("KeyCount", len(page.objects) + len(page.prefixes))
    if page.truncated:
        doc.leaf("NextContinuationToken", encode_token(page.next_marker))
    owner = q.get("fetch-owner", "").lower() == "true"
    for obj in page.objects:
        _contents(call, doc, obj, encode, owner)
    for common in page.prefixes:
        doc.open("CommonPrefixes").leaf("Prefix", encode(common)).close()
    return call.xml(doc)


async def _delete_multiple_objects(call: Call) -> web.StreamResponse:
    if not call.header("Content-MD5"):
        raise E.MISSING_ARGUMENT.error({"ArgumentName": "Content-MD5"})
    quiet, keys = parse_delete(await _read_small(call))
    call.engine.bucket(call.bucket)
    for key in keys:
        call.authorize("oss:DeleteObject", call.bucket, key)
    encode = call.encoder()
    doc = Xml("DeleteResult")
    if "encoding-type" in call.query:
        doc.leaf("EncodingType", call.query["encoding-type"])
    for key in keys:
        call.engine.delete_object(call.bucket, key)
        if not quiet:
            doc.open("Deleted").leaf("Key", encode(key)).close()
    return call.xml(doc)


# --- objects ---------------------------------------------------------------------------------

async def _put_object(call: Call) -> web.StreamResponse:
    forbid = _flag(call, "x-oss-forbid-overwrite")
    settings = _settings(call)
    call.engine.check_writable(call.bucket, call.key, forbid)
    digest = await read_body(call, limits.MAX_OBJECT_SIZE)
    obj = call.engine.put_object(call.bucket, call.key, digest, settings, forbid)
    return call.empty(extra={"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64),
                             "Content-MD5": digest.md5_base64})


async def _send_object(call: Call, head: bool) -> web.StreamResponse:
    link = call.engine.head(call.bucket, call.key)
    obj = call.engine.follow(link)
    check_conditions(obj, _conditions(call))
    headers = call.base_headers()
    headers.update(_object_headers(obj, link if link.type == "Symlink" else None))
    for param, header in _OVERRIDES.items():
        if param in call.query:
            headers[header] = call.query[param]
    span = _range(call, obj.size)
    status, first, length = 200, 0, obj.size
    if span is not None:
        status, first, length = 206, span[0], span[1] - span[0] + 1
        headers["Content-Range"] = f"bytes {span[0]}-{span[1]}/{obj.size}"
    headers["Content-Length"] = str(length)
    if head:
        return web.Response(status=status, headers=headers)
    if length <= _SMALL:  # one read, one write: cheaper than streaming machinery
        body = b"".join(call.engine.blobs.read_segments(obj.segments, first, length))
        del headers["Content-Length"]  # aiohttp sets it from the body
        return web.Response(status=status, headers=headers, body=body)
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = length
    await response.prepare(call.request)
    await _stream_out(call, response, obj, first, length)
    await response.write_eof()
    return response


async def _stream_out(
    call: Call, response: web.StreamResponse, obj: ObjectRecord, first: int, length: int
) -> None:
    """The bytes of ``obj`` from ``first``: files go out with sendfile (no copy through
    Python), memory blobs chunk by chunk; either way memory does not grow with size. A
    reset drops the blobs: a segment not yet opened then is not sent and the connection
    closes after the short body (the status line is out: no error can follow)."""
    blobs = call.engine.blobs
    transport = call.request.transport
    loop = asyncio.get_running_loop()
    for blob_id, offset, count in pieces(obj.segments, first, length):
        if call.reset_since:
            response.force_close()
            return
        path = blobs.path(blob_id)
        if path is None or transport is None:
            for chunk in blobs.read(blob_id, offset, count):
                await response.write(chunk)
            continue
        with open(path, "rb") as file:
            await loop.sendfile(transport, file, offset, count)


async def _get_object(call: Call) -> web.StreamResponse:
    return await _send_object(call, head=False)


async def _head_object(call: Call) -> web.StreamResponse:
    return await _send_object(call, head=True)


async def _get_object_meta(call: Call) -> web.StreamResponse:
    obj = call.engine.head(call.bucket, call.key)
    headers = {"Content-Length": str(obj.size), "ETag": f'"{obj.etag}"',
               "Last-Modified": http_time(obj.mtime), "x-oss-last-access-time": http_time(obj.mtime),
               "x-oss-hash-crc64ecma": str(obj.crc64)}
    return call.empty(extra=headers)


async def _delete_object(call: Call) -> web.StreamResponse:
    call.engine.delete_object(call.bucket, call.key)
    return call.empty(204)


def _copy_source(call: Call) -> Tuple[str, str]:
    text = call.header("x-oss-copy-source")
    path = unquote(text.split("?", 1)[0])
    bucket, _, key = path.lstrip("/").partition("/")
    if not bucket or not key:
        raise E.INVALID_ARGUMENT.error({"ArgumentName": "x-oss-copy-source", "ArgumentValue": text},
                                       message="Copy Source must mention the source bucket and key")
    call.authorize("oss:GetObject", bucket, key)
    return bucket, key


def _source_object(call: Call) -> ObjectRecord:
    bucket, key = _copy_source(call)
    source = call.engine.resolve(bucket, key)
    check_conditions(source, _conditions(call, "x-oss-copy-source-"))
    return source


async def _copy_object(call: Call) -> web.StreamResponse:
    source = _source_object(call)
    directive = call.header("x-oss-metadata-directive", "COPY").upper()
    if directive not in ("COPY", "REPLACE"):
        raise E.INVALID_ARGUMENT.error(
            {"ArgumentName": "x-oss-metadata-directive", "ArgumentValue": directive},
            message="Invalid metadata directive.")
    settings = _settings(call)
    if call.header("x-oss-tagging-directive", "Copy").lower() != "replace":
        settings = ObjectSettings(settings.storage_class, settings.acl, settings.headers,
                                  settings.meta, None)
    obj = call.engine.copy(source, call.bucket, call.key, directive == "REPLACE", settings,
                           _flag(call, "x-oss-forbid-overwrite"))
    doc = Xml("CopyObjectResult").leaf("LastModified", iso_time(obj.mtime))
    doc.leaf("ETag", f'"{obj.etag}"')
    return call.xml(doc, extra={"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64)})


async def _append_object(call: Call) -> web.StreamResponse:
    text = call.query.get("position", "")
    if not text.isdigit():
        raise E.MISSING_ARGUMENT.error({"ArgumentName": "position", "ArgumentValue": text})
    position = int(text)
    settings = _settings(call)
    call.engine.check_append(call.bucket, call.key, position)
    digest = await read_body(call, limits.MAX_OBJECT_SIZE)
    obj = call.engine.append(call.bucket, call.key, position, digest, settings)
    return call.empty(extra={"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64),
                             "x-oss-next-append-position": str(obj.size)})


async def _put_symlink(call: Call) -> web.StreamResponse:
    target = call.header("x-oss-symlink-target")
    if not target:
        raise E.MISSING_SYMLINK_TARGET.error({"ArgumentName": "x-oss-symlink-target"})
    obj = call.engine.put_symlink(call.bucket, call.key, unquote(target), _settings(call),
                                  _flag(call, "x-oss-forbid-overwrite"))
    return call.empty(extra={"ETag": f'"{obj.etag}"'})


async def _get_symlink(call: Call) -> web.StreamResponse:
    obj = call.engine.symlink(call.bucket, call.key)
    assert obj.symlink_target is not None
    headers = {"x-oss-symlink-target": quote(obj.symlink_target, safe=""), "ETag": f'"{obj.etag}"',
               "Last-Modified": http_time(obj.mtime)}
    headers.update({f"x-oss-meta-{k}": v for k, v in obj.meta.items()})
    return call.empty(extra=headers)


async def _get_object_acl(call: Call) -> web.StreamResponse:
    return _acl_document(call, call.engine.head(call.bucket, call.key).acl)


async def _put_object_acl(call: Call) -> web.StreamResponse:
    call.engine.set_object_acl(call.bucket, call.key, call.header("x-oss-object-acl"))
    return call.empty()


async def _get_object_tagging(call: Call) -> web.StreamResponse:
    obj = call.engine.head(call.bucket, call.key)
    doc = Xml("Tagging").open("TagSet")
    for key, value in obj.tags:
        doc.open("Tag").leaf("Key", key).leaf("Value", value).close()
    return call.xml(doc)


async def _put_object_tagging(call: Call) -> web.StreamResponse:
    tags = parse_tagging(await _read_small(call))
    call.engine.set_tags(call.bucket, call.key, tags)
    return call.empty()


async def _delete_object_tagging(call: Call) -> web.StreamResponse:
    call.engine.set_tags(call.bucket, call.key, ())
    return call.empty(204)


async def _restore_object(call: Call) -> web.StreamResponse:
    await _read_small(call)
    first = call.engine.restore(call.bucket, call.key)
    return call.empty(202 if first else 200)


# --- multipart -------------------------------------------------------------------------------

async def _initiate_multipart_upload(call: Call) -> web.StreamResponse:
    await _read_small(call)
    upload = call.engine.initiate(call.bucket, call.key, _settings(call),
                                  _flag(call, "x-oss-forbid-overwrite"))
    doc = Xml("InitiateMultipartUploadResult")
    if "encoding-type" in call.query:
        doc.leaf("EncodingType", call.query["encoding-type"])
    doc.leaf("Bucket", call.bucket).leaf("Key", call.encoder()(call.key))
    return call.xml(doc.leaf("UploadId", upload.upload_id))


def _part_number(call: Call) -> int:
    text = call.query.get("partNumber", "")
    number = int(text) if text.isdigit() else 0
    if not 1 <= number <= limits.MAX_PART_NUMBER:
        raise E.INVALID_PART_NUMBER.error({"ArgumentName": "partNumber", "ArgumentValue": text})
    return number


async def _upload_part(call: Call) -> web.StreamResponse:
    number = _part_number(call)
    upload_id = call.query["uploadId"]
    call.engine.upload(call.bucket, call.key, upload_id)
    digest = await read_body(call, limits.MAX_PART_SIZE)
    part = call.engine.upload_part(call.bucket, call.key, upload_id, number, digest)
    return call.empty(extra={"ETag": f'"{part.md5}"', "x-oss-hash-crc64ecma": str(part.crc64),
                             "Content-MD5": digest.md5_base64})


def _copy_range(call: Call, size: int) -> Tuple[int, int]:
    text = call.header("x-oss-copy-source-range")
    if not text:
        return 0, size
    match = _RANGE.fullmatch(text)
    if not match or match.group(1) == "":
        raise E.INVALID_ARGUMENT.error(
            {"ArgumentName": "x-oss-copy-source-range", "ArgumentValue": text},
            message="The x-oss-copy-source-range is invalid.")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else size - 1
    if first >= size or last < first:
        raise E.INVALID_RANGE.error({"RangeRequested": text, "ActualObjectSize": str(size)})
    return first, min(last, size - 1) - first + 1


async def _upload_part_copy(call: Call) -> web.StreamResponse:
    number = _part_number(call)
    upload_id = call.query["uploadId"]
    call.engine.upload(call.bucket, call.key, upload_id)
    source = _source_object(call)
    first, length = _copy_range(call, source.size)
    blobs = call.engine.blobs
    writer = call.engine.writer()

    def copy() -> None:
        call.check_current()  # no reset runs during a step: the source read here is still there
        for chunk in blobs.read_segments(source.segments, first, length):
            writer.write(chunk)

    try:
        await call.turn.run(copy)
        call.check_current()  # a reset may come between the step's end and this line
    except BaseException:
        writer.discard()
        raise
    digest = writer.finish()
    part = call.engine.upload_part(call.bucket, call.key, upload_id, number, digest)
    doc = Xml("CopyPartResult").leaf("LastModified", iso_time(part.mtime))
    return call.xml(doc.leaf("ETag", f'"{part.md5}"'), extra={"ETag": f'"{part.md5}"'})


async def _complete_multipart_upload(call: Call) -> web.StreamResponse:
    body = await _read_small(call)
    listed: Optional[Sequence[Tuple[int, str]]]
    if call.header("x-oss-complete-all").lower() == "yes":
        if body.strip():
            raise E.INVALID_ARGUMENT.error(
                message="Should not speficy both complete all header and http body.")
        listed = None
    else:
        listed = parse_complete(body)
    acl = call.header("x-oss-object-acl") or None
    if acl is not None and acl not in limits.OBJECT_ACLS:
        raise E.INVALID_ARGUMENT.error({"ArgumentName": "x-oss-object-acl", "ArgumentValue": acl},
                                       message="no such object access control exists")
    obj = call.engine.complete(call.bucket, call.key, call.query["uploadId"], listed, acl,
                               _flag(call, "x-oss-forbid-overwrite"))
    encode = call.encoder()
    doc = Xml("CompleteMultipartUploadResult")
    if "encoding-type" in call.query:
        doc.leaf("EncodingType", call.query["encoding-type"])
    location = f"{call.host_url()}/{call.key}" if call.address.virtual_host else \
        f"{call.host_url()}/{call.bucket}/{call.key}"
    doc.leaf("Location", location).leaf("Bucket", call.bucket).leaf("Key", encode(call.key))
    doc.leaf("ETag", f'"{obj.etag}"')
    return call.xml(doc, extra={"ETag": f'"{obj.etag}"', "x-oss-hash-crc64ecma": str(obj.crc64)})


async def _abort_multipart_upload(call: Call) -> web.StreamResponse:
    call.engine.abort(call.bucket, call.key, call.query["uploadId"])
    return call.empty(204)


async def _list_multipart_uploads(call: Call) -> web.StreamResponse:
    q = call.query
    prefix, delimiter = q.get("prefix", ""), q.get("delimiter", "")
    key_marker, id_marker = q.get("key-marker", ""), q.get("upload-id-marker", "")
    max_uploads = call.int_arg("max-uploads", 1000, 1, 1000)
    page = call.engine.list_uploads(call.bucket, prefix, delimiter, key_marker, id_marker,
                                    max_uploads)
    encode = call.encoder()
    doc = Xml("ListMultipartUploadsResult")
    if "encoding-type" in q:
        doc.leaf("EncodingType", q["encoding-type"])
    doc.leaf("Bucket", call.bucket).leaf("KeyMarker", encode(key_marker))
    doc.leaf("UploadIdMarker", id_marker).leaf("NextKeyMarker", encode(page.next_key_marker))
    doc.leaf("NextUploadIdMarker", page.next_upload_id_marker)
    doc.leaf("Delimiter", encode(delimiter)).leaf("Prefix", encode(prefix))
    doc.leaf("MaxUploads", max_uploads).leaf("IsTruncated", page.truncated)
    for upload in page.uploads:
        doc.open("Upload").leaf("Key", encode(upload.key)).leaf("UploadId", upload.upload_id)
        doc.leaf("StorageClass", upload.storage_class)
        doc.leaf("Initiated", iso_time(upload.initiated)).close()
    for common in page.prefixes:
        doc.open("CommonPrefixes").leaf("Prefix", encode(common)).close()
    return call.xml(doc)


async def _list_parts(call: Call) -> web.StreamResponse:
    upload_id = call.query["uploadId"]
    marker = call.int_arg("part-number-marker", 0, 0, limits.MAX_PART_NUMBER)
    max_parts = call.int_arg("max-parts", 1000, 1, 1000)
    upload = call.engine.upload(call.bucket, call.key, upload_id)
    page = call.engine.list_parts(call.bucket, call.key, upload_id, marker, max_parts)
    doc = Xml("ListPartsResult")
    if "encoding-type" in call.query:
        doc.leaf("EncodingType", call.query["encoding-type"])
    doc.leaf("Bucket", call.bucket).leaf("Key", call.encoder()(call.key))
    doc.leaf("UploadId", upload_id).leaf("StorageClass", upload.storage_class)
    doc.leaf("PartNumberMarker", marker).leaf("NextPartNumberMarker", page.next_marker)
    doc.leaf("MaxParts", max_parts).leaf("IsTruncated", page.truncated)
    for part in page.parts:
        doc.open("Part").leaf("PartNumber", part.number)
        doc.leaf("LastModified", iso_time(part.mtime)).leaf("ETag", f'"{part.md5}"')
        doc.leaf("HashCrc64ecma", part.crc64).leaf("Size", part.size).close()
    return call.xml(doc)


Handler = Callable[[Call], Awaitable[web.StreamResponse]]

HANDLERS: Dict[str, Handler] = {
    "ListBuckets": _list_buckets, "PutBucket": _put_bucket, "DeleteBucket": _delete_bucket,
    "GetBucketInfo": _get_bucket_info, "GetBucketLocation": _get_bucket_location,
    "GetBucketStat": _get_bucket_stat, "GetBucketAcl": _get_bucket_acl,
    "PutBucketAcl": _put_bucket_acl, "GetBucketVersioning": _get_bucket_versioning,
    "ListObjects": _list_objects, "ListObjectsV2": _list_objects_v2,
    "DeleteMultipleObjects": _delete_multiple_objects,
    "PutObject": _put_object, "GetObject": _get_object, "HeadObject": _head_object,
    "GetObjectMeta": _get_object_meta, "DeleteObject": _delete_object,
    "AppendObject": _append_object, "PutSymlink": _put_symlink, "GetSymlink": _get_symlink,
    "GetObjectAcl": _get_object_acl, "PutObjectAcl": _put_object_acl,
    "GetObjectTagging": _get_object_tagging, "PutObjectTagging": _put_object_tagging,
    "DeleteObjectTagging": _delete_object_tagging, "RestoreObject": _restore_object,
    "CopyObject": _copy_object, "UploadPartCopy": _upload_part_copy,
    "InitiateMultipartUpload": _initiate_multipart_upload, "UploadPart": _upload_part,
    "CompleteMultipartUpload": _complete_multipart_upload,
    "AbortMultipartUpload": _abort_multipart_upload,
    "ListMultipartUploads": _list_multipart_uploads, "ListParts": _list_parts,
}
"""Every operation the emulator serves, by its API name."""
