"""A small OSS-like server for the client's functional tests, until the OSS emulator
replaces it: aiohttp on a free loopback port, path-style addressing, every request's
signature checked with alicloud_storage.oss.signer's verify side, objects in a dict.

Only what the client tests need; answers follow reference/oss-facts.md §3 and §5.
``faults`` injects errors: each entry (status, code) answers one request.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote, unquote
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from aiohttp import web

from alicloud_storage.oss.crc64 import combine, crc64
from alicloud_storage.oss.signer import SignatureError, parse_query, verify_request

AK, SK = "LTAItestKeyId", "testSecretKey0123456789"
OWNER = "1000000000000001"
_ids = itertools.count(1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest().upper() + '"'


@dataclass
class Obj:
    data: bytes
    etag: str
    crc: int
    modified: datetime
    kind: str = "Normal"
    content_type: str = "application/octet-stream"
    meta: Dict[str, str] = field(default_factory=dict)
    acl: str = "default"
    tags: List[Tuple[str, str]] = field(default_factory=list)
    target: Optional[str] = None


@dataclass
class Bucket:
    created: datetime
    acl: str = "private"
    objects: Dict[str, Obj] = field(default_factory=dict)


class OssError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def _xml(root: str, body: str) -> web.Response:
    return web.Response(body=f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{body}</{root}>'.encode(),
                        content_type="application/xml")


def _t(tag: str, value: Any) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


class OssServer:
    """Start with ``with OssServer() as server:``; ``server.endpoint`` is its URL."""

    def __init__(self, secrets: Optional[Dict[str, str]] = None, clock: Callable[[], datetime] = _now) -> None:
        self.secrets = secrets or {AK: SK}
        self.clock = clock
        self.buckets: Dict[str, Bucket] = {}
        self.uploads: Dict[str, Tuple[str, str, Dict[int, bytes], Dict[str, str]]] = {}
        self.faults: List[Tuple[int, str]] = []
        self.wrong_crc = False
        self.requests: List[Tuple[str, str, Dict[str, str]]] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0

    # ---------------------------------------------------------------- lifecycle
    def __enter__(self) -> "OssServer":
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        app = web.Application(client_max_size=1 << 30)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = runner.addresses[0][1]
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    # ---------------------------------------------------------------- dispatch
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw_path = request.raw_path.split("?", 1)[0]
        raw_query = request.raw_path.split("?", 1)[1] if "?" in request.raw_path else ""
        parts = unquote(raw_path[1:]).split("/", 1)
        bucket = parts[0] or None
        key = parts[1] if len(parts) > 1 and parts[1] != "" else None
        headers = {k: v for k, v in request.headers.items()}
        self.requests.append((request.method, request.raw_path, headers))
        body = await request.read()
        try:
            if self.faults:
                status, code = self.faults.pop(0)
                raise OssError(status, code, "injected fault")
            try:
                verify_request(request.method, bucket, key, raw_query, headers, self.secrets.get, self.clock())
            except SignatureError as error:
                raise OssError(error.http_status, error.code, error.message) from None
            query = dict(parse_query(raw_query))
            if bucket is None:
                return self._list_buckets()
            if key is None:
                return self._bucket_op(request.method, bucket, query, headers, body)
            return self._object_op(request, bucket, key, query, headers, body)
        except OssError as error:
            return self._error(request.method, error)

    def _error(self, method: str, error: OssError) -> web.Response:
        request_id = f"{next(_ids):024X}"
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{_t("Code", error.code)}{_t("Message", error.message)}'
               f'{_t("RequestId", request_id)}{_t("EC", "0000-00000000")}</Error>').encode()
        headers = {"x-oss-request-id": request_id, "Date": format_datetime(self.clock(), usegmt=True),
                   **error.headers}
        if method == "HEAD":
            headers["x-oss-err"] = base64.b64encode(xml).decode()
            return web.Response(status=error.status, headers=headers)
        return web.Response(status=error.status, body=xml, headers=headers, content_type="application/xml")

    def _bucket(self, name: str) -> Bucket:
        if name not in self.buckets:
            raise OssError(404, "NoSuchBucket", "The specified bucket does not exist.")
        return self.buckets[name]

    def _list_buckets(self) -> web.Response:
        items = "".join(f"<Bucket>{_t('Name', n)}{_t('Location', 'oss-cn-hangzhou')}"
                        f"{_t('CreationDate', _iso(b.created))}{_t('StorageClass', 'Standard')}"
                        f"{_t('Region', 'cn-hangzhou')}</Bucket>" for n, b in sorted(self.buckets.items()))
        return _xml("ListAllMyBucketsResult", f"<Owner>{_t('ID', OWNER)}{_t('DisplayName', OWNER)}</Owner>"
                                              f"<Buckets>{items}</Buckets>")

    def _bucket_op(self, method: str, name: str, query: Dict[str, str], headers: Dict[str, str],
                   body: bytes) -> web.StreamResponse:
        if method == "PUT" and "acl" in query:
            self._bucket(name).acl = headers.get("x-oss-acl", "private")
            return web.Response()
        if method == "PUT":
            self.buckets.setdefault(name, Bucket(self.clock(), headers.get("x-oss-acl", "private")))
            return web.Response(headers={"Location": f"/{name}"})
        bucket = self._bucket(name)
        if method == "DELETE":
            if bucket.objects:
                raise OssError(409, "BucketNotEmpty", "The bucket has objects. Please delete them first.")
            del self.buckets[name]
            return web.Response(status=204)
        if method == "POST" and "delete" in query:
            return self._delete_multiple(bucket, query, body)
        if "acl" in query:
            return _xml("AccessControlPolicy", f"<Owner>{_t('ID', OWNER)}</Owner>"
                                               f"<AccessControlList>{_t('Grant', bucket.acl)}</AccessControlList>")
        if "bucketInfo" in query:
            return _xml("BucketInfo", f"<Bucket>{_t('Name', name)}{_t('Location', 'oss-cn-hangzhou')}"
                                      f"{_t('CreationDate', _iso(bucket.created))}{_t('StorageClass', 'Standard')}"
                                      f"<AccessControlList>{_t('Grant', bucket.acl)}</AccessControlList>"
                                      f"<Owner>{_t('ID', OWNER)}</Owner></Bucket>")
        if "location" in query:
            return _xml("LocationConstraint", "oss-cn-hangzhou")
        if "stat" in query:
            size = sum(len(o.data) for o in bucket.objects.values())
            return _xml("BucketStat", _t("Storage", size) + _t("ObjectCount", len(bucket.objects))
                        + _t("MultipartUploadCount", sum(1 for u in self.uploads.values() if u[0] == name)))
        if "uploads" in query:
            ups = "".join(f"<Upload>{_t('Key', quote(k, safe=''))}{_t('UploadId', uid)}"
                          f"{_t('Initiated', _iso(self.clock()))}</Upload>"
                          for uid, (b, k, _, _) in sorted(self.uploads.items()) if b == name)
            return _xml("ListMultipartUploadsResult", _t("Bucket", name) + _t("EncodingType", "url")
                        + _t("IsTruncated", "false") + ups)
        return self._list_objects(name, bucket, query)

    def _list_objects(self, name: str, bucket: Bucket, query: Dict[str, str]) -> web.Response:
        v2 = query.get("list-type") == "2"
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        limit = int(query.get("max-keys", "100"))
        after = query.get("continuation-token") or query.get("start-after", "") if v2 else query.get("marker", "")
        url = query.get("encoding-type") == "url"
        enc = (lambda s: quote(s, safe="")) if url else (lambda s: s)
        entries: List[Tuple[str, Optional[Obj]]] = []
        for key in sorted(bucket.objects):
            if not key.startswith(prefix) or key <= after:
                continue
            rest = key[len(prefix):]
            if delimiter and delimiter in rest:
                common = prefix + rest[:rest.index(delimiter) + len(delimiter)]
                if common > after and (not entries or entries[-1][0] != common):
                    entries.append((common, None))
                continue
            entries.append((key, bucket.objects[key]))
        truncated = len(entries) > limit
        entries = entries[:limit]
        body = _t("Name", name) + _t("Prefix", enc(prefix)) + _t("MaxKeys", limit) + _t("Delimiter", enc(delimiter))
        body += _t("IsTruncated", "true" if truncated else "false")
        if url:
            body += _t("EncodingType", "url")
        if truncated:
            body += _t("NextContinuationToken" if v2 else "NextMarker", enc(entries[-1][0]))
        if v2:
            body += _t("KeyCount", len(entries))
        for key, obj in entries:
            if obj is None:
                body += f"<CommonPrefixes>{_t('Prefix', enc(key))}</CommonPrefixes>"
            else:
                body += (f"<Contents>{_t('Key', enc(key))}{_t('LastModified', _iso(obj.modified))}"
                         f"{_t('ETag', obj.etag)}{_t('Type', obj.kind)}{_t('Size', len(obj.data))}"
                         f"{_t('StorageClass', 'Standard')}</Contents>")
        return _xml("ListBucketResult", body)

    def _delete_multiple(self, bucket: Bucket, query: Dict[str, str], body: bytes) -> web.Response:
        root = ElementTree.fromstring(body)
        deleted = ""
        for item in root.findall("Object"):
            key = item.findtext("Key") or ""
            bucket.objects.pop(key, None)
            deleted += f"<Deleted>{_t('Key', quote(key, safe=''))}</Deleted>"
        if (root.findtext("Quiet") or "false") == "true":
            deleted = ""
        return _xml("DeleteResult", _t("EncodingType", "url") + deleted)

    # ---------------------------------------------------------------- objects
    def _store(self, bucket: Bucket, key: str, data: bytes, headers: Dict[str, str], kind: str = "Normal",
               etag: Optional[str] = None, crc: Optional[int] = None) -> Obj:
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("x-oss-forbid-overwrite") == "true" and key in bucket.objects:
            raise OssError(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.")
        obj = Obj(data, etag or _etag(data), crc64(data) if crc is None else crc, self.clock(), kind,
                  lowered.get("content-type", "application/octet-stream"),
                  {k[len("x-oss-meta-"):]: v for k, v in lowered.items() if k.startswith("x-oss-meta-")},
                  lowered.get("x-oss-object-acl", "default"))
        if "x-oss-tagging" in lowered:
            obj.tags = parse_query(lowered["x-oss-tagging"])
        bucket.objects[key] = obj
        return obj

    def _written(self, obj: Obj, extra: Optional[Dict[str, str]] = None) -> web.Response:
        crc = obj.crc + 1 if self.wrong_crc else obj.crc
        return web.Response(headers={"ETag": obj.etag, "x-oss-hash-crc64ecma": str(crc),
                                     "x-oss-request-id": f"{next(_ids):024X}", **(extra or {})})

    def _object(self, bucket: Bucket, key: str) -> Obj:
        obj = bucket.objects.get(key)
        if obj is None:
            raise OssError(404, "NoSuchKey", "The specified key does not exist.")
        return obj

    def _object_op(self, request: web.Request, name: str, key: str, query: Dict[str, str],
                   headers: Dict[str, str], body: bytes) -> web.StreamResponse:
        method = request.method
        bucket = self._bucket(name)
        lowered = {k.lower(): v for k, v in headers.items()}
        if "uploadId" in query or "uploads" in query:
            return self._multipart(method, name, bucket, key, query, lowered, body)
        if "acl" in query:
            obj = self._object(bucket, key)
            if method == "PUT":
                obj.acl = lowered.get("x-oss-object-acl", "default")
                return web.Response()
            return _xml("AccessControlPolicy", f"<Owner>{_t('ID', OWNER)}</Owner>"
                                               f"<AccessControlList>{_t('Grant', obj.acl)}</AccessControlList>")
        if "tagging" in query:
            obj = self._object(bucket, key)
            if method == "PUT":
                root = ElementTree.fromstring(body)
                obj.tags = [(t.findtext("Key") or "", t.findtext("Value") or "") for t in root.iter("Tag")]
                return web.Response()
            if method == "DELETE":
                obj.tags = []
                return web.Response(status=204)
            tags = "".join(f"<Tag>{_t('Key', k)}{_t('Value', v)}</Tag>" for k, v in obj.tags)
            return _xml("Tagging", f"<TagSet>{tags}</TagSet>")
        if "symlink" in query:
            if method == "PUT":
                obj = self._store(bucket, key, b"", headers, "Symlink")
                obj.target = unquote(lowered["x-oss-symlink-target"])
                return web.Response()
            obj = self._object(bucket, key)
            return web.Response(headers={"x-oss-symlink-target": quote(obj.target or ""), "ETag": obj.etag})
        if "restore" in query:
            self._object(bucket, key)
            return web.Response(status=202)
        if "append" in query:
            position = int(query["position"])
            existing = bucket.objects.get(key)
            if existing is None and position != 0 or existing is not None and len(existing.data) != position:
                size = 0 if existing is None else len(existing.data)
                raise OssError(409, "PositionNotEqualToLength", "Position is not equal to file length",
                               {"x-oss-next-append-position": str(size)})
            data = (existing.data if existing else b"") + body
            crc = combine(existing.crc, crc64(body), len(body)) if existing else crc64(body)
            obj = self._store(bucket, key, data, headers, "Appendable", crc=crc)
            return self._written(obj, {"x-oss-next-append-position": str(len(data))})
        if method == "PUT" and "x-oss-copy-source" in lowered:
            source_bucket, _, source_key = unquote(lowered["x-oss-copy-source"])[1:].partition("/")
            source = self._object(self._bucket(source_bucket), source_key)
            replace = lowered.get("x-oss-metadata-directive") == "REPLACE"
            obj = self._store(bucket, key, source.data, headers if replace else
                              {"Content-Type": source.content_type,
                               **{f"x-oss-meta-{k}": v for k, v in source.meta.items()}})
            response = _xml("CopyObjectResult", _t("LastModified", _iso(obj.modified)) + _t("ETag", obj.etag))
            response.headers["x-oss-hash-crc64ecma"] = str(obj.crc)
            return response
        if method == "PUT":
            return self._written(self._store(bucket, key, body, headers))
        if method == "DELETE":
            bucket.objects.pop(key, None)
            return web.Response(status=204)
        obj = self._object(bucket, key)
        if obj.kind == "Symlink":
            obj = self._object(bucket, obj.target or "")
        meta = {"ETag": obj.etag, "x-oss-hash-crc64ecma": str(obj.crc + (1 if self.wrong_crc else 0)),
                "Last-Modified": format_datetime(obj.modified, usegmt=True), "x-oss-object-type": obj.kind,
                "x-oss-request-id": f"{next(_ids):024X}", "Content-Type": obj.content_type,
                **{f"x-oss-meta-{k}": v for k, v in obj.meta.items()}}
        if obj.kind == "Appendable":
            meta["x-oss-next-append-position"] = str(len(obj.data))
        if "objectMeta" in query:
            return web.Response(headers={**{k: v for k, v in meta.items() if k != "Content-Type"},
                                         "Content-Length": str(len(obj.data))})
        if lowered.get("if-none-match") == obj.etag:
            return web.Response(status=304)
        if "if-match" in lowered and lowered["if-match"] != obj.etag:
            raise OssError(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.")
        for name_, header in (("response-content-type", "Content-Type"), ("response-cache-control", "Cache-Control"),
                              ("response-content-disposition", "Content-Disposition")):
            if name_ in query:
                meta[header] = query[name_]
        data, status = obj.data, 200
        ranged = lowered.get("range", "")
        if ranged.startswith("bytes="):
            first, _, last = ranged[6:].split(",")[0].partition("-")
            size = len(obj.data)
            standard = lowered.get("x-oss-range-behavior") == "standard"
            try:
                start = size - int(last) if first == "" else int(first)
                end = size - 1 if first == "" or last == "" else int(last)
            except ValueError:
                start, end = 0, -1
            if standard and start >= size:
                raise OssError(416, "InvalidRange", "The requested range cannot be satisfied")
            if standard:
                end = min(end, size - 1)
            if 0 <= start <= end < size:
                data, status = obj.data[start:end + 1], 206
                meta["Content-Range"] = f"bytes {start}-{end}/{size}"
        if method == "HEAD":
            return web.Response(status=status, headers={**meta, "Content-Length": str(len(data))})
        return web.Response(status=status, body=data, headers=meta)

    def _multipart(self, method: str, name: str, bucket: Bucket, key: str, query: Dict[str, str],
                   headers: Dict[str, str], body: bytes) -> web.StreamResponse:
        if "uploads" in query:
            upload_id = f"{next(_ids):032X}"
            self.uploads[upload_id] = (name, key, {}, headers)
            return _xml("InitiateMultipartUploadResult", _t("Bucket", name) + _t("Key", quote(key, safe=""))
                        + _t("UploadId", upload_id) + _t("EncodingType", "url"))
        upload = self.uploads.get(query["uploadId"])
        if upload is None:
            raise OssError(404, "NoSuchUpload", "The specified upload does not exist.")
        parts = upload[2]
        if method == "PUT":
            number = int(query["partNumber"])
            if "x-oss-copy-source" in headers:
                source_bucket, _, source_key = unquote(headers["x-oss-copy-source"])[1:].partition("/")
                data = self._object(self._bucket(source_bucket), source_key).data
                ranged = headers.get("x-oss-copy-source-range", "")
                if ranged.startswith("bytes="):
                    first, _, last = ranged[6:].partition("-")
                    data = data[int(first):int(last) + 1]
                parts[number] = data
                return _xml("CopyPartResult", _t("LastModified", _iso(self.clock())) + _t("ETag", _etag(data)))
            parts[number] = body
            return web.Response(headers={"ETag": _etag(body), "x-oss-hash-crc64ecma": str(crc64(body))})
        if method == "DELETE":
            del self.uploads[query["uploadId"]]
            return web.Response(status=204)
        if method == "GET":
            listed = "".join(f"<Part>{_t('PartNumber', n)}{_t('ETag', _etag(d))}{_t('Size', len(d))}"
                             f"{_t('LastModified', _iso(self.clock()))}{_t('HashCrc64ecma', crc64(d))}</Part>"
                             for n, d in sorted(parts.items()))
            return _xml("ListPartsResult", _t("Bucket", name) + _t("Key", quote(key, safe="")) + _t("EncodingType", "url")
                        + _t("UploadId", query["uploadId"]) + _t("IsTruncated", "false") + listed)
        if headers.get("x-oss-complete-all") == "yes":
            numbers = sorted(parts)
        else:
            numbers = [int(p.findtext("PartNumber") or 0) for p in ElementTree.fromstring(body).iter("Part")]
        data, crc = b"", 0
        for number in numbers:
            data += parts[number]
            crc = combine(crc, crc64(parts[number]), len(parts[number]))
        digest = hashlib.md5(b"".join(hashlib.md5(parts[n]).digest() for n in numbers)).hexdigest().upper()
        obj = self._store(bucket, key, data, upload[3], "Multipart", f'"{digest}-{len(numbers)}"', crc)
        del self.uploads[query["uploadId"]]
        response = _xml("CompleteMultipartUploadResult", _t("EncodingType", "url") + _t("Bucket", name)
                        + _t("Key", quote(key, safe="")) + _t("ETag", obj.etag))
        response.headers["x-oss-hash-crc64ecma"] = str(obj.crc)
        return response
