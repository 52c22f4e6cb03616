"""oss2, unmodified, against the OSS emulator (Auth V1, AuthV4, AuthV2)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

import oss2
import pytest
import requests

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.oss.crc64 import crc64

pytestmark = pytest.mark.official

KEYS = ["dir/sub/a.txt", "with space.txt", "plus+sign", "per%cent", "中文/键.bin", "/".join("abc")]


def assert_spec(error: Any, spec: E.OssErrorSpec) -> None:
    assert (error.status, error.code, error.ec) == (spec.http_status, spec.code, spec.ec)
    if "{" not in spec.template:
        assert error.message == spec.template


def test_tricky_keys_round_trip_and_sign_url(bucket2: Any) -> None:
    for key in KEYS:
        result = bucket2.put_object(key, key.encode("utf-8"), headers={"x-oss-meta-k": "v"})
        assert result.status == 200 and result.crc is not None
    for key in KEYS:
        got = bucket2.get_object(key)
        assert got.read() == key.encode("utf-8") and got.headers["x-oss-meta-k"] == "v"
        url = bucket2.sign_url("GET", key, 60)
        assert requests.get(url).content == key.encode("utf-8")
    listed = [o.key for o in oss2.ObjectIterator(bucket2, max_keys=2)]
    assert listed == sorted(KEYS, key=lambda k: k.encode("utf-8"))
    listed_v2 = [o.key for o in oss2.ObjectIteratorV2(bucket2, max_keys=2)]
    assert listed_v2 == listed
    top = [o.key for o in oss2.ObjectIterator(bucket2, delimiter="/")]
    assert top == ["a/", "dir/", "per%cent", "plus+sign", "with space.txt", "中文/"]
    put_url = bucket2.sign_url("PUT", "signed put", 60)
    assert requests.put(put_url, data=b"via url").status_code == 200
    assert bucket2.get_object("signed put").read() == b"via url"


def test_errors_are_the_dedicated_classes(bucket2: Any, emu: Emulator) -> None:
    with pytest.raises(oss2.exceptions.NoSuchKey) as no_key:
        bucket2.get_object("missing")
    assert_spec(no_key.value, E.NO_SUCH_KEY)
    with pytest.raises(oss2.exceptions.NotFound):
        bucket2.head_object("missing")
    bucket2.append_object("app", 0, b"12")
    with pytest.raises(oss2.exceptions.PositionNotEqualToLength) as position:
        bucket2.append_object("app", 5, b"3")
    assert position.value.next_position == 2
    bucket2.put_object("normal", b"n")
    with pytest.raises(oss2.exceptions.ObjectNotAppendable):
        bucket2.append_object("normal", 1, b"x")
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket2.get_object("normal", headers={"If-Match": '"x"'})
    with pytest.raises(oss2.exceptions.NotModified):
        etag = bucket2.head_object("normal").etag
        bucket2.get_object("normal", headers={"If-None-Match": f'"{etag}"'})
    with pytest.raises(oss2.exceptions.BucketNotEmpty):
        bucket2.delete_bucket()
    missing = oss2.Bucket(bucket2.auth, emu.oss_endpoint, "no-such-bucket", region=emu.region)
    with pytest.raises(oss2.exceptions.NoSuchBucket) as no_bucket:
        missing.get_bucket_info()
    assert_spec(no_bucket.value, E.NO_SUCH_BUCKET)
    wrong = oss2.Bucket(oss2.Auth(emu.access_key_id, "wrong"), emu.oss_endpoint, bucket2.bucket_name)
    with pytest.raises(oss2.exceptions.SignatureDoesNotMatch):
        wrong.get_object("normal")


def test_bucket_info_acl_and_listing_parsers(bucket2: Any, emu: Emulator) -> None:
    info = bucket2.get_bucket_info()
    assert info.name == bucket2.bucket_name and info.acl.grant == "private"
    assert info.location == f"oss-{emu.region}"
    bucket2.put_bucket_acl(oss2.BUCKET_ACL_PUBLIC_READ)
    assert bucket2.get_bucket_acl().acl == "public-read"
    assert bucket2.get_bucket_location().location == f"oss-{emu.region}"
    assert bucket2.get_bucket_stat().object_count == 0
    service = oss2.Service(bucket2.auth, emu.oss_endpoint, region=emu.region)
    assert bucket2.bucket_name in [b.name for b in oss2.BucketIterator(service)]


def test_multipart_resumable_and_copy(bucket2: Any, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1600  # 400 KiB
    source = tmp_path / "src.bin"
    source.write_bytes(data)
    for key in ("resumable/obj", "resumable/中文 +%25 é.bin"):
        oss2.resumable_upload(bucket2, key, str(source), multipart_threshold=100 * 1024,
                              part_size=100 * 1024, num_threads=2,
                              store=oss2.ResumableStore(root=str(tmp_path)))
        head = bucket2.head_object(key)
        assert head.object_type == "Multipart" and head.etag.endswith("-4")
        assert head.server_crc == crc64(data)
        target = tmp_path / "down.bin"
        oss2.resumable_download(bucket2, key, str(target), multiget_threshold=100 * 1024,
                                part_size=100 * 1024, num_threads=2,
                                store=oss2.ResumableDownloadStore(root=str(tmp_path)))
        assert target.read_bytes() == data
    assert list(tmp_path.glob("**/*.ucp")) == [] and list(tmp_path.glob("**/*.dcp")) == []
    with pytest.raises(oss2.exceptions.NoSuchKey):
        oss2.resumable_download(bucket2, "resumable/missing", str(tmp_path / "never.bin"))
    upload_id = bucket2.init_multipart_upload("copied").upload_id
    part = bucket2.upload_part_copy(bucket2.bucket_name, "resumable/中文 +%25 é.bin", (0, 102399),
                                    "copied", upload_id, 1)
    last = bucket2.upload_part("copied", upload_id, 2, b"tail")
    assert [p.part_number for p in oss2.PartIterator(bucket2, "copied", upload_id)] == [1, 2]
    assert [u.upload_id for u in oss2.MultipartUploadIterator(bucket2)] == [upload_id]
    bucket2.complete_multipart_upload("copied", upload_id, [
        oss2.models.PartInfo(1, part.etag), oss2.models.PartInfo(2, last.etag)])
    assert bucket2.get_object("copied").read() == data[:102400] + b"tail"
    bucket2.copy_object(bucket2.bucket_name, "copied", "copied again")
    assert bucket2.get_object("copied again").read() == data[:102400] + b"tail"
    bucket2.put_symlink("copied", "link")
    assert bucket2.get_symlink("link").target_key == "copied"
    result = bucket2.batch_delete_objects(["copied", "copied again", "link"])
    assert sorted(result.deleted_keys) == ["copied", "copied again", "link"]


def test_auth_v2_signature(emu: Emulator, bucket: str) -> None:
    auth = oss2.AuthV2(emu.access_key_id, emu.access_key_secret)
    b = oss2.Bucket(auth, emu.oss_endpoint, bucket)
    b.put_object("v2 key/x", b"v2")
    assert b.get_object("v2 key/x").read() == b"v2"
    assert [o.key for o in oss2.ObjectIteratorV2(b)] == ["v2 key/x"]


def test_resumable_upload_resumes_after_a_failed_part(bucket2: Any, emu: Emulator,
                                                      tmp_path: Path) -> None:
    data = os.urandom(450 * 1024)  # parts of 100 KiB: 5
    source = tmp_path / "src.bin"
    source.write_bytes(data)
    key = "resumed/中文 +%.bin"
    injected = []

    def fail_the_third_part(consumed: int, total: Optional[int]) -> None:
        if consumed >= 200 * 1024 and not injected:
            injected.append(consumed)
            emu.inject_fault("UploadPart", "ServiceUnavailable", "try later", 503, service="oss")

    def upload(progress: Any = None) -> None:
        oss2.resumable_upload(bucket2, key, str(source), multipart_threshold=100 * 1024,
                              part_size=100 * 1024, num_threads=1, progress_callback=progress,
                              store=oss2.ResumableStore(root=str(tmp_path)))

    with pytest.raises(oss2.exceptions.ServerError) as failed:
        upload(fail_the_third_part)
    assert (failed.value.status, failed.value.code) == (503, "ServiceUnavailable")
    [pending] = list(oss2.MultipartUploadIterator(bucket2))
    assert [p.part_number for p in oss2.PartIterator(bucket2, key, pending.upload_id)] == [1, 2]
    upload()  # from the checkpoint: the two finished parts are kept
    assert list(oss2.MultipartUploadIterator(bucket2)) == []
    head = bucket2.head_object(key)
    assert head.etag.endswith("-5") and head.server_crc == crc64(data)
    assert bucket2.get_object(key).read() == data
