"""Credentials snapshot and the provider interface shared by every client."""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

__all__ = [
    "EXPIRATION_FORMAT",
    "Credentials",
    "CredentialsProvider",
    "StaticCredentialsProvider",
    "CredentialsError",
    "parse_expiration",
    "format_expiration",
]

EXPIRATION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class CredentialsError(Exception):
    """No usable credentials could be obtained (the message never holds a secret)."""


@dataclass(frozen=True)
class Credentials:
    """An immutable snapshot to sign one request with: the key id and secret never
    come from different refreshes. ``expiration`` is a Unix timestamp or None."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: Optional[str] = field(default=None, repr=False)
    expiration: Optional[float] = None
    provider_name: str = "static"

    def __repr__(self) -> str:
        token = "None" if self.security_token is None else "'***'"
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, access_key_secret='***', "
            f"security_token={token}, expiration={self.expiration!r}, "
            f"provider_name={self.provider_name!r})"
        )

    # Accessors with the official tablestore SDK's names.
    def get_access_key_id(self) -> str:
        return self.access_key_id

    def get_access_key_secret(self) -> str:
        return self.access_key_secret

    def get_security_token(self) -> Optional[str]:
        return self.security_token


def parse_expiration(text: object) -> float:
    """Epoch seconds of an ``Expiration`` as STS and the metadata service write it
    (``YYYY-MM-DDThh:mm:ssZ``, UTC; also the RPC ``Timestamp``); raises ValueError otherwise."""
    moment = datetime.strptime(str(text), EXPIRATION_FORMAT)
    return moment.replace(tzinfo=timezone.utc).timestamp()


def format_expiration(epoch: float) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` (UTC) of epoch seconds: the inverse of parse_expiration."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime(EXPIRATION_FORMAT)


class CredentialsProvider(abc.ABC):
    """Gives a fresh-enough Credentials snapshot. Async callers use
    ``get_credentials_async`` so a refresh never blocks the event loop."""

    @abc.abstractmethod
    def get_credentials(self) -> Credentials:
        """Return credentials valid for signing a request now."""

    async def get_credentials_async(self) -> Credentials:
        return self.get_credentials()


class StaticCredentialsProvider(CredentialsProvider):
    """A fixed key pair, optionally with an STS security token."""

    def __init__(
        self, access_key_id: str, access_key_secret: str, security_token: Optional[str] = None
    ) -> None:
        if not access_key_id or not access_key_secret:
            raise CredentialsError("access_key_id and access_key_secret must be non-empty strings")
        self._credentials = Credentials(access_key_id, access_key_secret, security_token or None)

    def get_credentials(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticCredentialsProvider(access_key_id={self._credentials.access_key_id!r})"
