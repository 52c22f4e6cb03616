"""alibabacloud-oss-v2, unmodified, against the OSS emulator (V1 and V4)."""
from __future__ import annotations

import io
import os
import urllib.request
from pathlib import Path
from typing import Any

import alibabacloud_oss_v2 as oss
import pytest
from alibabacloud_oss_v2.uploader import UploadError

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.oss.crc64 import crc64

pytestmark = pytest.mark.official


def service_error(excinfo: pytest.ExceptionInfo[Any]) -> Any:
    inner = excinfo.value.unwrap()
    assert isinstance(inner, oss.exceptions.ServiceError), inner
    return inner


def assert_spec(excinfo: pytest.ExceptionInfo[Any], spec: E.OssErrorSpec) -> None:
    error = service_error(excinfo)
    assert (error.status_code, error.code, error.ec) == (spec.http_status, spec.code, spec.ec)
    if "{" not in spec.template:
        assert error.message == spec.template
    assert len(error.request_id) == 24


def test_objects_crud_with_crc_checks(client: Any, bucket: str) -> None:
    key = "dir/a b+c%é.txt"
    put = client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b"hello world",
                                                 metadata={"author": "alice"}))
    assert put.status_code == 200 and put.hash_crc64 == "5981764153023615706"
    get = client.get_object(oss.GetObjectRequest(bucket=bucket, key=key))
    assert get.body.read() == b"hello world" and get.metadata == {"author": "alice"}
    assert get.content_type == "text/plain"  # auto by extension, stored, answered
    head = client.head_object(oss.HeadObjectRequest(bucket=bucket, key=key))
    assert head.content_length == 11 and head.object_type == "Normal"
    meta = client.get_object_meta(oss.GetObjectMetaRequest(bucket=bucket, key=key))
    assert meta.etag == '"5EB63BBBE01EEED093CB22BB8F5ACDC3"'
    assert client.is_object_exist(bucket, key) and not client.is_object_exist(bucket, "nope")
    assert client.delete_object(oss.DeleteObjectRequest(bucket=bucket, key=key)).status_code == 204
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.get_object(oss.GetObjectRequest(bucket=bucket, key=key))
    assert_spec(excinfo, E.NO_SUCH_KEY)
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.head_object(oss.HeadObjectRequest(bucket=bucket, key=key))
    assert_spec(excinfo, E.NO_SUCH_KEY)  # decoded from x-oss-err


def test_buckets(client: Any, emu: Emulator) -> None:
    assert client.put_bucket(oss.PutBucketRequest(bucket="v2-bucket")).status_code == 200
    info = client.get_bucket_info(oss.GetBucketInfoRequest(bucket="v2-bucket"))
    assert info.bucket_info.name == "v2-bucket" and info.bucket_info.acl == "private"
    assert client.get_bucket_location(
        oss.GetBucketLocationRequest(bucket="v2-bucket")).location == f"oss-{emu.region}"
    assert client.get_bucket_stat(oss.GetBucketStatRequest(bucket="v2-bucket")).object_count == 0
    client.put_bucket_acl(oss.PutBucketAclRequest(bucket="v2-bucket", acl="public-read"))
    assert client.get_bucket_acl(oss.GetBucketAclRequest(bucket="v2-bucket")).acl == "public-read"
    names = [b.name for page in client.list_buckets_paginator().iter_page(
        oss.ListBucketsRequest()) for b in page.buckets]
    assert "v2-bucket" in names
    assert client.is_bucket_exist("v2-bucket") and not client.is_bucket_exist("no-such-bucket")
    assert client.delete_bucket(oss.DeleteBucketRequest(bucket="v2-bucket")).status_code == 204
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.get_bucket_info(oss.GetBucketInfoRequest(bucket="v2-bucket"))
    assert_spec(excinfo, E.NO_SUCH_BUCKET)


def test_paginators_v1_and_v2(client: Any, bucket: str) -> None:
    keys = [f"p/{i:02d} x" for i in range(7)] + ["q/1", "top", "p/+plus", "p/%25 pct", "p/中文/键"]
    for key in keys:
        client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b"."))
    v2 = [o.key for page in client.list_objects_v2_paginator(limit=3).iter_page(
        oss.ListObjectsV2Request(bucket=bucket)) for o in page.contents]
    assert v2 == sorted(keys)
    v1 = [o.key for page in client.list_objects_paginator(limit=2).iter_page(
        oss.ListObjectsRequest(bucket=bucket)) for o in page.contents]
    assert v1 == sorted(keys)
    pages = list(client.list_objects_v2_paginator(limit=1).iter_page(
        oss.ListObjectsV2Request(bucket=bucket, delimiter="/")))
    prefixes = [p.prefix for page in pages for p in (page.common_prefixes or [])]
    assert prefixes == ["p/", "q/"] and [o.key for p in pages for o in (p.contents or [])] == ["top"]
    nested = [p.prefix for page in client.list_objects_paginator(limit=1).iter_page(
        oss.ListObjectsRequest(bucket=bucket, prefix="p/", delimiter="/")) for p in page.common_prefixes or []]
    assert nested == ["p/中文/"]


