"""The RAM-role provider gets its STS clients from a factory: credentials never import sts.

A fake factory stands in for STS here (the real one is driven against the emulator in
tests/functional/sts); the import checks read the source and a fresh interpreter.
"""
from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Type

import pytest

import alicloud_storage.credentials as credentials_package
from alicloud_storage.credentials import (
    Credentials,
    CredentialsError,
    RamRoleArnCredentialsProvider,
    StaticCredentialsProvider,
)
from alicloud_storage.credentials.ram_role import default_sts_client_factory

SOURCE = StaticCredentialsProvider("AKID", "secret")
ARN = "acs:ram::1:role/reader"


class Refused(Exception):
    pass


@dataclass(frozen=True)
class Assumed:
    credentials: Credentials


class FakeSts:
    """Records calls; answers credentials valid for an hour, or raises ``failure``."""

    def __init__(self, log: List[tuple], failure: Optional[Exception]) -> None:
        self.log = log
        self.failure = failure

    def _answer(self, *args: object) -> Assumed:
        self.log.append(("assume_role", *args))
        if self.failure is not None:
            raise self.failure
        return Assumed(Credentials("STS.id", "sts-secret", "token", 10_000.0 + 3600, "ram_role_arn"))

    def assume_role(self, *args: object) -> Assumed:
        return self._answer(*args)

    def close(self) -> None:
        self.log.append(("close",))


class AsyncFakeSts(FakeSts):
    async def assume_role(self, *args: object) -> Assumed:  # type: ignore[override]
        return self._answer(*args)

    async def close(self) -> None:  # type: ignore[override]
        self.log.append(("aclose",))


class FakeFactory:
    errors: Tuple[Type[Exception], ...] = (Refused,)

    def __init__(self, failure: Optional[Exception] = None) -> None:
        self.log: List[tuple] = []
        self.failure = failure

    def client(self, source: object, endpoint: Optional[str], region: Optional[str]) -> FakeSts:
        self.log.append(("client", source, endpoint, region))
        return FakeSts(self.log, self.failure)

    def async_client(self, source: object, endpoint: Optional[str], region: Optional[str]) -> AsyncFakeSts:
        self.log.append(("async_client", source, endpoint, region))
        return AsyncFakeSts(self.log, self.failure)


def provider(factory: FakeFactory) -> RamRoleArnCredentialsProvider:
    return RamRoleArnCredentialsProvider(SOURCE, ARN, "s", 900, sts_endpoint="http://sts.test", sts_region="cn-x",
                                         sts_client_factory=factory, clock=lambda: 10_000.0)


def test_the_provider_assumes_the_role_through_the_factorys_client() -> None:
    factory = FakeFactory()
    role = provider(factory)
    assert role.get_credentials().access_key_id == "STS.id"
    assert role.get_credentials().access_key_id == "STS.id"  # cached: one client, one AssumeRole
    assert factory.log == [("client", SOURCE, "http://sts.test", "cn-x"), ("assume_role", ARN, "s", 900, None, None)]
    role.close()
    assert factory.log[-1] == ("close",)


def test_the_async_path_uses_a_client_per_refresh_and_closes_it() -> None:
    factory = FakeFactory()
    assert asyncio.run(provider(factory).get_credentials_async()).security_token == "token"
    assert [entry[0] for entry in factory.log] == ["async_client", "assume_role", "aclose"]


def test_the_factorys_errors_become_credentials_errors() -> None:
    factory = FakeFactory(Refused("NoPermission: not allowed"))
    with pytest.raises(CredentialsError, match=f"AssumeRole of {ARN} failed: NoPermission: not allowed"):
        provider(factory).get_credentials()
    with pytest.raises(CredentialsError, match="NoPermission"):
        asyncio.run(provider(factory).get_credentials_async())
    other = FakeFactory(KeyError("a bug"))
    with pytest.raises(KeyError):  # not an STS failure: not disguised as one
        provider(other).get_credentials()


def test_without_a_factory_the_package_roots_default_is_our_sts_client() -> None:
    from alicloud_storage.sts import DefaultStsClientFactory, StsClient, StsError

    factory = default_sts_client_factory()
    assert isinstance(factory, DefaultStsClientFactory) and factory.errors == (StsError,)
    client = factory.client(SOURCE, "http://127.0.0.1:9", None)
    assert isinstance(client, StsClient) and client.url == "http://127.0.0.1:9/"
    client.close()


def _imported_modules(path: Path) -> List[str]:
    """Every module an import statement of ``path`` names, at any level (functions and
    TYPE_CHECKING blocks included)."""
    names: List[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_credentials_module_imports_sts_anywhere() -> None:
    files = sorted(Path(credentials_package.__file__).parent.rglob("*.py"))
    assert len(files) >= 8
    offenders = {
        f"{path.name}: {name}"
        for path in files
        for name in _imported_modules(path)
        if name == "alicloud_storage.sts" or name.startswith("alicloud_storage.sts.")
    }
    assert not offenders


def test_building_and_importing_the_provider_loads_no_sts_module() -> None:
    probe = (
        "import sys\n"
        "from alicloud_storage.credentials import RamRoleArnCredentialsProvider, StaticCredentialsProvider\n"
        f"RamRoleArnCredentialsProvider(StaticCredentialsProvider('a', 'b'), {ARN!r}, 'session')\n"
        "print(sorted(m for m in sys.modules if m.startswith('alicloud_storage.sts')))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
