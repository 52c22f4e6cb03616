"""Constant-time comparison of a computed signature with one a peer sent (any text at all)."""
from __future__ import annotations

import hmac

__all__ = ["signatures_equal"]


def signatures_equal(expected: str, given: str) -> bool:
    """Whether ``given`` is ``expected``; never raises, whatever characters ``given`` holds
    (``hmac.compare_digest`` refuses non-ASCII text and lone surrogates cannot be encoded)."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))
