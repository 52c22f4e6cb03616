"""OSS credentials providers: the official names over our credentials layer."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from alicloud_storage import credentials as shared
from alicloud_storage.oss import credentials
from alicloud_storage.oss.exceptions import CredentialsEmptyError


def test_environment_variables_read_at_each_call() -> None:
    env = {"OSS_ACCESS_KEY_ID": "id", "OSS_ACCESS_KEY_SECRET": "s3cr3t-value"}
    provider = credentials.EnvironmentVariableCredentialsProvider(environ=env)
    assert provider.get_credentials().access_key_id == "id"
    env.update(OSS_ACCESS_KEY_ID="id2", OSS_SESSION_TOKEN="t0k3n-value")
    got = provider.get_credentials()
    assert (got.access_key_id, got.security_token) == ("id2", "t0k3n-value")
    assert "s3cr3t-value" not in repr(got) and "t0k3n-value" not in repr(got)
    with pytest.raises(CredentialsEmptyError):
        credentials.EnvironmentVariableCredentialsProvider(environ={"OSS_ACCESS_KEY_ID": "id"})


def test_static_anonymous_func_and_shared_providers() -> None:
    static = credentials.StaticCredentialsProvider("ak", "sk", "tok")
    assert static.get_credentials().security_token == "tok"
    anonymous = credentials.AnonymousCredentialsProvider().get_credentials()
    assert not credentials.has_keys(anonymous)
    official_style = SimpleNamespace(access_key_id="a", access_key_secret="b", security_token=None)
    func = credentials.CredentialsProviderFunc(lambda: official_style)
    assert credentials.has_keys(func.get_credentials()) and func.get_credentials().access_key_id == "a"
    for name in [n for n in shared.__all__ if n.endswith(("Provider", "Chain"))]:
        assert getattr(credentials, name) is getattr(shared, name)
