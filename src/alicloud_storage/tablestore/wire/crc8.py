"""CRC-8 of the PlainBuffer format (poly 0x07, init 0, no reflection, no xor-out).

Short inputs run a table loop; long ones use the CRC's linearity: with poly
``x^8+x^2+x+1`` a zero byte shifts the state by a map of order 127, so bytes whose
distances from the end agree modulo 127 can be XOR-folded together (C-speed big-int
arithmetic) before the table loop runs over at most 127 bytes.
"""
from __future__ import annotations

__all__ = ["CRC8_TABLE", "crc8"]


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        table.append(crc)
    return tuple(table)


CRC8_TABLE: tuple[int, ...] = _make_table()
"""``CRC8_TABLE[crc ^ byte]`` is the state after feeding ``byte`` to state ``crc``."""

_PERIOD = 127  # order of the "feed one zero byte" map for this polynomial
_FOLD_FROM = 256  # below this length the plain table loop is faster


def crc8(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """Feed ``data`` to the CRC-8 state ``crc`` and return the new state."""
    table = CRC8_TABLE
    size = len(data)
    if size < _FOLD_FROM:
        for byte in data:
            crc = table[crc ^ byte]
        return crc
    # Starting from state s equals starting from 0 with s XORed into the first byte.
    folded = int.from_bytes(data, "big") ^ (crc << (8 * (size - 1)))
    blocks = -(-size // _PERIOD)
    while blocks > 1:
        low_blocks = blocks // 2
        shift = 8 * _PERIOD * low_blocks
        folded = (folded >> shift) ^ (folded & ((1 << shift) - 1))
        blocks -= low_blocks
    crc = 0
    for byte in folded.to_bytes(_PERIOD, "big"):
        crc = table[crc ^ byte]
    return crc
