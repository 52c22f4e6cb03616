"""STS client: AssumeRole and GetCallerIdentity over the RPC protocol (JSON answers)."""
from alicloud_storage.sts.client import AsyncStsClient, StsClient
from alicloud_storage.sts.errors import StsClientError, StsError, StsServiceError
from alicloud_storage.sts.factory import DefaultStsClientFactory
from alicloud_storage.sts.protocol import AssumeRoleResult, CallerIdentity

__all__ = [
    "AssumeRoleResult",
    "AsyncStsClient",
    "CallerIdentity",
    "DefaultStsClientFactory",
    "StsClient",
    "StsClientError",
    "StsError",
    "StsServiceError",
]
