"""Credentials from environment variables, in the sets the user documents name.

The environment is read at every call (an injected mapping in tests), never at import.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider

__all__ = ["EnvVarSet", "ENV_VAR_SETS", "EnvironmentCredentialsProvider"]


@dataclass(frozen=True)
class EnvVarSet:
    """Names of one documented set of variables (token optional)."""

    access_key_id: str
    access_key_secret: str
    security_token: Optional[str]


# Tried in this order; the first set whose key id is set wins.
ENV_VAR_SETS: tuple[EnvVarSet, ...] = (
    EnvVarSet("TABLESTORE_ACCESS_KEY_ID", "TABLESTORE_ACCESS_KEY_SECRET", "TABLESTORE_SESSION_TOKEN"),
    EnvVarSet("OTS_AK_ENV", "OTS_SK_ENV", None),
    EnvVarSet("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
              "ALIBABA_CLOUD_SECURITY_TOKEN"),
    EnvVarSet("OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN"),
)


class EnvironmentCredentialsProvider(CredentialsProvider):
    """The first documented variable set present in the environment."""

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        var_sets: Sequence[EnvVarSet] = ENV_VAR_SETS,
    ) -> None:
        self._environ = environ
        self._var_sets = tuple(var_sets)

    def get_credentials(self) -> Credentials:
        env = os.environ if self._environ is None else self._environ
        for names in self._var_sets:
            key_id = env.get(names.access_key_id, "").strip()
            if not key_id:
                continue
            secret = env.get(names.access_key_secret, "").strip()
            if not secret:
                raise CredentialsError(
                    f"{names.access_key_id} is set but {names.access_key_secret} is not"
                )
            token = env.get(names.security_token, "").strip() if names.security_token else ""
            return Credentials(
                key_id, secret, token or None, provider_name=f"env:{names.access_key_id}"
            )
        tried = ", ".join(names.access_key_id for names in self._var_sets)
        raise CredentialsError(f"none of the environment variables {tried} is set")

    def __repr__(self) -> str:
        return "EnvironmentCredentialsProvider()"
