"""Streamed bodies: files go up as files (rewound and re-checked on a retry), iterators go
up chunked and are never resent, downloads stream with the CRC-64 checked at the end."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, List, Optional

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.http import Request, Response, Timeout
from alicloud_storage.oss.crc64 import crc64
from oss_client_helpers import Shell, make_config
from oss_server import OssServer

B = "stream-bucket"


def test_file_body_streams_and_is_rewound_for_a_retry(shell: Shell, server: OssServer, tmp_path: Path) -> None:
    shell.put_bucket(oss.PutBucketRequest(bucket=B))
    data = bytes(range(256)) * 4096  # 1 MiB
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    server.faults.append((503, "ServiceUnavailable"))
    seen: List[int] = []
    with open(path, "rb") as file:
        result = shell.put_object(oss.PutObjectRequest(bucket=B, key="big.bin", body=file,
                                                       progress_fn=lambda inc, done, total: seen.append(done)))
    assert result.hash_crc64 == str(crc64(data)) and server.buckets[B].objects["big.bin"].data == data
    assert seen[-1] == len(data)
    lengths = [h.get("Content-Length") for m, _, h in server.requests if m == "PUT"][-2:]
    assert lengths == [str(len(data))] * 2  # both attempts sent the whole file


def test_iterator_body_goes_chunked_and_is_not_resent(shell: Shell, server: OssServer) -> None:
    shell.put_bucket(oss.PutBucketRequest(bucket=B))
    server.requests.clear()
    shell.put_object(oss.PutObjectRequest(bucket=B, key="it", body=iter([b"a" * 1000, b"b" * 5])))
    assert server.buckets[B].objects["it"].data == b"a" * 1000 + b"b" * 5
    assert server.requests[-1][2].get("Transfer-Encoding") == "chunked"
    server.requests.clear()
    server.faults.append((503, "ServiceUnavailable"))
    with pytest.raises(oss.exceptions.OperationError) as info:
        shell.put_object(oss.PutObjectRequest(bucket=B, key="it", body=iter([b"x"])))
    assert info.value.unwrap().status_code == 503 and len(server.requests) == 1


def test_download_streams_in_pieces(shell: Shell, server: OssServer) -> None:
    shell.put_bucket(oss.PutBucketRequest(bucket=B))
    data = bytes(range(256)) * 1000
    shell.put_object(oss.PutObjectRequest(bucket=B, key="d", body=data))
    progress: List[int] = []
    got = shell.get_object(oss.GetObjectRequest(bucket=B, key="d",
                                                progress_fn=lambda inc, done, total: progress.append(done)))
    first = shell.read_some(got.body, 1000)
    assert first == data[:1000]
    assert first + shell.read(got.body) == data and progress[-1] == len(data)
    server.wrong_crc = True
    bad = shell.get_object(oss.GetObjectRequest(bucket=B, key="d"))
    with pytest.raises(oss.exceptions.InconsistentError):
        shell.read(bad.body)
    partial = shell.get_object(oss.GetObjectRequest(bucket=B, key="d", range_header="bytes=0-9"))
    assert shell.read(partial.body) == data[:10]  # no whole-object CRC check on a range
    early = shell.get_object(oss.GetObjectRequest(bucket=B, key="d"))
    shell.close_body(early.body)


class SendOnly:
    """A custom HTTP client with only send(): the requests it was given are kept."""

    def __init__(self) -> None:
        self.requests: List[Request] = []

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        self.requests.append(request)
        body = b"".join(request.iter_body())
        return Response(200, "OK", {"x-oss-hash-crc64ecma": str(crc64(body)), "content-length": str(len(body))},
                        body if request.method == "GET" else b"")

    def close(self) -> None:
        pass


def test_the_transport_gets_the_file_not_its_bytes(server: OssServer, tmp_path: Path) -> None:
    recorder = SendOnly()
    client = oss.Client(make_config(server, http_client=recorder))
    path = tmp_path / "f.bin"
    path.write_bytes(b"z" * 5000)
    with open(path, "rb") as file:
        client.put_object(oss.PutObjectRequest(bucket=B, key="f", body=file))
    sent = recorder.requests[-1]
    assert not isinstance(sent.body, bytes) and sent.body_length == 5000
    client.put_object(oss.PutObjectRequest(bucket=B, key="g", body=io.BytesIO(b"q" * 10)))
    assert recorder.requests[-1].body_length == 10
    got = client.get_object(oss.GetObjectRequest(bucket=B, key="g"))  # send-only client: whole body, streamed view
    assert got.body.read() == b"" and got.status_code == 200
