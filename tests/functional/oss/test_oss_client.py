"""Our Client and AsyncClient against the local OSS-like server (signatures verified
there with our verify side): every operation family, through both shells."""
from __future__ import annotations

import datetime
import hashlib
import io
import logging
from pathlib import Path
from typing import Any

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.oss.crc64 import crc64
from oss_client_helpers import Shell, make_config
from oss_server import SK, OssServer

B = "examplebucket"


def make_bucket(shell: Shell, name: str = B) -> None:
    result = shell.put_bucket(oss.PutBucketRequest(bucket=name, acl="private"))
    assert result.status_code == 200


def test_buckets(shell: Shell, server: OssServer) -> None:
    make_bucket(shell)
    make_bucket(shell, "second-bucket")
    listed = shell.list_buckets(oss.ListBucketsRequest())
    assert [b.name for b in listed.buckets] == [B, "second-bucket"] and listed.owner.id
    assert isinstance(listed.buckets[0].creation_date, datetime.datetime)
    info = shell.get_bucket_info(oss.GetBucketInfoRequest(bucket=B))
    assert (info.bucket_info.name, info.bucket_info.acl) == (B, "private")
    assert shell.get_bucket_location(oss.GetBucketLocationRequest(bucket=B)).location == "oss-cn-hangzhou"
    shell.put_bucket_acl(oss.PutBucketAclRequest(bucket=B, acl="public-read"))
    assert shell.get_bucket_acl(oss.GetBucketAclRequest(bucket=B)).acl == "public-read"
    shell.put_object(oss.PutObjectRequest(bucket=B, key="a", body=b"12345"))
    stat = shell.get_bucket_stat(oss.GetBucketStatRequest(bucket=B))
    assert (stat.storage, stat.object_count) == (5, 1)
    with pytest.raises(oss.exceptions.OperationError) as info_:
        shell.delete_bucket(oss.DeleteBucketRequest(bucket=B))
    error = info_.value.unwrap()
    assert isinstance(error, oss.exceptions.ServiceError)
    assert (error.status_code, error.code, error.operation) == (409, "BucketNotEmpty", "DeleteBucket")
    assert "operation error DeleteBucket:" in str(info_.value)
    assert shell.is_bucket_exist(B) and not shell.is_bucket_exist("no-such-bucket")
    assert shell.delete_bucket(oss.DeleteBucketRequest(bucket="second-bucket")).status_code == 204


@pytest.mark.parametrize("make", [lambda: b"hello world", lambda: "hello world", lambda: io.BytesIO(b"hello world"),
                                  lambda: iter([b"hello ", b"world"])], ids=["bytes", "str", "file", "iterator"])
def test_put_get_head_any_body(shell: Shell, make: Any) -> None:
    make_bucket(shell)
    put = shell.put_object(oss.PutObjectRequest(bucket=B, key="dir/hello world.txt", body=make(),
                                                metadata={"author": "alice"}))
    assert put.etag == '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'
    assert put.hash_crc64 == "5981764153023615706" and len(put.request_id) == 24
    got = shell.get_object(oss.GetObjectRequest(bucket=B, key="dir/hello world.txt"))
    assert shell.read(got.body) == b"hello world"
    assert (got.content_type, got.metadata, got.content_length) == ("text/plain", {"author": "alice"}, 11)
    head = shell.head_object(oss.HeadObjectRequest(bucket=B, key="dir/hello world.txt"))
    assert (head.content_length, head.etag, head.object_type) == (11, put.etag, "Normal")
    meta = shell.get_object_meta(oss.GetObjectMetaRequest(bucket=B, key="dir/hello world.txt"))
    assert meta.content_length == 11 and isinstance(meta.last_modified, datetime.datetime)
    assert shell.is_object_exist(B, "dir/hello world.txt") and not shell.is_object_exist(B, "nope")