def test_multipart_paginators(client: Any, bucket: str) -> None:
    keys = ["up/中文 +%", "up/a b", "up/z"]
    ids = {key: client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(
        bucket=bucket, key=key)).upload_id for key in keys}
    for number in (1, 2, 3):
        client.upload_part(oss.UploadPartRequest(bucket=bucket, key=keys[0], upload_id=ids[keys[0]],
                                                 part_number=number, body=b"p" * number))
    uploads = [(u.key, u.upload_id) for page in client.list_multipart_uploads_paginator(limit=1).iter_page(
        oss.ListMultipartUploadsRequest(bucket=bucket)) for u in page.uploads]
    assert uploads == sorted(ids.items(), key=lambda item: item[0].encode("utf-8"))
    parts = [(p.part_number, p.size) for page in client.list_parts_paginator(limit=2).iter_page(
        oss.ListPartsRequest(bucket=bucket, key=keys[0], upload_id=ids[keys[0]])) for p in page.parts]
    assert parts == [(1, 1), (2, 2), (3, 3)]


def test_ranges_and_conditions(client: Any, bucket: str) -> None:
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="r", body=b"0123456789"))
    part = client.get_object(oss.GetObjectRequest(bucket=bucket, key="r", range_header="bytes=3-5"))
    assert part.status_code == 206 and part.body.read() == b"345"
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.get_object(oss.GetObjectRequest(bucket=bucket, key="r", range_header="bytes=20-",
                                               range_behavior="standard"))
    assert_spec(excinfo, E.INVALID_RANGE)
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.get_object(oss.GetObjectRequest(bucket=bucket, key="r", if_match='"nope"'))
    assert_spec(excinfo, E.PRECONDITION_FAILED)


def test_append_copy_tagging_symlink_acl(client: Any, bucket: str) -> None:
    first = client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=0,
                                                         body=b"abc"))
    assert first.next_position == 3
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=1, body=b"d"))
    assert_spec(excinfo, E.POSITION_NOT_EQUAL_TO_LENGTH)
    client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=3, body=b"de"))
    copied = client.copy_object(oss.CopyObjectRequest(bucket=bucket, key="copy", source_key="log",
                                                      source_bucket=bucket))
    assert copied.status_code == 200
    assert client.get_object(oss.GetObjectRequest(bucket=bucket, key="copy")).body.read() == b"abcde"
    client.put_object_tagging(oss.PutObjectTaggingRequest(
        bucket=bucket, key="copy",
        tagging=oss.Tagging(tag_set=oss.TagSet(tags=[oss.Tag(key="k", value="v")]))))
    tags = client.get_object_tagging(oss.GetObjectTaggingRequest(bucket=bucket, key="copy"))
    assert [(t.key, t.value) for t in tags.tag_set.tags] == [("k", "v")]
    client.put_symlink(oss.PutSymlinkRequest(bucket=bucket, key="link", target="copy"))
    assert client.get_symlink(oss.GetSymlinkRequest(bucket=bucket, key="link")).target == "copy"
    client.put_object_acl(oss.PutObjectAclRequest(bucket=bucket, key="copy", acl="public-read"))
    assert client.get_object_acl(oss.GetObjectAclRequest(bucket=bucket, key="copy")).acl == "public-read"
    deleted = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
        bucket=bucket, objects=[oss.DeleteObject(key="log"), oss.DeleteObject(key="a b/c")]))
    assert sorted(d.key for d in deleted.deleted_objects) == ["a b/c", "log"]
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.restore_object(oss.RestoreObjectRequest(bucket=bucket, key="copy"))
    assert_spec(excinfo, E.OPERATION_NOT_SUPPORTED)


def test_multipart_and_list_helpers(client: Any, bucket: str) -> None:
    init = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=bucket, key="mp"))
    data = [b"x" * (100 * 1024), b"y" * 10]
    parts = []
    for number, chunk in enumerate(data, 1):
        up = client.upload_part(oss.UploadPartRequest(bucket=bucket, key="mp", upload_id=init.upload_id,
                                                      part_number=number, body=chunk))
        parts.append(oss.UploadPart(part_number=number, etag=up.etag))
    listed = client.list_parts(oss.ListPartsRequest(bucket=bucket, key="mp", upload_id=init.upload_id))
    assert [p.part_number for p in listed.parts] == [1, 2]
    uploads = client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket))
    assert [u.upload_id for u in uploads.uploads] == [init.upload_id]
    done = client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
        bucket=bucket, key="mp", upload_id=init.upload_id,
        complete_multipart_upload=oss.CompleteMultipartUpload(parts=parts)))
    assert done.etag.endswith('-2"') and done.hash_crc64 == str(crc64(b"".join(data)))
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        client.abort_multipart_upload(oss.AbortMultipartUploadRequest(
            bucket=bucket, key="mp", upload_id=init.upload_id))
    assert_spec(excinfo, E.NO_SUCH_UPLOAD)


