"""What a retry decision looks at: the failed attempt and the call around it."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Optional

__all__ = ["RetryContext", "RetryReason"]


class RetryReason(enum.Enum):
    """Why a failure may be retried (a backoff may wait longer for throttling)."""

    THROTTLING = "throttling"  # the service asks to slow down
    TRANSIENT = "transient"  # a passing service-side failure (5xx, contention)
    NETWORK = "network"  # no answer: connection failure or timeout


@dataclass(frozen=True)
class RetryContext:
    """One failed attempt of a call. ``attempt`` counts the attempts made so far (1 after
    the first); ``elapsed`` is seconds since the call started, on the injected clock."""

    attempt: int
    error: BaseException
    operation: str = ""
    idempotent: bool = False
    replayable: bool = True  # the request body can be sent again
    elapsed: float = 0.0
    response: Optional[Any] = None  # the service's answer, when there was one