def test_ranges_conditions_and_overrides(shell: Shell) -> None:
    make_bucket(shell)
    shell.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"0123456789"))
    part = shell.get_object(oss.GetObjectRequest(bucket=B, key="k", range_header="bytes=2-4"))
    assert (part.status_code, part.content_range, shell.read(part.body)) == (206, "bytes 2-4/10", b"234")
    lenient = shell.get_object(oss.GetObjectRequest(bucket=B, key="k", range_header="bytes=20-"))
    assert (lenient.status_code, shell.read(lenient.body)) == (200, b"0123456789")
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.get_object(oss.GetObjectRequest(bucket=B, key="k", range_header="bytes=20-", range_behavior="standard"))
    assert info.value.unwrap().status_code == 416
    etag = shell.head_object(oss.HeadObjectRequest(bucket=B, key="k")).etag
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.get_object(oss.GetObjectRequest(bucket=B, key="k", if_match='"other"'))
    assert info.value.unwrap().code == "PreconditionFailed"
    overridden = shell.get_object(oss.GetObjectRequest(bucket=B, key="k", if_match=etag,
                                                       response_content_type="text/html"))
    assert overridden.content_type == "text/html"
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.head_object(oss.HeadObjectRequest(bucket=B, key="missing"))
    assert info.value.unwrap().code == "NoSuchKey"  # decoded from x-oss-err


def test_copy_append_acl_tagging_symlink_restore_delete(shell: Shell) -> None:
    make_bucket(shell)
    shell.put_object(oss.PutObjectRequest(bucket=B, key="src", body=b"abc", tagging="a=1&b=2"))
    copied = shell.copy_object(oss.CopyObjectRequest(bucket=B, key="dst", source_key="src"))
    assert copied.etag == '"900150983CD24FB0D6963F7D28E17F72"' and copied.hash_crc64 == str(crc64(b"abc"))
    first = shell.append_object(oss.AppendObjectRequest(bucket=B, key="log", position=0, body=b"one "))
    second = shell.append_object(oss.AppendObjectRequest(bucket=B, key="log", position=first.next_position,
                                                         body=b"two"))
    assert second.next_position == 7 and second.hash_crc64 == str(crc64(b"one two"))
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.append_object(oss.AppendObjectRequest(bucket=B, key="log", position=1, body=b"x"))
    assert info.value.unwrap().code == "PositionNotEqualToLength"
    shell.put_object_acl(oss.PutObjectAclRequest(bucket=B, key="src", acl="public-read"))
    assert shell.get_object_acl(oss.GetObjectAclRequest(bucket=B, key="src")).acl == "public-read"
    assert [(t.key, t.value) for t in shell.get_object_tagging(
        oss.GetObjectTaggingRequest(bucket=B, key="src")).tag_set.tags] == [("a", "1"), ("b", "2")]
    tagging = oss.Tagging(tag_set=oss.TagSet(tags=[oss.Tag(key="k", value="v & w")]))
    shell.put_object_tagging(oss.PutObjectTaggingRequest(bucket=B, key="src", tagging=tagging))
    assert shell.get_object_tagging(oss.GetObjectTaggingRequest(bucket=B, key="src")).tag_set.tags[0].value == "v & w"
    assert shell.delete_object_tagging(oss.DeleteObjectTaggingRequest(bucket=B, key="src")).status_code == 204
    shell.put_symlink(oss.PutSymlinkRequest(bucket=B, key="link", target="src"))
    assert shell.get_symlink(oss.GetSymlinkRequest(bucket=B, key="link")).target == "src"
    assert shell.read(shell.get_object(oss.GetObjectRequest(bucket=B, key="link")).body) == b"abc"
    assert shell.restore_object(oss.RestoreObjectRequest(bucket=B, key="src")).status_code == 202
    assert shell.delete_object(oss.DeleteObjectRequest(bucket=B, key="dst")).status_code == 204
    deleted = shell.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=B, objects=[oss.DeleteObject(key="src"), oss.DeleteObject(key="a&b <c>")]))
    assert sorted(d.key for d in deleted.deleted_objects) == ["a&b <c>", "src"]


def test_listings_and_paginators(shell: Shell) -> None:
    make_bucket(shell)
    keys = ["a/1", "a/2", "b c/3", "d+e", "f/g/h", "z"]
    for key in keys:
        shell.put_object(oss.PutObjectRequest(bucket=B, key=key, body=key.encode()))
    v1 = shell.list_objects(oss.ListObjectsRequest(bucket=B, delimiter="/"))
    assert [c.key for c in v1.contents] == ["d+e", "z"]
    assert [p.prefix for p in v1.common_prefixes] == ["a/", "b c/", "f/"]
    v2 = shell.list_objects_v2(oss.ListObjectsV2Request(bucket=B, prefix="b c/"))
    assert [c.key for c in v2.contents] == ["b c/3"] and v2.key_count == 1
    pages = shell.pages(shell.list_objects_v2_paginator(limit=2), oss.ListObjectsV2Request(bucket=B))
    assert [len(p.contents) for p in pages] == [2, 2, 2]
    assert [c.key for p in pages for c in p.contents] == keys
    pages_v1 = shell.pages(shell.list_objects_paginator(), oss.ListObjectsRequest(bucket=B, max_keys=4))
    assert [c.key for p in pages_v1 for c in p.contents] == keys


