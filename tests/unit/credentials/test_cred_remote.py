"""ECS instance RAM role (IMDSv2 token flow and v1 fallback) and credentials URI providers,
against a loopback stand-in of the metadata service (never 100.100.100.200)."""
from __future__ import annotations

import asyncio

import pytest

from alicloud_storage.credentials import (
    CredentialsError,
    EcsRamRoleCredentialsProvider,
    UriCredentialsProvider,
)

from metadata_server import TOKEN, FakeMetadata


def test_ecs_token_flow_discovers_the_role() -> None:
    with FakeMetadata() as imds:
        creds = EcsRamRoleCredentialsProvider(endpoint=imds.url).get_credentials()
    assert (creds.access_key_id, creds.security_token, creds.provider_name) == (
        "STS.ecs", "ecs-token-value", "ecs_ram_role")
    assert imds.seen == [
        ("PUT", "/latest/api/token", "21600"),
        ("GET", "/latest/meta-data/ram/security-credentials/", TOKEN),
        ("PUT", "/latest/api/token", "21600"),
        ("GET", "/latest/meta-data/ram/security-credentials/EcsRole", TOKEN),
    ]


def test_ecs_falls_back_to_v1_without_tokens() -> None:
    with FakeMetadata(tokens=False) as imds:
        creds = EcsRamRoleCredentialsProvider("EcsRole", endpoint=imds.url).get_credentials()
    assert creds.access_key_id == "STS.ecs"
    assert ("GET", "/latest/meta-data/ram/security-credentials/EcsRole", None) in imds.seen


def test_ecs_v1_disabled_fails_with_reason() -> None:
    with FakeMetadata(tokens=False) as imds:
        provider = EcsRamRoleCredentialsProvider.from_environ(
            {"ALIBABA_CLOUD_ECS_METADATA": "EcsRole", "ALIBABA_CLOUD_IMDSV1_DISABLED": "true"},
            endpoint=imds.url,
        )
        with pytest.raises(CredentialsError, match=r"token request failed \(HTTP 403\) and IMDSv1 is disabled"):
            provider.get_credentials()


def test_ecs_failures_name_the_step_not_the_values() -> None:
    with FakeMetadata() as imds:
        imds.credentials["Code"] = "Failed"
        with pytest.raises(CredentialsError, match="answered Code='Failed'") as bad:
            EcsRamRoleCredentialsProvider("EcsRole", endpoint=imds.url).get_credentials()
        assert "ecs-secret-value" not in str(bad.value)
        with pytest.raises(CredentialsError, match="credentials request answered HTTP 404"):
            EcsRamRoleCredentialsProvider("Other", endpoint=imds.url).get_credentials()
    with pytest.raises(CredentialsError, match="token request failed"):
        # nothing listens there any more: connection refused
        EcsRamRoleCredentialsProvider("EcsRole", endpoint=imds.url, imdsv1_disabled=True).get_credentials()


def test_ecs_async_path() -> None:
    with FakeMetadata() as imds:
        provider = EcsRamRoleCredentialsProvider(endpoint=imds.url)
        creds = asyncio.run(provider.get_credentials_async())
    assert creds.access_key_id == "STS.ecs"


def test_uri_provider() -> None:
    with FakeMetadata() as server:
        provider = UriCredentialsProvider(server.url + "/uri")
        assert provider.get_credentials().access_key_id == "STS.ecs"
        assert "uri" not in repr(provider).lower().replace("uricredentialsprovider(uri=", "")
        server.status = 500
        with pytest.raises(CredentialsError, match="credentials URI answered HTTP 500"):
            UriCredentialsProvider(server.url + "/uri").get_credentials()
        server.status = 200
        del server.credentials["SecurityToken"]
        with pytest.raises(CredentialsError, match="without SecurityToken"):
            UriCredentialsProvider(server.url + "/uri").get_credentials()
        server.credentials["SecurityToken"] = "t"
        server.credentials["Expiration"] = "tomorrow"
        with pytest.raises(CredentialsError, match="malformed Expiration"):
            UriCredentialsProvider(server.url + "/uri").get_credentials()
