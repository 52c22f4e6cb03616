"""A 1 GiB object, generated on the fly, up and down through the emulator (files under its
data directory) while its peak resident memory grows by less than 64 MiB."""
from __future__ import annotations

import http.client
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

from alicloud_storage.oss.crc64 import Crc64
from oss_emulator_helpers import ServedOss

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status"),
]

SIZE = 1 << 30
CHUNK = 1 << 20


def body(crc: Crc64) -> Iterator[bytes]:
    block = os.urandom(CHUNK)
    for i in range(SIZE // CHUNK):
        piece = block[:8] + i.to_bytes(8, "big") + block[16:]  # every MiB differs
        crc.update(piece)
        yield piece


def test_one_gib_up_and_down_in_bounded_memory(tmp_path: Path) -> None:
    served = ServedOss(tmp_path)
    try:
        raw = served.raw
        assert raw.request("PUT", "mem-bucket").status == 200
        baseline = served.peak_rss_mib()
        sent = Crc64()
        headers = raw.signed("PUT", "mem-bucket", "big.bin",
                             headers={"Content-Length": str(SIZE)})
        connection = http.client.HTTPConnection(raw.host, raw.port, timeout=120)
        connection.request("PUT", "/mem-bucket/big.bin", body=body(sent), headers=headers)
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200
        assert answer.getheader("x-oss-hash-crc64ecma") == str(sent.value)
        connection.request("GET", "/mem-bucket/big.bin",
                           headers=raw.signed("GET", "mem-bucket", "big.bin"))
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Content-Length") == str(SIZE)
        received, size = Crc64(), 0
        while True:
            chunk = answer.read(CHUNK)
            if not chunk:
                break
            received.update(chunk)
            size += len(chunk)
        connection.close()
        assert (size, received.value) == (SIZE, sent.value)
        growth = served.peak_rss_mib() - baseline
        assert growth < 64, f"peak RSS grew by {growth:.0f} MiB"
        stored = [p for shard in (tmp_path / "oss" / "blobs").iterdir() for p in shard.iterdir()]
        assert [p.stat().st_size for p in stored] == [SIZE]
    finally:
        served.stop()