def test_multipart(shell: Shell) -> None:
    make_bucket(shell)
    shell.put_object(oss.PutObjectRequest(bucket=B, key="source", body=b"S" * 1000))
    init = shell.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=B, key="big/file.bin"))
    assert init.key == "big/file.bin" and init.upload_id
    part1 = shell.upload_part(oss.UploadPartRequest(bucket=B, key="big/file.bin", upload_id=init.upload_id,
                                                    part_number=1, body=b"a" * 102400))
    part2 = shell.upload_part_copy(oss.UploadPartCopyRequest(bucket=B, key="big/file.bin", upload_id=init.upload_id,
                                                             part_number=2, source_key="source",
                                                             source_range="bytes=0-4"))
    assert part2.etag == '"' + hashlib.md5(b"SSSSS").hexdigest().upper() + '"'
    uploads = shell.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=B))
    assert [u.key for u in uploads.uploads] == ["big/file.bin"]
    parts = shell.list_parts(oss.ListPartsRequest(bucket=B, key="big/file.bin", upload_id=init.upload_id))
    assert [(p.part_number, p.size) for p in parts.parts] == [(1, 102400), (2, 5)]
    done = shell.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=B, key="big/file.bin", upload_id=init.upload_id,
        complete_multipart_upload=oss.CompleteMultipartUpload(parts=[
            oss.UploadPart(part_number=1, etag=part1.etag), oss.UploadPart(part_number=2, etag=part2.etag)])))
    assert done.etag.endswith('-2"') and done.hash_crc64 == str(crc64(b"a" * 102400 + b"SSSSS"))
    other = shell.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=B, key="x"))
    assert shell.abort_multipart_upload(oss.AbortMultipartUploadRequest(
        bucket=B, key="x", upload_id=other.upload_id)).status_code == 204
    third = shell.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=B, key="y"))
    shell.upload_part(oss.UploadPartRequest(bucket=B, key="y", upload_id=third.upload_id, part_number=1, body=b"q"))
    shell.complete_multipart_upload(oss.CompleteMultipartUploadRequest(bucket=B, key="y", upload_id=third.upload_id,
                                                                       complete_all="yes"))
    assert shell.read(shell.get_object(oss.GetObjectRequest(bucket=B, key="y")).body) == b"q"


def test_files(shell: Shell, tmp_path: Path) -> None:
    make_bucket(shell)
    source = tmp_path / "in.bin"
    source.write_bytes(b"x" * 70_000)
    shell.put_object_from_file(oss.PutObjectRequest(bucket=B, key="f"), str(source))
    target = tmp_path / "out.bin"
    result = shell.get_object_to_file(oss.GetObjectRequest(bucket=B, key="f"), str(target))
    assert target.read_bytes() == source.read_bytes() and result.content_length == 70_000
    with pytest.raises(oss.exceptions.OperationError, match="File not exists"):
        shell.put_object_from_file(oss.PutObjectRequest(bucket=B, key="f"), str(tmp_path / "missing"))


def test_crc_mismatch_is_an_error_unless_disabled(shell: Shell, server: OssServer) -> None:
    make_bucket(shell)
    server.wrong_crc = True
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"data"))
    assert isinstance(info.value.unwrap(), oss.exceptions.InconsistentError)
    assert len(server.requests) == 1 + 3  # PutBucket, then 3 attempts: a CRC mismatch is retried
    got = shell.get_object(oss.GetObjectRequest(bucket=B, key="k"))
    with pytest.raises(oss.exceptions.InconsistentError):
        shell.read(got.body)
    relaxed = Shell(shell.kind, make_config(server, disable_upload_crc64_check=True,
                                            disable_download_crc64_check=True))
    try:
        relaxed.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"data"))
        assert relaxed.read(relaxed.get_object(oss.GetObjectRequest(bucket=B, key="k")).body) == b"data"
    finally:
        relaxed.close()


