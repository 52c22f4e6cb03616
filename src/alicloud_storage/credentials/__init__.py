"""One credentials layer for every client (Tablestore, STS, later OSS)."""
from alicloud_storage.credentials.base import (
    Credentials,
    CredentialsError,
    CredentialsProvider,
    StaticCredentialsProvider,
)

__all__ = ["Credentials", "CredentialsError", "CredentialsProvider", "StaticCredentialsProvider"]
