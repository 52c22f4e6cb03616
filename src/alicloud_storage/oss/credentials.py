"""Credentials providers for the OSS client: the names of ``alibabacloud_oss_v2.credentials``
on top of the project's one credentials layer, whose providers (RAM role via STS, ECS
metadata, profile files, the default chain, ...) are all usable here too.

A provider written for alibabacloud_oss_v2 (any object whose ``get_credentials()`` returns
something with ``access_key_id``, ``access_key_secret`` and ``security_token``) works as is.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Optional

from alicloud_storage.credentials import (
    ConfigFileCredentialsProvider,
    Credentials,
    CredentialsError,
    CredentialsProvider,
    CredentialsProviderChain,
    DefaultCredentialsProvider,
    EcsRamRoleCredentialsProvider,
    EnvironmentCredentialsProvider,
    EnvVarSet,
    FunctionComputeCredentialsProvider,
    ProfileCredentialsProvider,
    RamRoleArnCredentialsProvider,
    RefreshableCredentialsProvider,
    StaticCredentialsProvider,
    UriCredentialsProvider,
)
from alicloud_storage.oss.exceptions import CredentialsEmptyError

__all__ = [
    "AnonymousCredentialsProvider",
    "ConfigFileCredentialsProvider",
    "Credentials",
    "CredentialsError",
    "CredentialsProvider",
    "CredentialsProviderChain",
    "CredentialsProviderFunc",
    "DefaultCredentialsProvider",
    "EcsRamRoleCredentialsProvider",
    "EnvironmentCredentialsProvider",
    "EnvironmentVariableCredentialsProvider",
    "FunctionComputeCredentialsProvider",
    "OSS_ENV_VARS",
    "ProfileCredentialsProvider",
    "RamRoleArnCredentialsProvider",
    "RefreshableCredentialsProvider",
    "StaticCredentialsProvider",
    "UriCredentialsProvider",
    "has_keys",
    "snapshot",
]

OSS_ENV_VARS = EnvVarSet("OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN")


class AnonymousCredentialsProvider(CredentialsProvider):
    """No keys: requests go unsigned (public-read buckets, presigned work elsewhere)."""

    def get_credentials(self) -> Credentials:
        return Credentials("", "", provider_name="anonymous")

    def __repr__(self) -> str:
        return "AnonymousCredentialsProvider()"


class EnvironmentVariableCredentialsProvider(EnvironmentCredentialsProvider):
    """OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and optional OSS_SESSION_TOKEN; refused at
    construction when unset (as alibabacloud_oss_v2), read again at every call."""

    def __init__(self, environ: Optional[Mapping[str, str]] = None) -> None:
        super().__init__(environ, (OSS_ENV_VARS,))
        env = os.environ if environ is None else environ
        if not env.get(OSS_ENV_VARS.access_key_id) or not env.get(OSS_ENV_VARS.access_key_secret):
            raise CredentialsEmptyError()

    def __repr__(self) -> str:
        return "EnvironmentVariableCredentialsProvider()"


class CredentialsProviderFunc(CredentialsProvider):
    """A function returning credentials, as a provider."""

    def __init__(self, func: Callable[[], Any]) -> None:
        self._func = func

    def get_credentials(self) -> Credentials:
        return snapshot(self._func())

    def __repr__(self) -> str:
        return f"CredentialsProviderFunc({getattr(self._func, '__name__', 'func')})"


def snapshot(value: Any) -> Credentials:
    """Our frozen Credentials from any credentials object with the usual attributes."""
    if isinstance(value, Credentials):
        return value
    token = getattr(value, "security_token", None)
    return Credentials(
        str(getattr(value, "access_key_id", "") or ""),
        str(getattr(value, "access_key_secret", "") or ""),
        str(token) if token else None,
        provider_name=type(value).__name__,
    )


def has_keys(credentials: Credentials) -> bool:
    """True when the key id and secret are both set (else the request is anonymous)."""
    return bool(credentials.access_key_id and credentials.access_key_secret)
