"""CRC-64/XZ (OSS x-oss-hash-crc64ecma) and its combine, on the catalogue check values,
the worked examples of reference/oss-facts.md §4 and random splits."""
from __future__ import annotations

import os
import random

import pytest

from alicloud_storage.oss.crc64 import Crc64, combine, crc64


@pytest.mark.parametrize("data, expected", [
    (b"", 0),
    (b"123456789", 0x995DC9BBDF1939FA),  # CRC-64/XZ catalogue check value
    (b"hello world", 5981764153023615706),
    (b"a" * 10, 13499980944775473734),
])
def test_known_values(data: bytes, expected: int) -> None:
    assert crc64(data) == expected
    running = Crc64()
    for i in range(len(data)):
        running.update(data[i:i + 1])
    assert running.value == expected


def test_buffers_of_every_kind_and_continuation() -> None:
    data = os.urandom(10_000)
    assert crc64(bytearray(data)) == crc64(memoryview(data)) == crc64(data)
    assert crc64(data[4000:], crc64(data[:4000])) == crc64(data)
    tee = Crc64()
    assert tee.write(data[:10]) == 10
    tee.update(memoryview(data)[10:])
    assert tee.value == crc64(data) and repr(tee) == f"Crc64({crc64(data)})"


def test_combine_matches_the_whole() -> None:
    assert combine(crc64(b"hello "), crc64(b"world"), 5) == 5981764153023615706
    parts = [b"a" * 102400, b"b" * 5]
    assert combine(crc64(parts[0]), crc64(parts[1]), 5) == 16831424763004318582 == crc64(b"".join(parts))
    assert combine(crc64(b"x"), 0, 0) == crc64(b"x")
    rng = random.Random(7)
    for _ in range(30):
        a = os.urandom(rng.randrange(0, 3000))
        b = os.urandom(rng.choice([0, 1, 2, 3, 255, 256, 4097, rng.randrange(1, 70_000)]))
        assert combine(crc64(a), crc64(b), len(b)) == crc64(a + b)


def test_combine_of_many_parts() -> None:
    chunks = [os.urandom(n) for n in (6 * 1024 * 1024, 100, 1 << 17, 1)]
    total = 0
    for chunk in chunks:
        total = combine(total, crc64(chunk), len(chunk))
    assert total == crc64(b"".join(chunks))


@pytest.mark.official
def test_same_values_as_the_official_sdks() -> None:
    from alibabacloud_oss_v2.crc import Crc64 as OfficialCrc64
    from oss2.utils import Crc64 as Oss2Crc64

    data = os.urandom(70_001)
    official = OfficialCrc64(0)
    official.update(data)
    legacy = Oss2Crc64()
    legacy.update(data)
    assert crc64(data) == official.sum64() == legacy.crc
    split = 12_345
    assert combine(crc64(data[:split]), crc64(data[split:]), len(data) - split) == OfficialCrc64.combine(
        crc64(data[:split]), crc64(data[split:]), len(data) - split)
