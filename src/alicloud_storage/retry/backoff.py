"""Backoff strategies: the pause before retry number ``retries`` (0 before the first retry).

The exponential ceiling is ``min(cap, base * multiplier ** retries)``; the strategies
differ in how much of it they draw at random (``rng() -> [0, 1)``, injected):
full jitter ``rng() * ceiling``, equal jitter ``ceiling / 2 * (1 + rng())``, none
(exponential), or a fixed pause. The names match the OSS SDK's backoff family.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Union

__all__ = ["Backoff", "EqualJitterBackoff", "ExponentialBackoff", "FixedDelayBackoff", "FullJitterBackoff"]

_Number = Union[int, float]
# 2 ** 64 * any sane base is far past every cap: stop the exponent growing there.
_MAX_EXPONENT = 64


class Backoff(Protocol):
    """A pause length for retry number ``retries``."""

    def delay(self, retries: int, rng: Callable[[], float]) -> float:
        """Seconds to wait before retry number ``retries`` (0-based)."""


@dataclass(frozen=True)
class ExponentialBackoff:
    """``min(cap, base * multiplier ** retries)``, no jitter."""

    base: float
    cap: float
    multiplier: _Number = 2

    def ceiling(self, retries: int) -> float:
        """The capped exponential pause before retry ``retries``."""
        growth: _Number = self.multiplier ** min(max(retries, 0), _MAX_EXPONENT)
        return min(self.cap, self.base * growth)

    def delay(self, retries: int, rng: Callable[[], float]) -> float:
        return self.ceiling(retries)


@dataclass(frozen=True)
class FullJitterBackoff(ExponentialBackoff):
    """Uniform in ``[0, ceiling)``: spreads a crowd of retrying clients the most."""

    def delay(self, retries: int, rng: Callable[[], float]) -> float:
        return rng() * self.ceiling(retries)


@dataclass(frozen=True)
class EqualJitterBackoff(ExponentialBackoff):
    """Uniform in ``[ceiling / 2, ceiling)``: never much shorter than the ceiling."""

    def delay(self, retries: int, rng: Callable[[], float]) -> float:
        half = self.ceiling(retries) / 2
        return half + half * rng()


@dataclass(frozen=True)
class FixedDelayBackoff:
    """The same pause before every retry."""

    seconds: float

    def delay(self, retries: int, rng: Callable[[], float]) -> float:
        return self.seconds
