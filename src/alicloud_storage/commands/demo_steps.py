"""What every demo story's steps share: a failed step, a skipped step, a check."""
from __future__ import annotations

__all__ = ["StepFailed", "StepSkipped", "expect"]


class StepFailed(Exception):
    """A step did not give the expected result."""


class StepSkipped(Exception):
    """A step that cannot run against this target (said so, never faked)."""


def expect(condition: bool, message: str) -> None:
    """Fail the current step with ``message`` unless ``condition`` holds."""
    if not condition:
        raise StepFailed(message)
