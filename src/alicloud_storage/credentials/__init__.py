"""One credentials layer for every client (Tablestore, STS, later OSS).

A provider's ``get_credentials()`` (or ``await get_credentials_async()``) returns a frozen
``Credentials`` snapshot to sign one request with. See docs/credentials.md.
"""
from alicloud_storage.credentials.base import (
    Credentials,
    CredentialsError,
    CredentialsProvider,
    StaticCredentialsProvider,
)
from alicloud_storage.credentials.chain import (
    ChainFailure,
    CredentialsProviderChain,
    DefaultCredentialsProvider,
)
from alicloud_storage.credentials.env import ENV_VAR_SETS, EnvironmentCredentialsProvider, EnvVarSet
from alicloud_storage.credentials.fc import FunctionComputeCredentialsProvider
from alicloud_storage.credentials.files import ConfigFileCredentialsProvider, ProfileCredentialsProvider
from alicloud_storage.credentials.ram_role import RamRoleArnCredentialsProvider
from alicloud_storage.credentials.refreshable import RefreshableCredentialsProvider
from alicloud_storage.credentials.remote import EcsRamRoleCredentialsProvider, UriCredentialsProvider

__all__ = [
    "ChainFailure",
    "ConfigFileCredentialsProvider",
    "Credentials",
    "CredentialsError",
    "CredentialsProvider",
    "CredentialsProviderChain",
    "DefaultCredentialsProvider",
    "ENV_VAR_SETS",
    "EcsRamRoleCredentialsProvider",
    "EnvVarSet",
    "EnvironmentCredentialsProvider",
    "FunctionComputeCredentialsProvider",
    "ProfileCredentialsProvider",
    "RamRoleArnCredentialsProvider",
    "RefreshableCredentialsProvider",
    "StaticCredentialsProvider",
    "UriCredentialsProvider",
]
