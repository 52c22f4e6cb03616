"""An emulator loaded with examples/emulator-ram.json (two instances, users, roles, policies)."""
from __future__ import annotations

import importlib.util
import itertools
import logging
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from alicloud_storage.emulator import Emulator

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "emulator-ram.json"
ASSUMER = ("LTAI5tExampleAssumerKey", "ExampleAssumerSecretChangeMe000")  # from the example file

# Files driving official SDKs run only where those SDKs are installed.
collect_ignore_glob = [
    name for name, modules in (
        ("test_sts_official*.py", ("alibabacloud_sts20150401", "alibabacloud_credentials")),
        ("test_sts_user_flow.py", ("tablestore",)),
    ) if any(importlib.util.find_spec(module) is None for module in modules)
]

logging.getLogger("tablestore-client").setLevel(logging.CRITICAL)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """A fresh emulator per test module, RAM declared by the example config file."""
    with Emulator(memory=True, config=EXAMPLE) as emulator:
        yield emulator


def unique(prefix: str) -> str:
    """A name no other test of the session uses."""
    return f"{prefix}{next(_names)}"


def new_user(emu: Emulator, *policies: str) -> Tuple[str, str]:
    """A fresh RAM user with these policies; returns its AccessKey pair."""
    name = unique("user")
    emu.iam.create_user(name)
    for policy in policies:
        emu.iam.attach_policy(policy, user=name)
    return emu.iam.create_access_key(name)


def role_arn(emu: Emulator, name: str) -> str:
    return f"acs:ram::{emu.account_id}:role/{name.lower()}"
