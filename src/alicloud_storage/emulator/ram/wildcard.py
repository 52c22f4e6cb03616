"""Wildcard matching of RAM actions, resources and StringLike values."""
from __future__ import annotations

import functools
import re

__all__ = ["wildcard_match"]


@functools.lru_cache(maxsize=4096)
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(regex, (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """True when ``value`` matches ``pattern`` entirely (``*`` any run, ``?`` one char)."""
    return _pattern(pattern, ignore_case).fullmatch(value) is not None
