"""open_file (seekable reader, with and without prefetch) and append_file against the emulator."""
from __future__ import annotations

import io
import os

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.oss.exceptions import OperationError, ParamInvalidError

CHUNK = 64 * 1024


@pytest.mark.parametrize("prefetch", [False, True])
def test_open_file_reads_seeks_and_prefetches(client: oss.Client, bucket: str, prefetch: bool) -> None:
    data = os.urandom(10 * CHUNK + 123)
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="r", body=data))
    with client.open_file(bucket, "r", enable_prefetch=prefetch, chunk_size=CHUNK, prefetch_num=3,
                          prefetch_threshold=0) as file:
        assert file.name == f"{bucket}/r" and file.mode == "rb" and file.seekable()
        assert file.read(10) == data[:10]
        assert file.read(CHUNK) == data[10:CHUNK + 10]
        file.seek(-100, io.SEEK_END)
        assert file.tell() == len(data) - 100 and file.read() == data[-100:] and file.read(5) == b""
        file.seek(3 * CHUNK - 5)
        buffer = bytearray(10)
        assert file.readinto(buffer) == 10 and bytes(buffer) == data[3 * CHUNK - 5:3 * CHUNK + 5]
        file.seek(0)
        assert file.read() == data
        with pytest.raises(ParamInvalidError):
            file.seek(-1)
    assert file.closed
    with pytest.raises(ValueError):
        file.read(1)


def test_open_file_refuses_a_changed_object(client: oss.Client, bucket: str) -> None:
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="r", body=b"x" * 3 * CHUNK))
    file = client.open_file(bucket, "r", chunk_size=CHUNK)
    assert file.read(1) == b"x"
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="r", body=b"y" * 3 * CHUNK))
    with pytest.raises(OperationError) as failed:
        file.read(2 * CHUNK)
    assert "PreconditionFailed" in str(failed.value)


def test_append_file_creates_then_continues(client: oss.Client, bucket: str) -> None:
    with client.append_file(bucket, "log", create_parameter=oss.AppendObjectRequest(content_type="text/plain")) as f:
        assert f.tell() == 0 and f.writable() and f.mode == "ab"
        assert f.write(b"one\n") == 4
        f.write_from("two\n")
    with client.append_file(bucket, "log") as again:
        assert again.tell() == 8
        again.write(b"three\n")
    got = client.get_object(oss.GetObjectRequest(bucket=bucket, key="log"))
    assert got.body.read() == b"one\ntwo\nthree\n" and got.content_type == "text/plain"
    client.put_object(oss.PutObjectRequest(bucket=bucket, key="normal", body=b"x"))
    with pytest.raises(ParamInvalidError):
        client.append_file(bucket, "normal")
