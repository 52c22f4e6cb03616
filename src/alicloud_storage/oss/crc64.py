"""CRC-64 as OSS computes it (``x-oss-hash-crc64ecma``): CRC-64/XZ, i.e. ECMA-182
reflected, init and xorout all ones; the header carries the unsigned decimal value.

The bytes go through ``fastcrc`` (compiled, ~14 GB/s here, against ~0.4 GB/s for
crcmod); :func:`combine` joins the CRCs of two pieces (parts of a multipart upload)
without their bytes, by the GF(2) matrix method of zlib's ``crc32_combine``.
"""
from __future__ import annotations

import threading
from typing import List, Union

import fastcrc

__all__ = ["POLY_REFLECTED", "Buffer", "Crc64", "crc64", "combine"]

POLY_REFLECTED = 0xC96C5795D7870F42
"""0x42F0E1EBA9EA3693 (ECMA-182) bit-reversed."""

Buffer = Union[bytes, bytearray, memoryview]
_xz = fastcrc.crc64.xz


def crc64(data: Buffer, crc: int = 0) -> int:
    """CRC-64/XZ of ``data``, continuing from ``crc`` (the CRC of the bytes before it)."""
    return _xz(data, crc) if crc else _xz(data)


class Crc64:
    """Running CRC-64 over a stream: ``update`` with each chunk, read ``value``."""

    __slots__ = ("value",)

    def __init__(self, value: int = 0) -> None:
        self.value = value

    def update(self, data: Buffer) -> None:
        """Add ``data`` to the checksum."""
        self.value = _xz(data, self.value) if self.value else _xz(data)

    def write(self, data: Buffer) -> int:
        """File-like ``update`` (a tee target); returns the number of bytes taken."""
        self.update(data)
        return len(data)

    def __repr__(self) -> str:
        return f"Crc64({self.value})"


def _times(matrix: List[int], vector: int) -> int:
    total = 0
    i = 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _square(matrix: List[int]) -> List[int]:
    return [_times(matrix, row) for row in matrix]


def _one_zero_bit() -> List[int]:
    return [POLY_REFLECTED] + [1 << (n - 1) for n in range(1, 64)]


_ZERO_BYTE_OPERATORS: List[List[int]] = []
_OPERATORS_LOCK = threading.Lock()


def _operators(count: int) -> List[List[int]]:
    """Operators for 1, 2, 4, ... zero bytes (cached: each is the square of the last)."""
    if len(_ZERO_BYTE_OPERATORS) < count:
        with _OPERATORS_LOCK:
            if not _ZERO_BYTE_OPERATORS:
                op = _square(_square(_square(_one_zero_bit())))  # 8 zero bits = one zero byte
                _ZERO_BYTE_OPERATORS.append(op)
            while len(_ZERO_BYTE_OPERATORS) < count:
                _ZERO_BYTE_OPERATORS.append(_square(_ZERO_BYTE_OPERATORS[-1]))
    return _ZERO_BYTE_OPERATORS


def combine(crc_a: int, crc_b: int, length_b: int) -> int:
    """CRC of A followed by B from the CRC of A, the CRC of B and B's length in bytes."""
    if length_b <= 0:
        return crc_a
    operators = _operators(length_b.bit_length())
    i = 0
    while length_b:
        if length_b & 1:
            crc_a = _times(operators[i], crc_a)
        length_b >>= 1
        i += 1
    return crc_a ^ crc_b
