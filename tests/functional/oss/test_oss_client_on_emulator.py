"""Our Client and AsyncClient against the project's OSS emulator (which verifies with the
same signer): the core families, V4 and V1, sync and async."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.oss.crc64 import crc64


def config(emulator: Any, version: str = "v4") -> oss.config.Config:
    cfg = oss.config.load_default()
    cfg.region = emulator.region
    cfg.endpoint = emulator.oss_endpoint
    cfg.signature_version = version
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        emulator.access_key_id, emulator.access_key_secret)
    cfg.retry_max_attempts = 1
    return cfg


@pytest.mark.parametrize("version", ["v4", "v1"])
def test_sync_client_families(oss_bucket: Any, version: str) -> None:
    bucket = oss_bucket.name
    with oss.Client(config(oss_bucket.emulator, version)) as client:
        key = "dir/a b+c%é.txt"
        put = client.put_object(oss.PutObjectRequest(bucket=bucket, key=key, body=b"hello world",
                                                     metadata={"author": "alice"}))
        assert put.hash_crc64 == str(crc64(b"hello world"))
        got = client.get_object(oss.GetObjectRequest(bucket=bucket, key=key, range_header="bytes=0-4"))
        assert (got.status_code, got.body.read()) == (206, b"hello")
        head = client.head_object(oss.HeadObjectRequest(bucket=bucket, key=key))
        assert head.metadata == {"author": "alice"} and head.content_length == 11
        listed = client.list_objects_v2(oss.ListObjectsV2Request(bucket=bucket, prefix="dir/"))
        assert [c.key for c in listed.contents] == [key]
        client.copy_object(oss.CopyObjectRequest(bucket=bucket, key="copy", source_key=key))
        appended = client.append_object(oss.AppendObjectRequest(bucket=bucket, key="log", position=0, body=b"ab"))
        assert appended.next_position == 2
        init = client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket=bucket, key="mp"))
        part = client.upload_part(oss.UploadPartRequest(bucket=bucket, key="mp", upload_id=init.upload_id,
                                                        part_number=1, body=b"p" * 10))
        done = client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(
            bucket=bucket, key="mp", upload_id=init.upload_id,
            complete_multipart_upload=oss.CompleteMultipartUpload(
                parts=[oss.UploadPart(part_number=1, etag=part.etag)])))
        assert done.hash_crc64 == str(crc64(b"p" * 10))
        assert client.is_object_exist(bucket, "mp") and not client.is_object_exist(bucket, "nope")
        with pytest.raises(oss.exceptions.OperationError) as info:
            client.get_object(oss.GetObjectRequest(bucket=bucket, key="nope"))
        error = info.value.unwrap()
        assert (error.status_code, error.code, len(error.request_id)) == (404, "NoSuchKey", 24)
        deleted = client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(
            bucket=bucket, objects=[oss.DeleteObject(key=k) for k in (key, "copy", "log", "mp")]))
        assert len(deleted.deleted_objects) == 4


def test_async_client(oss_bucket: Any) -> None:
    async def scenario() -> None:
        async with oss.AsyncClient(config(oss_bucket.emulator)) as client:
            bucket = oss_bucket.name
            await client.put_object(oss.PutObjectRequest(bucket=bucket, key="k", body=b"x" * 70_000))
            got = await client.get_object(oss.GetObjectRequest(bucket=bucket, key="k"))
            assert await got.body.read() == b"x" * 70_000
            pages = [page async for page in client.list_objects_v2_paginator(limit=1).iter_page(
                oss.ListObjectsV2Request(bucket=bucket))]
            assert [c.key for p in pages for c in p.contents] == ["k"]
            assert await client.is_bucket_exist(bucket)

    asyncio.run(scenario())
