"""Happy paths and failure messages of the static, environment, config-file, profile and
Function Compute providers."""
from __future__ import annotations

import os
import types
from pathlib import Path

import pytest

from alicloud_storage.credentials import (
    ConfigFileCredentialsProvider,
    CredentialsError,
    EcsRamRoleCredentialsProvider,
    EnvironmentCredentialsProvider,
    FunctionComputeCredentialsProvider,
    ProfileCredentialsProvider,
    RamRoleArnCredentialsProvider,
    StaticCredentialsProvider,
)

SECRET = "s3cr3t-Value-That-Must-Not-Leak"
TOKEN = "CAIS-token-That-Must-Not-Leak"


def test_static_provider_with_and_without_token() -> None:
    creds = StaticCredentialsProvider("AK", SECRET, TOKEN).get_credentials()
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("AK", SECRET, TOKEN)
    assert StaticCredentialsProvider("AK", SECRET).get_credentials().security_token is None
    with pytest.raises(CredentialsError, match="non-empty"):
        StaticCredentialsProvider("AK", "")


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"TABLESTORE_ACCESS_KEY_ID": "t", "TABLESTORE_ACCESS_KEY_SECRET": SECRET,
          "TABLESTORE_SESSION_TOKEN": TOKEN}, ("t", TOKEN, "env:TABLESTORE_ACCESS_KEY_ID")),
        ({"OTS_AK_ENV": "o", "OTS_SK_ENV": SECRET}, ("o", None, "env:OTS_AK_ENV")),
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "a", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
          "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN}, ("a", TOKEN, "env:ALIBABA_CLOUD_ACCESS_KEY_ID")),
        ({"OSS_ACCESS_KEY_ID": "s", "OSS_ACCESS_KEY_SECRET": SECRET}, ("s", None, "env:OSS_ACCESS_KEY_ID")),
    ],
)
def test_environment_sets(env: dict, expected: tuple) -> None:
    creds = EnvironmentCredentialsProvider(env).get_credentials()
    assert (creds.access_key_id, creds.security_token, creds.provider_name) == expected
    assert creds.access_key_secret == SECRET


def test_environment_order_and_call_time_reading() -> None:
    env = {"OSS_ACCESS_KEY_ID": "oss", "OSS_ACCESS_KEY_SECRET": SECRET}
    provider = EnvironmentCredentialsProvider(env)
    assert provider.get_credentials().access_key_id == "oss"
    env.update({"TABLESTORE_ACCESS_KEY_ID": "ts", "TABLESTORE_ACCESS_KEY_SECRET": SECRET})
    assert provider.get_credentials().access_key_id == "ts"


def test_environment_failures_name_variables_not_values() -> None:
    with pytest.raises(CredentialsError) as missing:
        EnvironmentCredentialsProvider({}).get_credentials()
    assert "TABLESTORE_ACCESS_KEY_ID" in str(missing.value) and "OSS_ACCESS_KEY_ID" in str(missing.value)
    with pytest.raises(CredentialsError, match="TABLESTORE_ACCESS_KEY_ID is set but TABLESTORE_ACCESS_KEY_SECRET"):
        EnvironmentCredentialsProvider({"TABLESTORE_ACCESS_KEY_ID": "id-value"}).get_credentials()


def test_environment_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("TABLESTORE_", "OTS_", "ALIBABA_CLOUD_", "OSS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OTS_AK_ENV", "from-os")
    monkeypatch.setenv("OTS_SK_ENV", SECRET)
    assert EnvironmentCredentialsProvider().get_credentials().access_key_id == "from-os"


def test_config_ini_of_the_user_document(tmp_path: Path) -> None:
    path = tmp_path / "config.ini"
    path.write_text(
        "[configName]\nTABLESTORE_ACCESS_KEY_ID = your_id\n"
        f"TABLESTORE_ACCESS_KEY_SECRET = {SECRET}\nTABLESTORE_SESSION_TOKEN = {TOKEN}\n"
    )
    provider = ConfigFileCredentialsProvider(str(path), "configName")
    creds = provider.get_credentials()
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("your_id", SECRET, TOKEN)
    path.write_text("[configName]\nTABLESTORE_ACCESS_KEY_ID = changed-and-longer\n"
                    f"TABLESTORE_ACCESS_KEY_SECRET = {SECRET}\n")
    creds = provider.get_credentials()
    assert creds.access_key_id == "changed-and-longer" and creds.security_token is None


