"""Helpers shared by the STS/RAM functional tests (a uniquely named module, so importing it
does not depend on which conftest.py pytest put first on sys.path)."""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import Tuple

from alicloud_storage.emulator import Emulator

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "emulator-ram.json"
ASSUMER = ("LTAI5tExampleAssumerKey", "ExampleAssumerSecretChangeMe000")  # from the example file

_names = itertools.count(1)


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
