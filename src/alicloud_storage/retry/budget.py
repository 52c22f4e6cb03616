"""A retry budget: a token bucket shared by the calls of a client (botocore's RetryQuota).

Each retry takes ``retry_cost`` tokens and is refused when too few are left, so a
failing service sees a few retries rather than a retry storm; a success puts tokens back
(``retry_cost`` after a retried call, ``success_refund`` after a first-try success), up
to ``capacity``.
"""
from __future__ import annotations

import threading

__all__ = ["RetryBudget"]


class RetryBudget:
    """Thread-safe token bucket; the lock is never held across a pause or an await."""

    def __init__(self, capacity: int = 500, retry_cost: int = 5, success_refund: int = 1) -> None:
        if capacity < 0 or retry_cost < 0 or success_refund < 0:
            raise ValueError("capacity, retry_cost and success_refund must not be negative")
        self.capacity = capacity
        self.retry_cost = retry_cost
        self.success_refund = success_refund
        self._available = capacity
        self._lock = threading.Lock()

    @property
    def available(self) -> int:
        """Tokens left now."""
        return self._available

    def acquire(self) -> bool:
        """Take the cost of one retry; False (nothing taken) when the budget is spent."""
        with self._lock:
            if self._available < self.retry_cost:
                return False
            self._available -= self.retry_cost
            return True

    def release(self, retried: bool) -> None:
        """A call succeeded (after retries, or at once): put tokens back."""
        with self._lock:
            refund = self.retry_cost if retried else self.success_refund
            self._available = min(self.capacity, self._available + refund)

    def __repr__(self) -> str:
        return f"RetryBudget(available={self._available}, capacity={self.capacity}, retry_cost={self.retry_cost})"