def test_uploader_downloader_copier_and_files(client: Any, bucket: str, tmp_path: Path) -> None:
    data = bytes(range(256)) * (1024 * 5)  # 1.25 MiB: several parts of 256 KiB
    source = tmp_path / "up.bin"
    source.write_bytes(data)
    up, copy, appended = "big/中文 +%/up.bin", "big/copy of+%25 é.bin", "big/app end+%/键"
    uploader = client.uploader(part_size=256 * 1024, parallel_num=3)
    result = uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key=up), str(source))
    assert result.hash_crc64 == str(crc64(data))
    head = client.head_object(oss.HeadObjectRequest(bucket=bucket, key=up))
    assert head.object_type == "Multipart" and head.content_length == len(data)
    assert head.etag.endswith('-5"')
    streamed = uploader.upload_from(oss.PutObjectRequest(bucket=bucket, key=up + ".stream"),
                                    io.BytesIO(data))
    assert streamed.hash_crc64 == str(crc64(data))
    target = tmp_path / "down.bin"
    downloader = client.downloader(part_size=200 * 1024, parallel_num=3)
    downloader.download_file(oss.GetObjectRequest(bucket=bucket, key=up + ".stream"), str(target))
    assert target.read_bytes() == data
    copier = client.copier(part_size=256 * 1024, multipart_copy_threshold=512 * 1024,
                           disable_shallow_copy=True)
    copier.copy(oss.CopyObjectRequest(bucket=bucket, key=copy, source_bucket=bucket, source_key=up))
    copied = client.head_object(oss.HeadObjectRequest(bucket=bucket, key=copy))
    assert copied.object_type == "Multipart" and copied.hash_crc64 == str(crc64(data))
    with client.open_file(bucket, copy) as file:
        file.seek(1000)
        assert file.read(10) == data[1000:1010]
        assert file.readall() == data[1010:]
    with client.append_file(bucket, appended) as file:
        file.write(b"first ")
        file.write(b"second")
    with client.append_file(bucket, appended) as file:  # reopened: continues at the end
        assert file.tell() == 12
        file.write(b"!")
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key=appended))
    assert got.body.read() == b"first second!" and got.object_type == "Appendable"
    for key, body in [(appended, b"first second!"), (copy, data)]:
        presigned = client.presign(oss.GetObjectRequest(bucket=bucket, key=key))
        with urllib.request.urlopen(presigned.url) as response:
            assert response.read() == body
    missing = client.downloader()
    with pytest.raises(oss.exceptions.OperationError) as excinfo:
        missing.download_file(oss.GetObjectRequest(bucket=bucket, key="big/missing"),
                              str(tmp_path / "missing.bin"))
    assert_spec(excinfo, E.NO_SUCH_KEY)


def test_stream_body_without_length(client: Any, bucket: str) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"chunked "
        yield b"body"

    client.put_object(oss.PutObjectRequest(bucket=bucket, key="stream", body=chunks()))
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="stream"))
    assert got.body.read() == b"chunked body"


def test_uploader_resumes_from_its_checkpoint(client: Any, emu: Emulator, bucket: str,
                                              tmp_path: Path) -> None:
    data = os.urandom(450 * 1024)  # parts of 100 KiB: 5
    source = tmp_path / "src.bin"
    source.write_bytes(data)
    key = "resumed/中文 +%.bin"
    injected = []

    def fail_the_third_part(increment: int, transferred: int, total: int) -> None:
        if transferred >= 200 * 1024 and not injected:
            injected.append(transferred)
            emu.inject_fault("UploadPart", "ServiceUnavailable", "try later", 503, service="oss")

    uploader = client.uploader(part_size=100 * 1024, parallel_num=1, enable_checkpoint=True,
                               checkpoint_dir=str(tmp_path))
    with pytest.raises(UploadError) as failed:
        uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key=key,
                                                  progress_fn=fail_the_third_part), str(source))
    cause: Any = failed.value
    while not isinstance(cause, oss.exceptions.ServiceError):
        cause = cause.unwrap()
    assert (cause.status_code, cause.code) == (503, "ServiceUnavailable")
    [pending] = client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket)).uploads
    listed = client.list_parts(oss.ListPartsRequest(bucket=bucket, key=key, upload_id=pending.upload_id))
    assert [p.part_number for p in listed.parts] == [1, 2]
    result = uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key=key), str(source))
    assert result.upload_id == pending.upload_id and result.hash_crc64 == str(crc64(data))
    assert client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket)).uploads is None
    assert client.get_object(oss.GetObjectRequest(bucket=bucket, key=key)).body.read() == data
