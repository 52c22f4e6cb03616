"""The default credentials chain: the first provider that yields credentials wins.

Order (documented in docs/credentials.md):
  1. environment      TABLESTORE_*, OTS_AK_ENV/OTS_SK_ENV, ALIBABA_CLOUD_*, OSS_* variables
  2. profile          ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials.ini,
                      profile ALIBABA_CLOUD_PROFILE or "default"
  3. ecs_ram_role     the ECS metadata service (off if ALIBABA_CLOUD_ECS_METADATA_DISABLED=true)
  4. credentials_uri  ALIBABA_CLOUD_CREDENTIALS_URI, when set
The provider that worked is remembered and asked directly afterwards.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable, Mapping, Optional, Sequence

from alicloud_storage.credentials.base import Credentials, CredentialsError, CredentialsProvider
from alicloud_storage.credentials.env import EnvironmentCredentialsProvider
from alicloud_storage.credentials.files import ProfileCredentialsProvider, default_profile_path
from alicloud_storage.credentials.remote import (
    ECS_METADATA_ENDPOINT,
    EcsRamRoleCredentialsProvider,
    UriCredentialsProvider,
)

__all__ = ["CredentialsProviderChain", "DefaultCredentialsProvider", "ChainFailure", "Step"]

# A named step; the factory raises CredentialsError when its source is not configured.
Step = tuple[str, Callable[[], CredentialsProvider]]


class ChainFailure(CredentialsError):
    """No provider of the chain worked; ``failures`` holds (provider, reason) in order."""

    def __init__(self, failures: Sequence[tuple[str, str]]) -> None:
        lines = "".join(f"\n  {name}: {reason}" for name, reason in failures)
        super().__init__(f"unable to load credentials from any provider in the chain:{lines}")
        self.failures = list(failures)


class CredentialsProviderChain(CredentialsProvider):
    """Tries ``steps`` in order and remembers the first that works (``provider_name``)."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self._steps = list(steps)
        self._chosen: Optional[tuple[str, CredentialsProvider]] = None
        self._lock = threading.Lock()
        self.provider_name: Optional[str] = None

    def _choose(self) -> tuple[str, CredentialsProvider, Credentials]:
        failures = []
        for name, factory in self._steps:
            try:
                provider = factory()
                return name, provider, provider.get_credentials()
            except CredentialsError as exc:
                failures.append((name, str(exc)))
        raise ChainFailure(failures)

    def get_credentials(self) -> Credentials:
        chosen = self._chosen
        if chosen is not None:
            return chosen[1].get_credentials()
        with self._lock:
            if self._chosen is None:
                name, provider, creds = self._choose()
                self._chosen, self.provider_name = (name, provider), name
                return creds
            return self._chosen[1].get_credentials()

    async def get_credentials_async(self) -> Credentials:
        chosen = self._chosen
        if chosen is not None:
            return await chosen[1].get_credentials_async()
        # The first resolution may read files and call the metadata service: keep it off the loop.
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, self.get_credentials)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(steps={[n for n, _ in self._steps]}, chosen={self.provider_name!r})"


class DefaultCredentialsProvider(CredentialsProviderChain):
    """The documented default chain; every source reads ``environ`` at call time."""

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        *,
        ecs_metadata_endpoint: str = ECS_METADATA_ENDPOINT,
        sts_endpoint: Optional[str] = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._environ = environ
        env = self._env

        def profile() -> CredentialsProvider:
            path = default_profile_path(env())
            if not os.path.exists(path):
                raise CredentialsError(f"the file {path} does not exist")
            return ProfileCredentialsProvider(
                path, None, env(), sts_endpoint=sts_endpoint,
                ecs_metadata_endpoint=ecs_metadata_endpoint, clock=clock,
            )

        def ecs() -> CredentialsProvider:
            if env().get("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "").lower() == "true":
                raise CredentialsError("disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED=true")
            return EcsRamRoleCredentialsProvider.from_environ(
                env(), endpoint=ecs_metadata_endpoint, clock=clock
            )

        def uri() -> CredentialsProvider:
            value = env().get("ALIBABA_CLOUD_CREDENTIALS_URI")
            if not value:
                raise CredentialsError("ALIBABA_CLOUD_CREDENTIALS_URI is not set")
            return UriCredentialsProvider(value, clock=clock)

        super().__init__([
            ("environment", lambda: EnvironmentCredentialsProvider(environ)),
            ("profile", profile),
            ("ecs_ram_role", ecs),
            ("credentials_uri", uri),
        ])

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ
