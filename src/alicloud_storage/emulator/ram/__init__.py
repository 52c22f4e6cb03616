"""Emulated RAM: who is calling (identity store) and may they (policy decision).

Interface used by every service front of the emulator:
    principal = iam.resolve(access_key_id, security_token)   # raises AuthenticationError
    iam.is_allowed(principal, action, resource, context)     # -> bool
"""
from __future__ import annotations

from alicloud_storage.emulator.ram.iam import AssumedRole, Iam
from alicloud_storage.emulator.ram.identity import AuthenticationError, Principal, RamError
from alicloud_storage.emulator.ram.policy import Decision, PolicyError, parse_policy

__all__ = [
    "AssumedRole", "AuthenticationError", "Decision", "Iam", "PolicyError", "Principal",
    "RamError", "parse_policy",
]
