"""RAM policy condition operators (String*, Numeric*, Date*, Bool, IpAddress).

All keys of a condition block must be met (AND); several values of one key are
alternatives (OR). A key absent from the request context leaves the condition unmet.
Keys compare case-insensitively, as condition keys do on the real service.
"""
from __future__ import annotations

import ipaddress
import operator
from datetime import datetime, timezone
from typing import Callable, Mapping, Optional

from alicloud_storage.emulator.ram.wildcard import wildcard_match

__all__ = ["OPERATORS", "condition_met", "known_key"]


def _number(value: str) -> Optional[float]:
    try:
        return float(value)
    except ValueError:
        return None


def _parse_time(value: str) -> Optional[float]:
    """Epoch seconds of an ISO 8601 date (``Z`` or offset) or of a numeric epoch."""
    number = _number(value)
    if number is not None:
        return number
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _ip_in(actual: str, expected: str) -> bool:
    try:
        return ipaddress.ip_address(actual) in ipaddress.ip_network(expected, strict=False)
    except ValueError:
        return False


def _compare(
    parse: Callable[[str], Optional[float]], op: Callable[[float, float], bool]
) -> Callable[[str, str], bool]:
    def test(actual: str, expected: str) -> bool:
        left, right = parse(actual), parse(expected)
        return left is not None and right is not None and op(left, right)

    return test


_POSITIVE: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda a, e: a == e,
    "StringEqualsIgnoreCase": lambda a, e: a.lower() == e.lower(),
    "StringLike": lambda a, e: wildcard_match(e, a),
    "NumericEquals": _compare(_number, operator.eq),
    "NumericLessThan": _compare(_number, operator.lt),
    "NumericLessThanEquals": _compare(_number, operator.le),
    "NumericGreaterThan": _compare(_number, operator.gt),
    "NumericGreaterThanEquals": _compare(_number, operator.ge),
    "DateEquals": _compare(_parse_time, operator.eq),
    "DateLessThan": _compare(_parse_time, operator.lt),
    "DateLessThanEquals": _compare(_parse_time, operator.le),
    "DateGreaterThan": _compare(_parse_time, operator.gt),
    "DateGreaterThanEquals": _compare(_parse_time, operator.ge),
    "Bool": lambda a, e: a.lower() == e.lower(),
    "IpAddress": _ip_in,
}

# Negated operators: met when no value matches.
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
}

OPERATORS = frozenset(_POSITIVE) | frozenset(_NEGATED)

# The global condition keys (lower case): an ``acs:`` key outside this list is a misspelling.
_GLOBAL_KEYS = frozenset(key.lower() for key in (
    "acs:SourceIp", "acs:SourceVpc", "acs:SecureTransport", "acs:CurrentTime", "acs:MFAPresent",
    "acs:AccessId", "acs:PrincipalArn", "acs:UserAgent",
))
_TAG_KEYS = ("acs:requesttag/", "acs:resourcetag/")


def known_key(key: str) -> bool:
    """Whether a policy may name this condition key: a documented global ``acs:`` key (a
    misspelled one would leave its condition silently unmet), or a ``<service>:<name>`` key."""
    lowered = key.lower()
    namespace, colon, name = lowered.partition(":")
    if not (colon and name and namespace):
        return False
    if namespace != "acs":
        return True
    return lowered in _GLOBAL_KEYS or any(
        lowered.startswith(prefix) and len(lowered) > len(prefix) for prefix in _TAG_KEYS)


def _lookup(context: Mapping[str, str], key: str) -> Optional[str]:
    wanted = key.lower()
    for name, value in context.items():
        if name.lower() == wanted:
            return str(value).lower() if isinstance(value, bool) else str(value)
    return None


def condition_met(op: str, key: str, values: tuple[str, ...], context: Mapping[str, str]) -> bool:
    """Whether the request ``context`` meets ``op`` on ``key`` for any of ``values``."""
    actual = _lookup(context, key)
    if actual is None:
        return False
    if op in _NEGATED:
        test = _POSITIVE[_NEGATED[op]]
        return not any(test(actual, v) for v in values)
    test = _POSITIVE[op]
    return any(test(actual, v) for v in values)
