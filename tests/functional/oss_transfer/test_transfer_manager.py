"""Uploader, Downloader and Copier against the emulator: parts in parallel, CRC-64 combined
and checked, checkpoints that skip finished parts, the async twins moving the same objects."""
from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import List, Tuple

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.emulator import Emulator
from alicloud_storage.oss.crc64 import crc64
from alicloud_storage.oss.transfer import CopyError, DownloadError, UploadError
from oss_transfer_helpers import oss_config

PART = 128 * 1024


def make_file(path: Path, size: int, seed: int = 1) -> bytes:
    data = (bytes(range(256)) * (size // 256 + 1))[:size]
    data = bytes((b + seed) % 256 for b in data[:4096]) + data[4096:]
    path.write_bytes(data)
    return data


def stored(client: oss.Client, bucket: str, key: str) -> Tuple[bytes, str]:
    result = client.get_object(oss.GetObjectRequest(bucket=bucket, key=key))
    return result.body.read(), result.hash_crc64


def test_upload_file_in_parallel_parts_with_progress(client: oss.Client, bucket: str, tmp_path: Path,
                                                     received_parts: List[int]) -> None:
    data = make_file(tmp_path / "f.bin", 5 * PART + 1000)
    seen: List[Tuple[int, int, int]] = []
    result = client.uploader(part_size=PART, parallel_num=3).upload_file(
        oss.PutObjectRequest(bucket=bucket, key="big", progress_fn=lambda *a: seen.append(a)), str(tmp_path / "f.bin"))
    assert result.upload_id and result.hash_crc64 == str(crc64(data))
    assert sorted(received_parts) == [1, 2, 3, 4, 5, 6]
    body, crc = stored(client, bucket, "big")
    assert body == data and crc == str(crc64(data))
    assert seen[-1][1:] == (len(data), len(data)) and sum(s[0] for s in seen) == len(data)


def test_small_file_is_one_put(client: oss.Client, bucket: str, tmp_path: Path, received_parts: List[int]) -> None:
    data = make_file(tmp_path / "s.bin", 1000)
    result = client.uploader(part_size=PART).upload_file(oss.PutObjectRequest(bucket=bucket, key="s"),
                                                         str(tmp_path / "s.bin"))
    assert result.upload_id is None and result.hash_crc64 == str(crc64(data)) and received_parts == []
    assert stored(client, bucket, "s")[0] == data


def test_upload_from_a_stream(client: oss.Client, bucket: str, tmp_path: Path) -> None:
    data = make_file(tmp_path / "f.bin", 3 * PART + 7)
    with open(tmp_path / "f.bin", "rb") as reader:
        result = client.uploader(part_size=PART).upload_from(oss.PutObjectRequest(bucket=bucket, key="st"), reader)
    assert result.hash_crc64 == str(crc64(data)) and stored(client, bucket, "st")[0] == data


class Crash(Exception):
    pass


def test_checkpoint_resume_sends_only_missing_parts(client: oss.Client, bucket: str, tmp_path: Path,
                                                    received_parts: List[int]) -> None:
    data = make_file(tmp_path / "f.bin", 8 * PART)
    checkpoints = tmp_path / "cp"

    def crash_after_three(increment: int, transferred: int, total: int) -> None:
        if transferred >= 3 * PART:
            raise Crash()

    uploader = client.uploader(part_size=PART, parallel_num=1, enable_checkpoint=True,
                               checkpoint_dir=str(checkpoints))
    with pytest.raises(UploadError) as failed:
        uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key="r", progress_fn=crash_after_three),
                             str(tmp_path / "f.bin"))
    assert isinstance(failed.value.unwrap(), Crash)
    assert received_parts == [1, 2, 3] and len(os.listdir(checkpoints)) == 1
    result = uploader.upload_file(oss.PutObjectRequest(bucket=bucket, key="r"), str(tmp_path / "f.bin"))
    assert received_parts == [1, 2, 3, 4, 5, 6, 7, 8]
    assert result.hash_crc64 == str(crc64(data)) and stored(client, bucket, "r")[0] == data
    assert os.listdir(checkpoints) == []


def test_failure_without_checkpoint_aborts_the_upload(client: oss.Client, bucket: str, tmp_path: Path) -> None:
    make_file(tmp_path / "f.bin", 4 * PART)

    def crash(increment: int, transferred: int, total: int) -> None:
        raise Crash()

    with pytest.raises(UploadError):
        client.uploader(part_size=PART, parallel_num=1).upload_file(
            oss.PutObjectRequest(bucket=bucket, key="a", progress_fn=crash), str(tmp_path / "f.bin"))
    assert client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=bucket)).uploads in (None, [])


