"""The default chain: documented order, remembered winner, one error listing every failure."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from alicloud_storage.credentials import ChainFailure, DefaultCredentialsProvider

from metadata_server import FakeMetadata

SECRET = "chain-secret-value"


def test_environment_comes_first(tmp_path: Path) -> None:
    profile = tmp_path / "credentials.ini"
    profile.write_text(f"[default]\naccess_key_id = from-file\naccess_key_secret = {SECRET}\n")
    env = {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(profile),
           "TABLESTORE_ACCESS_KEY_ID": "from-env", "TABLESTORE_ACCESS_KEY_SECRET": SECRET}
    chain = DefaultCredentialsProvider(env)
    assert chain.get_credentials().access_key_id == "from-env"
    assert chain.provider_name == "environment"


def test_profile_then_remembered(tmp_path: Path) -> None:
    profile = tmp_path / "credentials.ini"
    profile.write_text(f"[default]\naccess_key_id = from-file\naccess_key_secret = {SECRET}\n")
    env = {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(profile)}
    chain = DefaultCredentialsProvider(env)
    assert chain.get_credentials().access_key_id == "from-file"
    assert chain.provider_name == "profile"
    env.update({"OTS_AK_ENV": "late-env", "OTS_SK_ENV": SECRET})
    assert chain.get_credentials().access_key_id == "from-file"  # the winner is remembered


def test_ecs_then_uri(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.ini")
    with FakeMetadata() as imds:
        chain = DefaultCredentialsProvider(
            {"ALIBABA_CLOUD_CREDENTIALS_FILE": missing}, ecs_metadata_endpoint=imds.url
        )
        assert chain.get_credentials().access_key_id == "STS.ecs"
        assert chain.provider_name == "ecs_ram_role"
        uri_chain = DefaultCredentialsProvider({
            "ALIBABA_CLOUD_CREDENTIALS_FILE": missing,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            "ALIBABA_CLOUD_CREDENTIALS_URI": imds.url + "/uri",
        })
        assert asyncio.run(uri_chain.get_credentials_async()).access_key_id == "STS.ecs"
        assert uri_chain.provider_name == "credentials_uri"


def test_nothing_works_one_error_lists_every_provider(tmp_path: Path) -> None:
    with FakeMetadata() as imds:
        imds.status = 404
        chain = DefaultCredentialsProvider(
            {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path / "none.ini"), "OTS_AK_ENV": "only-id"},
            ecs_metadata_endpoint=imds.url,
        )
        with pytest.raises(ChainFailure) as failure:
            chain.get_credentials()
    names = [name for name, _ in failure.value.failures]
    assert names == ["environment", "profile", "ecs_ram_role", "credentials_uri"]
    text = str(failure.value)
    assert "OTS_AK_ENV is set but OTS_SK_ENV is not" in text
    assert "none.ini does not exist" in text
    assert "credentials request answered HTTP 404" in text
    assert "ALIBABA_CLOUD_CREDENTIALS_URI is not set" in text
    assert chain.provider_name is None
