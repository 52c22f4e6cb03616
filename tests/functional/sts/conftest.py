"""An emulator loaded with examples/emulator-ram.json (two instances, users, roles, policies)."""
from __future__ import annotations

import importlib.util
import logging
from typing import Iterator

import pytest

from alicloud_storage.emulator import Emulator
from sts_helpers import EXAMPLE


# Files driving official SDKs run only where those SDKs are installed.
collect_ignore_glob = [
    name for name, modules in (
        ("test_sts_official*.py", ("alibabacloud_sts20150401", "alibabacloud_credentials")),
        ("test_sts_user_flow.py", ("tablestore",)),
    ) if any(importlib.util.find_spec(module) is None for module in modules)
]

logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """A fresh emulator per test module, RAM declared by the example config file."""
    with Emulator(memory=True, config=EXAMPLE) as emulator:
        yield emulator
