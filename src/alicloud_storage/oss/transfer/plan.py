"""Planning shared by every transfer: parts of an object, progress, request fields carried over."""
from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from alicloud_storage.oss.crc64 import combine
from alicloud_storage.oss.transfer.checkpoint import DonePart
from alicloud_storage.oss.transfer.models import MAX_PARTS

__all__ = ["PartSpan", "fit_part_size", "split", "Progress", "combined_crc", "carry", "header_value"]


@dataclass(frozen=True)
class PartSpan:
    """One part: its number (from 1), offset and size in the object."""

    number: int
    offset: int
    size: int

    @property
    def range_header(self) -> str:
        """``bytes=first-last``."""
        return f"bytes={self.offset}-{self.offset + self.size - 1}"


def fit_part_size(part_size: int, total: int) -> int:
    """``part_size``, grown when ``total`` would need more than 10,000 parts."""
    while total > part_size * MAX_PARTS:
        part_size *= 2
    return part_size


def split(total: int, part_size: int) -> List[PartSpan]:
    """The parts of ``total`` bytes."""
    return [PartSpan(i // part_size + 1, i, min(part_size, total - i)) for i in range(0, total, part_size)]


class Progress:
    """Reports ``(increment, transferred, total)`` to a callback, from any thread."""

    def __init__(self, callback: Optional[Callable[[int, int, int], Any]], total: int) -> None:
        self._callback = callback
        self._total = total
        self._done = 0
        self._lock = threading.Lock()

    def add(self, increment: int) -> None:
        """Count ``increment`` more bytes as transferred."""
        if increment <= 0:
            return
        with self._lock:
            self._done += increment
            if self._callback is not None:
                self._callback(increment, self._done, self._total)


def combined_crc(parts: List[DonePart], spans: Dict[int, PartSpan]) -> int:
    """The whole object's CRC-64 from its parts' CRCs, in part order."""
    crc = 0
    for part in sorted(parts, key=lambda p: p.number):
        crc = combine(crc, part.crc64, spans[part.number].size)
    return crc


def carry(source: Any, target_type: type, **changes: Any) -> Any:
    """A ``target_type`` request with the fields it shares with ``source`` (then ``changes``)."""
    names = {f.name for f in dataclasses.fields(target_type)}
    values = {f.name: getattr(source, f.name) for f in dataclasses.fields(source)
              if f.name in names and f.init}
    values.update(changes)
    return target_type(**values)


def header_value(headers: Dict[str, str], name: str) -> Optional[str]:
    """A response header by case-insensitive name."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)