def test_retries_resign_and_stop(shell: Shell, server: OssServer) -> None:
    make_bucket(shell)
    server.requests.clear()
    server.faults.extend([(503, "ServiceUnavailable"), (500, "InternalError")])
    shell.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"v"))
    dates = [h.get("x-oss-date") for _, _, h in server.requests]
    assert len(dates) == 3 and all(dates)
    server.faults.append((403, "AccessDenied"))
    with pytest.raises(oss.exceptions.OperationError):
        shell.get_object(oss.GetObjectRequest(bucket=B, key="k"))
    server.requests.clear()
    server.faults.extend([(503, "X")] * 5)
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.head_object(oss.HeadObjectRequest(bucket=B, key="k"), retry_max_attempts=2)
    assert info.value.unwrap().status_code == 503 and len(server.requests) == 2


def test_v1_sts_anonymous_and_bad_keys(server: OssServer) -> None:
    server.secrets["STS.akid"] = "sts-secret"
    for cfg in (make_config(server, signature_version="v1"),
                make_config(server, credentials_provider=oss.credentials.StaticCredentialsProvider(
                    "STS.akid", "sts-secret", "sts-token"))):
        shell = Shell("sync", cfg)
        make_bucket(shell)
        shell.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"v"))
        shell.close()
    token_headers = [h for _, _, h in server.requests if h.get("x-oss-security-token") == "sts-token"]
    assert token_headers
    bad = Shell("sync", make_config(server, credentials_provider=oss.credentials.StaticCredentialsProvider(
        "LTAItestKeyId", "wrong-secret")))
    with pytest.raises(oss.exceptions.OperationError) as info:
        bad.get_object(oss.GetObjectRequest(bucket=B, key="k"))
    assert info.value.unwrap().code == "SignatureDoesNotMatch"
    anonymous = Shell("sync", make_config(server, credentials_provider=oss.credentials.AnonymousCredentialsProvider()))
    anonymous.get_object(oss.GetObjectRequest(bucket=B, key="k"))
    assert "authorization" not in {k.lower() for k in server.requests[-1][2]}


def test_presign_urls_work(server: OssServer) -> None:
    import urllib.request

    shell = Shell("sync", make_config(server))
    make_bucket(shell)
    put = shell.presign(oss.PutObjectRequest(bucket=B, key="p.txt", content_type="text/plain"))
    assert put.method == "PUT" and put.signed_headers == {"Content-Type": "text/plain"}
    request = urllib.request.Request(put.url, data=b"presigned", method="PUT", headers=put.signed_headers)
    urllib.request.urlopen(request).close()
    get = shell.presign(oss.GetObjectRequest(bucket=B, key="p.txt"), expires=datetime.timedelta(minutes=5))
    with urllib.request.urlopen(get.url) as reply:
        assert reply.read() == b"presigned"
    v1 = Shell("sync", make_config(server, signature_version="v1"))
    with urllib.request.urlopen(v1.presign(oss.GetObjectRequest(bucket=B, key="p.txt")).url) as reply:
        assert reply.read() == b"presigned"
    with pytest.raises(oss.exceptions.OperationError, match="604800"):
        shell.presign(oss.GetObjectRequest(bucket=B, key="p.txt"), expires=datetime.timedelta(days=8))
    shell.close()
    v1.close()


def test_names_checked_before_sending(shell: Shell, server: OssServer) -> None:
    with pytest.raises(oss.exceptions.OperationError, match="Bucket name is invalid, got Bad_Bucket."):
        shell.get_object(oss.GetObjectRequest(bucket="Bad_Bucket", key="k"))
    with pytest.raises(oss.exceptions.OperationError, match="Object name is invalid."):
        shell.put_object(oss.PutObjectRequest(bucket=B, key="", body=b""))
    assert server.requests == []


def test_no_secret_in_logs_reprs_or_errors(server: OssServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provider = oss.credentials.StaticCredentialsProvider("LTAItestKeyId", SK, "very-secret-token")
    server.secrets["LTAItestKeyId"] = SK
    shell = Shell("sync", make_config(server, credentials_provider=provider, proxy_host=None))
    make_bucket(shell)
    server.faults.append((403, "AccessDenied"))
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"v"))
    texts = [caplog.text, str(info.value), repr(info.value.unwrap()), repr(shell.client), repr(provider),
             repr(provider.get_credentials())]
    for text in texts:
        assert SK not in text and "very-secret-token" not in text
    shell.close()
