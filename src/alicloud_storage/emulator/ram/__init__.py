"""Emulated RAM: who is calling (identity store) and may they (policy decision).

Interface used by every service front of the emulator:
    principal = iam.resolve(access_key_id, security_token)   # raises AuthenticationError
    iam.is_allowed(principal, action, resource, context)     # -> bool
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Mapping, Optional

__all__ = ["Principal", "Iam", "AuthenticationError"]


class AuthenticationError(Exception):
    """Unknown key, wrong token or expired token. ``reason`` never holds a secret."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Principal:
    """The caller behind an access key. ``secret`` is what its signature is checked with."""

    kind: str  # "root" | "user" | "assumed-role"
    account_id: str
    name: str
    arn: str
    access_key_id: str
    secret: str = field(repr=False)

    @property
    def is_root(self) -> bool:
        return self.kind == "root"


class Iam:
    """All RAM state of one emulated account."""

    def __init__(self, account_id: str, root_access_key_id: str, root_access_key_secret: str) -> None:
        self.account_id = account_id
        self._root = Principal(
            "root", account_id, "root", f"acs:ram::{account_id}:root",
            root_access_key_id, root_access_key_secret,
        )

    def resolve(self, access_key_id: str, security_token: Optional[str]) -> Principal:
        if hmac.compare_digest(access_key_id, self._root.access_key_id):
            if security_token:
                raise AuthenticationError("a security token was sent with a long-term access key")
            return self._root
        raise AuthenticationError("the access key id does not exist")

    def is_allowed(
        self, principal: Principal, action: str, resource: str, context: Mapping[str, str]
    ) -> bool:
        return principal.is_root
