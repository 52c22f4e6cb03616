"""Credentials handed to a Function Compute handler in ``context.credentials``."""
from __future__ import annotations

from typing import Any

from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider

__all__ = ["FunctionComputeCredentialsProvider"]


class FunctionComputeCredentialsProvider(CredentialsProvider):
    """Reads ``context.credentials`` (access_key_id, access_key_secret, security_token) at
    every call, so a context whose credentials are renewed is followed."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def get_credentials(self) -> Credentials:
        creds = getattr(self._context, "credentials", None)
        if creds is None:
            raise CredentialsError(
                "the Function Compute context has no credentials (configure a role for the service)"
            )
        key_id = getattr(creds, "access_key_id", None)
        secret = getattr(creds, "access_key_secret", None)
        missing = [name for name, value in (("access_key_id", key_id), ("access_key_secret", secret))
                   if not value]
        if missing:
            raise CredentialsError(f"context.credentials has no {' and '.join(missing)}")
        return Credentials(
            str(key_id), str(secret), getattr(creds, "security_token", None) or None,
            provider_name="function_compute",
        )

    def __repr__(self) -> str:
        return "FunctionComputeCredentialsProvider()"
