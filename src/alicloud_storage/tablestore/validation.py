"""Argument checks shared by the operation encoders (wide table and time series).

Each returns the checked value or raises OTSClientError with a message naming the
argument, before anything is sent.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Optional, Type, TypeVar

from alicloud_storage.tablestore.errors import OTSClientError

__all__ = ["check_name", "check_int", "coerce_enum"]

_E = TypeVar("_E", bound=Enum)


def check_name(value: Any, what: str) -> str:
    """A non-empty name (UTF-8 bytes are decoded)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str) or not value:
        raise OTSClientError(f"{what} must be a non-empty str, not {value!r}")
    return value


def check_int(value: Any, what: str, minimum: Optional[int] = None) -> int:
    """An int (not a bool), at least ``minimum`` when given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OTSClientError(f"{what} must be an int, not {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise OTSClientError(f"{what} must be >= {minimum}, not {value}")
    checked: int = value
    return checked


def coerce_enum(enum: Type[_E], value: Any, what: str) -> _E:
    """Return the member of ``enum`` equal to ``value`` or raise a clear OTSClientError."""
    try:
        return enum(value)
    except (ValueError, TypeError):
        names = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
        raise OTSClientError(f"{what} should be one of [{names}], not {value!r}") from None
