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
        values = {name: getattr(creds, name, None) or None
                  for name in ("access_key_id", "access_key_secret", "security_token")}
        missing = [name for name in ("access_key_id", "access_key_secret") if not values[name]]
        if missing:
            raise CredentialsError(f"context.credentials has no {' and '.join(missing)}")
        return Credentials(
            values["access_key_id"], values["access_key_secret"], values["security_token"],
            provider_name="function_compute",
        )

    def __repr__(self) -> str:
        return "FunctionComputeCredentialsProvider()"
