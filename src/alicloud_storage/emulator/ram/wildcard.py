"""Wildcard matching of RAM actions, resources and StringLike values."""
from __future__ import annotations

__all__ = ["wildcard_match"]


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """True when ``value`` matches ``pattern`` entirely (``*`` any run, ``?`` one char).

    Linear backtracking to the last ``*`` only (O(len(pattern) * len(value)) at worst): a
    pattern such as ``*a*a*a*a*b`` cannot make a request spin the way a regex would."""
    if pattern == "*":
        return True
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    p = v = 0
    star, mark = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, v
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == value[v]):
            p += 1
            v += 1
        elif star >= 0:
            mark += 1
            p, v = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)
