"""Every hostile case of hostile_cases.py against an in-process emulator (exact status and code,
then an ordinary request served promptly)."""
from __future__ import annotations

import pytest

import hostile_cases  # noqa: F401  (registers the cases)
from hardening_helpers import CASES, Target


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile(target: Target, name: str) -> None:
    CASES[name](target)
