"""The OSS emulator on the wire: statuses, headers, XML and errors, exactly (real HTTP)."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timedelta, timezone
from urllib.request import urlopen

import pytest

from alicloud_storage.credentials.base import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.oss.crc64 import crc64
from alicloud_storage.oss.signer import SigningRequest, encode_query, presign_v4
from oss_emulator_helpers import Answer, RawOss

EMPTY_MD5 = base64.b64encode(hashlib.md5(b"").digest()).decode()
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")


def assert_error(answer: Answer, spec: E.OssErrorSpec) -> None:
    assert answer.status == spec.http_status
    code, message, ec = answer.error()
    assert (code, ec) == (spec.code, spec.ec)
    if "{" not in spec.template:
        assert message == spec.template
    assert answer.headers["x-oss-ec"] == spec.ec
    assert re.fullmatch(r"[0-9A-F]{24}", answer.headers["x-oss-request-id"])
    assert answer.headers["date"].endswith(" GMT")
    assert answer.xml().findtext("RequestId") == answer.headers["x-oss-request-id"]


@pytest.mark.parametrize("sign", ["v4", "v1"])
def test_object_round_trip_headers(raw: RawOss, bucket: str, sign: str) -> None:
    body = b"hello world"
    put = raw.request("PUT", bucket, "dir/a b+c%é.txt", body=body, sign=sign, headers={
        "Content-Type": "text/plain", "x-oss-meta-Author": "alice", "Cache-Control": "no-cache",
        "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()})
    assert put.status == 200
    assert put.headers["etag"] == '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'
    assert put.headers["x-oss-hash-crc64ecma"] == "5981764153023615706"
    assert put.headers["content-md5"] == "XrY7u+Ae7tCTyyK7j1rNww=="
    get = raw.request("GET", bucket, "dir/a b+c%é.txt", sign=sign)
    assert get.status == 200 and get.body == body
    h = get.headers
    assert (h["content-type"], h["x-oss-meta-author"], h["cache-control"]) == (
        "text/plain", "alice", "no-cache")
    assert (h["x-oss-object-type"], h["x-oss-storage-class"], h["accept-ranges"]) == (
        "Normal", "Standard", "bytes")
    assert h["last-modified"].endswith(" GMT") and h["server"] == "AliyunOSS"
    head = raw.request("HEAD", bucket, "dir/a b+c%é.txt", sign=sign)
    assert head.status == 200 and head.body == b"" and head.headers["content-length"] == "11"
    assert raw.request("DELETE", bucket, "dir/a b+c%é.txt", sign=sign).status == 204
    assert raw.request("DELETE", bucket, "dir/a b+c%é.txt", sign=sign).status == 204
    assert_error(raw.request("GET", bucket, "dir/a b+c%é.txt", sign=sign), E.NO_SUCH_KEY)


def test_head_errors_travel_in_x_oss_err(raw: RawOss, bucket: str) -> None:
    answer = raw.request("HEAD", bucket, "missing")
    assert answer.status == 404 and answer.body == b""
    document = base64.b64decode(answer.headers["x-oss-err"])
    assert b"<Code>NoSuchKey</Code>" in document and b"<EC>0026-00000001</EC>" in document


def test_bucket_operations(raw: RawOss, emu: Emulator) -> None:
    created = raw.request("PUT", "new-bucket", headers={"x-oss-acl": "public-read"})
    assert created.status == 200 and created.headers["location"] == "/new-bucket"
    info = raw.request("GET", "new-bucket", query=[("bucketInfo", "")]).xml()
    assert info.findtext("Bucket/Name") == "new-bucket"
    assert info.findtext("Bucket/AccessControlList/Grant") == "public-read"
    assert ISO.fullmatch(info.findtext("Bucket/CreationDate") or "")
    location = raw.request("GET", "new-bucket", query=[("location", "")]).xml()
    assert (location.tag, location.text) == ("LocationConstraint", f"oss-{emu.region}")
    raw.request("PUT", "new-bucket", "k", body=b"12345")
    stat = raw.request("GET", "new-bucket", query=[("stat", "")]).xml()
    assert (stat.findtext("Storage"), stat.findtext("ObjectCount")) == ("5", "1")
    assert_error(raw.request("DELETE", "new-bucket"), E.BUCKET_NOT_EMPTY)
    raw.request("DELETE", "new-bucket", "k")
    assert raw.request("DELETE", "new-bucket").status == 204
    assert_error(raw.request("GET", "new-bucket"), E.NO_SUCH_BUCKET)
    assert_error(raw.request("PUT", "Bad_Name"), E.INVALID_BUCKET_NAME)
    listing = raw.request("GET").xml()
    assert listing.tag == "ListAllMyBucketsResult"
    assert listing.findtext("Owner/ID") == emu.account_id


def test_listing_v1_v2_encoding_and_pages(raw: RawOss, bucket: str) -> None:
    for key in ["a", "b/1", "b/2", "c d", "é"]:
        raw.request("PUT", bucket, key, body=b"x")
    v1 = raw.request("GET", bucket, query=[("delimiter", "/"), ("encoding-type", "url")]).xml()
    assert [e.text for e in v1.findall("Contents/Key")] == ["a", "c%20d", "%C3%A9"]
    assert [e.text for e in v1.findall("CommonPrefixes/Prefix")] == ["b%2F"]
    assert v1.findtext("Contents/Owner/ID") and v1.findtext("IsTruncated") == "false"
    assert ISO.fullmatch(v1.findtext("Contents/LastModified") or "")
    keys, token = [], ""
    while True:
        query = [("list-type", "2"), ("max-keys", "2")] + ([("continuation-token", token)] if token else [])
        page = raw.request("GET", bucket, query=query).xml()
        keys += [e.text for e in page.findall("Contents/Key")]
        assert page.findtext("KeyCount") == str(len(page.findall("Contents")))
        assert page.find("Contents/Owner") is None  # only with fetch-owner=true
        if page.findtext("IsTruncated") != "true":
            break
        token = page.findtext("NextContinuationToken") or ""
    assert keys == ["a", "b/1", "b/2", "c d", "é"]
    after = raw.request("GET", bucket, query=[("list-type", "2"), ("start-after", "b/2")]).xml()
    assert [e.text for e in after.findall("Contents/Key")] == ["c d", "é"]
    bad = raw.request("GET", bucket, query=[("max-keys", "1001")])
    assert bad.status == 400 and bad.error()[0] == "InvalidArgument"


def test_ranges_lenient_and_standard(raw: RawOss, bucket: str) -> None:
    raw.request("PUT", bucket, "r", body=b"0123456789")
    part = raw.request("GET", bucket, "r", headers={"Range": "bytes=2-4"})
    assert (part.status, part.body, part.headers["content-range"]) == (206, b"234", "bytes 2-4/10")
    assert raw.request("GET", bucket, "r", headers={"Range": "bytes=-3"}).body == b"789"
    for lenient in ["bytes=0-10", "bytes=10-", "bytes=-20", "byte=0-1"]:
        whole = raw.request("GET", bucket, "r", headers={"Range": lenient})
        assert (whole.status, whole.body) == (200, b"0123456789")
    standard = {"x-oss-range-behavior": "standard"}
    clipped = raw.request("GET", bucket, "r", headers={"Range": "bytes=8-20", **standard})
    assert (clipped.status, clipped.body) == (206, b"89")
    assert_error(raw.request("GET", bucket, "r", headers={"Range": "bytes=10-", **standard}),
                 E.INVALID_RANGE)


def test_conditions_and_overrides(raw: RawOss, bucket: str) -> None:
    etag = raw.request("PUT", bucket, "c", body=b"c").headers["etag"]
    assert raw.request("GET", bucket, "c", headers={"If-Match": etag}).status == 200
    not_modified = raw.request("GET", bucket, "c", headers={"If-None-Match": etag})
    assert (not_modified.status, not_modified.body) == (304, b"")
    assert_error(raw.request("GET", bucket, "c", headers={"If-Match": '"0"'}),
                 E.PRECONDITION_FAILED)
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert raw.request("GET", bucket, "c", headers={"If-Modified-Since": later}).status == 304
    answer = raw.request("GET", bucket, "c", query=[("response-content-type", "image/png"),
                                                     ("response-cache-control", "max-age=1")])
    assert (answer.headers["content-type"], answer.headers["cache-control"]) == (
        "image/png", "max-age=1")


def test_append_rules_on_the_wire(raw: RawOss, bucket: str) -> None:
    first = raw.request("POST", bucket, "log", query=[("append", ""), ("position", "0")], body=b"ab")
    assert first.status == 200 and first.headers["x-oss-next-append-position"] == "2"
    wrong = raw.request("POST", bucket, "log", query=[("append", ""), ("position", "1")], body=b"c")
    assert_error(wrong, E.POSITION_NOT_EQUAL_TO_LENGTH)
    assert wrong.headers["x-oss-next-append-position"] == "2"
    second = raw.request("POST", bucket, "log", query=[("append", ""), ("position", "2")], body=b"cd")
    assert second.headers["x-oss-hash-crc64ecma"] == str(crc64(b"abcd"))
    got = raw.request("GET", bucket, "log")
    assert got.body == b"abcd" and got.headers["x-oss-object-type"] == "Appendable"
    raw.request("PUT", bucket, "plain", body=b"p")
    assert_error(raw.request("POST", bucket, "plain", query=[("append", ""), ("position", "1")],
                             body=b"x"), E.OBJECT_NOT_APPENDABLE)


def test_multipart_on_the_wire(raw: RawOss, bucket: str) -> None:
    init = raw.request("POST", bucket, "mp/x y", query=[("uploads", ""), ("encoding-type", "url")])
    assert init.xml().findtext("Key") == "mp%2Fx%20y"
    upload_id = init.xml().findtext("UploadId") or ""
    one, two = b"a" * 102400, b"b" * 5
    etags = []
    for number, data in ((1, one), (2, two)):
        part = raw.request("PUT", bucket, "mp/x y", query=[("partNumber", str(number)),
                                                           ("uploadId", upload_id)], body=data)
        assert part.headers["x-oss-hash-crc64ecma"] == str(crc64(data))
        etags.append(part.headers["etag"])
    assert_error(raw.request("PUT", bucket, "mp/x y", query=[("partNumber", "10001"),
                                                            ("uploadId", upload_id)], body=b"x"),
                 E.INVALID_PART_NUMBER)
    parts = raw.request("GET", bucket, "mp/x y", query=[("uploadId", upload_id)]).xml()
    assert [p.text for p in parts.findall("Part/PartNumber")] == ["1", "2"]
    uploads = raw.request("GET", bucket, query=[("uploads", "")]).xml()
    assert uploads.findtext("Upload/UploadId") == upload_id
    doc = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"
        for n, e in ((1, etags[0]), (2, etags[1]))) + "</CompleteMultipartUpload>"
    done = raw.request("POST", bucket, "mp/x y", query=[("uploadId", upload_id)], body=doc.encode())
    assert done.status == 200
    assert done.headers["etag"] == '"4CF48E56AB8F1B71BEB492083CABC47E-2"'
    assert done.xml().findtext("ETag") == '"4CF48E56AB8F1B71BEB492083CABC47E-2"'
    assert done.headers["x-oss-hash-crc64ecma"] == "16831424763004318582"
    assert raw.request("GET", bucket, "mp/x y").body == one + two
    assert_error(raw.request("DELETE", bucket, "mp/x y", query=[("uploadId", upload_id)]),
                 E.NO_SUCH_UPLOAD)
    assert_error(raw.request("POST", bucket, "mp/x y", query=[("uploadId", upload_id)],
                             body=b"<Complete"), E.MALFORMED_XML)


def test_copy_tagging_acl_symlink(raw: RawOss, bucket: str) -> None:
    raw.request("PUT", bucket, "src", body=b"data", headers={"x-oss-meta-a": "1"})
    copy = raw.request("PUT", bucket, "dst", headers={
        "x-oss-copy-source": f"/{bucket}/src", "x-oss-metadata-directive": "REPLACE",
        "x-oss-meta-b": "2"})
    assert copy.status == 200 and copy.xml().findtext("ETag") == '"8D777F385D3DFEC8815D20F7496026DC"'
    got = raw.request("GET", bucket, "dst")
    assert got.body == b"data" and "x-oss-meta-a" not in got.headers and got.headers["x-oss-meta-b"] == "2"
    assert_error(raw.request("PUT", bucket, "dst2", headers={
        "x-oss-copy-source": f"/{bucket}/src", "x-oss-copy-source-if-match": '"0"'}),
        E.PRECONDITION_FAILED)
    tagging = b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"
    assert raw.request("PUT", bucket, "src", query=[("tagging", "")], body=tagging).status == 200
    tags = raw.request("GET", bucket, "src", query=[("tagging", "")]).xml()
    assert (tags.findtext("TagSet/Tag/Key"), tags.findtext("TagSet/Tag/Value")) == ("k", "v")
    assert raw.request("DELETE", bucket, "src", query=[("tagging", "")]).status == 204
    assert raw.request("PUT", bucket, "src", query=[("acl", "")],
                       headers={"x-oss-object-acl": "public-read"}).status == 200
    acl = raw.request("GET", bucket, "src", query=[("acl", "")]).xml()
    assert acl.findtext("AccessControlList/Grant") == "public-read"
    assert raw.request("GET", bucket, "src", sign=None).body == b"data"  # public-read object
    assert_error(raw.request("GET", bucket, "dst", sign=None), E.ACCESS_DENIED_ACL)
    link = raw.request("PUT", bucket, "link", query=[("symlink", "")],
                       headers={"x-oss-symlink-target": "src"})
    assert link.status == 200
    assert raw.request("GET", bucket, "link").body == b"data"
    assert raw.request("GET", bucket, "link", query=[("symlink", "")]).headers[
        "x-oss-symlink-target"] == "src"


def test_delete_multiple_quiet_and_verbose(raw: RawOss, bucket: str) -> None:
    for key in ("d1", "d2", "d3"):
        raw.request("PUT", bucket, key, body=b"x")

    def delete(doc: bytes) -> Answer:
        md5 = base64.b64encode(hashlib.md5(doc).digest()).decode()
        return raw.request("POST", bucket, query=[("delete", "")], body=doc,
                           headers={"Content-MD5": md5})

    verbose = delete(b"<Delete><Quiet>false</Quiet><Object><Key>d1</Key></Object>"
                     b"<Object><Key>missing</Key></Object></Delete>")
    assert [e.text for e in verbose.xml().findall("Deleted/Key")] == ["d1", "missing"]
    quiet = delete(b"<Delete><Quiet>true</Quiet><Object><Key>d2</Key></Object></Delete>")
    assert quiet.status == 200 and quiet.xml().findall("Deleted") == []
    assert_error(delete(b"<Delete><Quiet>maybe</Quiet><Object><Key>d3</Key></Object></Delete>"),
                 E.MALFORMED_XML)
    bad_md5 = raw.request("POST", bucket, query=[("delete", "")], body=b"<Delete/>",
                          headers={"Content-MD5": EMPTY_MD5})
    assert_error(bad_md5, E.BAD_DIGEST)


def test_bad_input_answers_the_service_errors(raw: RawOss, bucket: str) -> None:
    assert_error(raw.request("PUT", bucket, "k", body=b"x", headers={"Content-MD5": "nope"}),
                 E.INVALID_DIGEST)
    assert_error(raw.request("PUT", bucket, "k", body=b"x", headers={"Content-MD5": EMPTY_MD5}),
                 E.BAD_DIGEST)
    assert_error(raw.request("PUT", bucket, "k", body=b"x",
                             headers={"x-oss-hash-crc64ecma": "1"}), E.CRC64_MISMATCH)
    assert_error(raw.request("GET", bucket, query=[("lifecycle", "")]), E.NOT_IMPLEMENTED)
    assert_error(raw.request("POST", bucket, "k", query=[("x-oss-process", "image/resize")]),
                 E.NOT_IMPLEMENTED)
    assert_error(raw.request("PUT", bucket, "x" * 1024, body=b""), E.OBJECT_NAME_TOO_LONG)
    assert raw.request("GET", bucket, query=[("list-type", "2")]).status == 200
    assert_error(raw.request("GET", bucket, query=[("list-type", "2"),
                                                  ("continuation-token", "%%%")]),
                 E.INVALID_ARGUMENT)
    assert raw.request("GET", bucket, "k").status == 404  # nothing was written


def test_signature_errors(raw: RawOss, bucket: str, emu: Emulator) -> None:
    wrong = RawOss.of(emu, Credentials(emu.access_key_id, "wrong-secret"))
    answer = wrong.request("GET", bucket, "k")
    assert answer.status == 403 and answer.error()[0] == "SignatureDoesNotMatch"
    assert (answer.xml().findtext("StringToSign") or "").startswith("OSS4-HMAC-SHA256\n")
    v1 = wrong.request("GET", bucket, "k", sign="v1")
    assert (v1.xml().findtext("StringToSign") or "").endswith(f"/{bucket}/k")
    unknown = RawOss.of(emu, Credentials("LTAInobody", "x")).request("GET", bucket, "k")
    assert unknown.status == 403 and unknown.error()[0] == "InvalidAccessKeyId"
    skewed = raw.request("GET", bucket, "k", now=datetime.now(timezone.utc) - timedelta(minutes=16))
    assert skewed.status == 403 and skewed.error()[0] == "RequestTimeTooSkewed"
    anonymous = raw.request("GET", bucket, "k", sign=None)
    assert_error(anonymous, E.ACCESS_DENIED_ACL)


def test_presigned_url_and_expiry(raw: RawOss, bucket: str, emu: Emulator) -> None:
    raw.request("PUT", bucket, "p q", body=b"presigned")
    creds = Credentials(emu.access_key_id, emu.access_key_secret)

    def url(now: datetime) -> str:
        query = presign_v4(SigningRequest("GET", bucket, "p q"), creds, emu.region, now, 60)
        return f"{emu.oss_endpoint}/{bucket}/p%20q?{encode_query(query)}"

    with urlopen(url(datetime.now(timezone.utc))) as response:
        assert response.read() == b"presigned"
    with pytest.raises(Exception) as excinfo:
        urlopen(url(datetime.now(timezone.utc) - timedelta(minutes=5)))
    assert getattr(excinfo.value, "code", None) == 403


def test_virtual_hosted_addressing(raw: RawOss, bucket: str, emu: Emulator) -> None:
    host = f"{bucket}.oss-{emu.region}.aliyuncs.com"
    put = raw.request("PUT", bucket, "v/k", body=b"vh", host=host)
    assert put.status == 200
    assert raw.request("GET", bucket, "v/k", host=f"{bucket}.localhost:1").body == b"vh"
    listing = raw.request("GET", bucket, host=host).xml()
    assert listing.findtext("Name") == bucket and listing.findtext("Contents/Key") == "v/k"


def test_faults_answer_then_clear(raw: RawOss, bucket: str, emu: Emulator) -> None:
    emu.inject_fault("PutObject", "ServiceUnavailable", "try later", http_status=503, count=1,
                     service="oss")
    failed = raw.request("PUT", bucket, "f", body=b"x")
    assert failed.status == 503 and failed.error()[:2] == ("ServiceUnavailable", "try later")
    assert raw.request("PUT", bucket, "f", body=b"x").status == 200


def test_reset_clears_oss(raw: RawOss, bucket: str, emu: Emulator) -> None:
    raw.request("PUT", bucket, "r", body=b"x")
    emu.reset()
    assert_error(raw.request("GET", bucket, "r"), E.NO_SUCH_BUCKET)
