"""Who is calling: the Principal, and the errors of identity and RAM operations."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from alicloud_storage.emulator.ram.policy import Policy

__all__ = ["AuthenticationError", "Principal", "RamError"]


class AuthenticationError(Exception):
    """Unknown key, wrong token or expired token. ``reason`` never holds a secret;
    ``code`` is the STS-style error code a front may answer with."""

    def __init__(self, reason: str, code: str = "InvalidAccessKeyId.NotFound") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class RamError(Exception):
    """A RAM or STS operation refused: service error ``code``, ``message``, HTTP status."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class Principal:
    """The caller behind an access key. ``secret`` is what its signature is checked with.

    For ``assumed-role`` principals ``name`` is the role name, ``session_name`` the
    RoleSessionName and ``session_policy`` the inline policy given to AssumeRole."""

    kind: str  # "root" | "user" | "assumed-role"
    account_id: str
    name: str
    arn: str
    access_key_id: str
    secret: str = field(repr=False)
    principal_id: str = ""
    session_name: Optional[str] = None
    session_policy: Optional[Policy] = None
    expiration: Optional[float] = None

    @property
    def is_root(self) -> bool:
        return self.kind == "root"

    @property
    def trust_arns(self) -> tuple[str, ...]:
        """The ARNs a role trust policy may name to trust this caller."""
        root = f"acs:ram::{self.account_id}:root"
        if self.kind == "user":
            return (self.arn, root)
        if self.kind == "assumed-role":
            return (f"acs:ram::{self.account_id}:role/{self.name.lower()}", root)
        return (root,)
