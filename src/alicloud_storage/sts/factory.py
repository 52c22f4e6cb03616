"""The STS clients a RAM-role credentials provider calls (its default STS client factory).

``credentials`` knows no service: ``RamRoleArnCredentialsProvider`` takes any object of
this shape (``credentials.ram_role.StsClientFactory``); the package root makes this one
its default.
"""
from __future__ import annotations

from typing import Optional, Tuple, Type

from alicloud_storage.credentials.base import CredentialsProvider
from alicloud_storage.sts.client import AsyncStsClient, StsClient
from alicloud_storage.sts.errors import StsError

__all__ = ["DefaultStsClientFactory"]


class DefaultStsClientFactory:
    """Makes our StsClient / AsyncStsClient; their failures are StsError."""

    errors: Tuple[Type[Exception], ...] = (StsError,)

    def client(self, source: CredentialsProvider, endpoint: Optional[str], region: Optional[str]) -> StsClient:
        """A blocking client signing with ``source`` (the provider keeps it for its life)."""
        return StsClient(source, endpoint, region=region)

    def async_client(
        self, source: CredentialsProvider, endpoint: Optional[str], region: Optional[str]
    ) -> AsyncStsClient:
        """An asyncio client signing with ``source`` (the provider closes it after one refresh)."""
        return AsyncStsClient(source, endpoint, region=region)

    def __repr__(self) -> str:
        return "DefaultStsClientFactory()"