def test_download_file_ranged_parallel_with_crc(client: oss.Client, bucket: str, tmp_path: Path) -> None:
    data = make_file(tmp_path / "f.bin", 7 * PART + 3)
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="d", body=data))
    seen: List[int] = []
    result = client.downloader(part_size=PART, parallel_num=4).download_file(
        oss.GetObjectRequest(bucket=bucket, key="d", progress_fn=lambda i, t, n: seen.append(t)),
        str(tmp_path / "out" / "d.bin"))
    assert result.written == len(data) and (tmp_path / "out" / "d.bin").read_bytes() == data
    assert seen[-1] == len(data) and not (tmp_path / "out" / "d.bin.temp").exists()


def test_download_resume_fetches_only_missing_ranges(client: oss.Client, bucket: str, tmp_path: Path) -> None:
    data = make_file(tmp_path / "f.bin", 6 * PART)
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="d", body=data))
    target = tmp_path / "d.bin"
    downloader = client.downloader(part_size=PART, parallel_num=1, enable_checkpoint=True,
                                   checkpoint_dir=str(tmp_path / "cp"))

    def crash_after_two(increment: int, transferred: int, total: int) -> None:
        if transferred >= 2 * PART:
            raise Crash()

    with pytest.raises(DownloadError):
        downloader.download_file(oss.GetObjectRequest(bucket=bucket, key="d", progress_fn=crash_after_two),
                                 str(target))
    assert not target.exists() and (tmp_path / "d.bin.temp").exists()
    ranges: List[int] = []
    downloader.download_file(oss.GetObjectRequest(bucket=bucket, key="d", progress_fn=lambda i, t, n: ranges.append(i)),
                             str(target))
    assert target.read_bytes() == data
    assert ranges[0] == 2 * PART and ranges[1:] == [PART] * 4  # the two saved parts counted once, four fetched


def test_download_fails_when_the_object_changes(client: oss.Client, bucket: str, tmp_path: Path) -> None:
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="c", body=b"a" * 4 * PART))

    def replace_object(increment: int, transferred: int, total: int) -> None:
        if transferred == PART:
            client.put_object(oss.PutObjectRequest(bucket=bucket, key="c", body=b"b" * 4 * PART))

    with pytest.raises(DownloadError) as failed:
        client.downloader(part_size=PART, parallel_num=1).download_file(
            oss.GetObjectRequest(bucket=bucket, key="c", progress_fn=replace_object), str(tmp_path / "c"))
    assert "PreconditionFailed" in str(failed.value) and not (tmp_path / "c").exists()


@pytest.mark.parametrize("threshold", [10 * PART, PART])
def test_copier_single_and_multipart(client: oss.Client, bucket: str, threshold: int) -> None:
    data = bytes(range(256)) * (3 * PART // 256) + b"tail"
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="src", body=data, metadata={"k": "v"},
                                           content_type="text/x-test"))
    result = client.copier(part_size=PART, multipart_copy_threshold=threshold).copy(
        oss.CopyObjectRequest(bucket=bucket, key="dst", source_key="src"))
    assert (result.upload_id is None) == (threshold > len(data))
    assert result.hash_crc64 == str(crc64(data))
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="dst"))
    assert got.body.read() == data and got.metadata == {"k": "v"} and got.content_type == "text/x-test"


def test_copier_of_a_missing_source_fails(client: oss.Client, bucket: str) -> None:
    with pytest.raises(CopyError) as failed:
        client.copier().copy(oss.CopyObjectRequest(bucket=bucket, key="dst", source_key="nope"))
    assert "404" in str(failed.value) or "NoSuchKey" in str(failed.value)


def test_async_transfer_manager_moves_the_same_objects(emu: Emulator, client: oss.Client, bucket: str,
                                                       tmp_path: Path, received_parts: List[int]) -> None:
    data = make_file(tmp_path / "f.bin", 5 * PART + 11)

    async def scenario() -> None:
        async with oss.AsyncClient(oss_config(emu)) as aclient:
            up = await aclient.uploader(part_size=PART, parallel_num=3).upload_file(
                oss.PutObjectRequest(bucket=bucket, key="a"), str(tmp_path / "f.bin"))
            assert up.hash_crc64 == str(crc64(data))
            down = await aclient.downloader(part_size=PART, parallel_num=3).download_file(
                oss.GetObjectRequest(bucket=bucket, key="a"), str(tmp_path / "back.bin"))
            assert down.written == len(data)
            copied = await aclient.copier(part_size=PART, multipart_copy_threshold=PART).copy(
                oss.CopyObjectRequest(bucket=bucket, key="a2", source_key="a"))
            assert copied.upload_id and copied.hash_crc64 == up.hash_crc64

    asyncio.run(scenario())
    assert sorted(received_parts) == sorted([1, 2, 3, 4, 5, 6] * 2)  # six parts uploaded, six copied
    assert (tmp_path / "back.bin").read_bytes() == data
    assert stored(client, bucket, "a")[0] == data and stored(client, bucket, "a2")[0] == data
