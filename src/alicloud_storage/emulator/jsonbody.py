"""JSON from a client, bounded before it is parsed: nesting depth, size, finite numbers only.

Admin request bodies, RAM policy documents and config files go through ``loads``: a deep
document is refused before the parser recurses, and ``NaN``, ``Infinity`` or a number too
large for a double (``1e400``) never become values an emulator field could take.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Union

__all__ = ["JsonError", "MAX_DEPTH", "check_depth", "loads"]

MAX_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class JsonError(ValueError):
    """The text is not acceptable JSON; the message never quotes it."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonError("a number is out of range")
    return value


def _no_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a JSON number")


def check_depth(text: str, max_depth: int) -> None:
    """Raise JsonError when arrays/objects nest deeper than ``max_depth`` (strings skipped)."""
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonError(f"the JSON nests deeper than {max_depth} levels")
        else:
            depth -= 1


def loads(data: Union[str, bytes], max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``data`` (UTF-8 if bytes); raises JsonError."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonError("the JSON is not UTF-8 text") from None
    check_depth(data, max_depth)
    try:
        return json.loads(data, parse_float=_finite, parse_constant=_no_constant)
    except JsonError:
        raise
    except (ValueError, RecursionError) as exc:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else "it cannot be read"
        raise JsonError(f"not valid JSON: {message}") from None