def test_config_ini_failures(tmp_path: Path) -> None:
    path = tmp_path / "config.ini"
    with pytest.raises(CredentialsError, match="does not exist"):
        ConfigFileCredentialsProvider(str(path), "configName").get_credentials()
    path.write_text(f"[other]\nTABLESTORE_ACCESS_KEY_SECRET = {SECRET}\n")
    with pytest.raises(CredentialsError, match=r"has no section \[configName\]"):
        ConfigFileCredentialsProvider(str(path), "configName").get_credentials()
    with pytest.raises(CredentialsError, match="has no TABLESTORE_ACCESS_KEY_ID"):
        ConfigFileCredentialsProvider(str(path), "other").get_credentials()
    path.write_text("not an ini file\n")
    with pytest.raises(CredentialsError, match="not a valid ini"):
        ConfigFileCredentialsProvider(str(path), "other").get_credentials()


PROFILES = f"""
[default]
type = access_key
access_key_id = default-id
access_key_secret = {SECRET}   # comment dropped

[temp]
type = sts
access_key_id = STS.temp
access_key_secret = {SECRET}
security_token = {TOKEN}

[role]
type = ram_role_arn
access_key_id = role-source
access_key_secret = {SECRET}
role_arn = acs:ram::1:role/r
role_session_name = sess
duration_seconds = 1800
policy = {{"Version": "1", "Statement": []}}

[ecs]
type = ecs_ram_role
role_name = EcsRole

[odd]
type = rsa_key_pair

[broken]
type = sts
access_key_id = x
access_key_secret = {SECRET}
"""


def test_profile_file_types(tmp_path: Path) -> None:
    path = tmp_path / "credentials.ini"
    path.write_text(PROFILES)
    env = {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(path)}
    creds = ProfileCredentialsProvider(environ=env).get_credentials()
    assert (creds.access_key_id, creds.access_key_secret) == ("default-id", SECRET)
    env["ALIBABA_CLOUD_PROFILE"] = "temp"
    assert ProfileCredentialsProvider(environ=env).get_credentials().security_token == TOKEN
    role = ProfileCredentialsProvider(str(path), "role").provider()
    assert isinstance(role, RamRoleArnCredentialsProvider)
    assert (role.role_arn, role.role_session_name, role.duration_seconds) == ("acs:ram::1:role/r", "sess", 1800)
    ecs = ProfileCredentialsProvider(str(path), "ecs", ecs_metadata_endpoint="http://127.0.0.1:9").provider()
    assert isinstance(ecs, EcsRamRoleCredentialsProvider)
    assert (ecs.role_name, ecs.endpoint) == ("EcsRole", "http://127.0.0.1:9")


def test_profile_file_failures(tmp_path: Path) -> None:
    path = tmp_path / "credentials.ini"
    with pytest.raises(CredentialsError, match="does not exist"):
        ProfileCredentialsProvider(str(path)).get_credentials()
    path.write_text(PROFILES)
    with pytest.raises(CredentialsError, match=r"no section \[nope\]"):
        ProfileCredentialsProvider(str(path), "nope").get_credentials()
    with pytest.raises(CredentialsError, match="type 'rsa_key_pair'; supported: access_key, sts"):
        ProfileCredentialsProvider(str(path), "odd").get_credentials()
    with pytest.raises(CredentialsError, match=r"section \[broken\] of .* has no security_token"):
        ProfileCredentialsProvider(str(path), "broken").get_credentials()


def test_profile_default_path_is_under_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".alibabacloud").mkdir()
    (tmp_path / ".alibabacloud" / "credentials.ini").write_text(PROFILES)
    assert ProfileCredentialsProvider(environ={}).get_credentials().access_key_id == "default-id"


def test_function_compute_context() -> None:
    creds = types.SimpleNamespace(access_key_id="STS.fc", access_key_secret=SECRET, security_token=TOKEN)
    context = types.SimpleNamespace(credentials=creds)
    got = FunctionComputeCredentialsProvider(context).get_credentials()
    assert (got.access_key_id, got.security_token, got.provider_name) == ("STS.fc", TOKEN, "function_compute")
    with pytest.raises(CredentialsError, match="no credentials"):
        FunctionComputeCredentialsProvider(types.SimpleNamespace()).get_credentials()
    context.credentials = types.SimpleNamespace(access_key_id="x", access_key_secret="", security_token=None)
    with pytest.raises(CredentialsError, match="no access_key_secret"):
        FunctionComputeCredentialsProvider(context).get_credentials()


def test_reprs_hold_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "credentials.ini"
    path.write_text(PROFILES)
    objects = [
        StaticCredentialsProvider("AK", SECRET, TOKEN),
        StaticCredentialsProvider("AK", SECRET, TOKEN).get_credentials(),
        EnvironmentCredentialsProvider({"OTS_AK_ENV": "a", "OTS_SK_ENV": SECRET}),
        ProfileCredentialsProvider(str(path), "role").provider(),
        ProfileCredentialsProvider(str(path), "temp"),
    ]
    for obj in objects:
        assert SECRET not in repr(obj) and TOKEN not in repr(obj) and SECRET not in str(obj)
