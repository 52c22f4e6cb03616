"""Every constructor argument is validated at construction with a clear OTSClientError."""
from __future__ import annotations

import ssl

import pytest

from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient, OTSClientError, WriteRetryPolicy

ENDPOINT, AK, SK, INSTANCE = "https://inst.cn-hangzhou.ots.aliyuncs.com", "ak-id", "sk-secret-value", "inst"


@pytest.mark.parametrize("cls", [OTSClient, AsyncOTSClient])
@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("endpoint", AK, SK, INSTANCE), {}, "protocol of end_point must be 'http' or 'https'"),
        (("ftp://host", AK, SK, INSTANCE), {}, "protocol of end_point must be 'http' or 'https'"),
        (("https://", AK, SK, INSTANCE), {}, "host of end_point should be specified"),
        (("http://host:99999", AK, SK, INSTANCE), {}, "invalid port"),
        (("http://host/?a=b", AK, SK, INSTANCE), {}, "query string"),
        ((None, AK, SK, INSTANCE), {}, "end_point must be a non-empty str"),
        ((ENDPOINT, AK, SK, ""), {}, "instance_name must be a non-empty str"),
        ((ENDPOINT, AK, SK, None), {}, "instance_name must be a non-empty str"),
        ((ENDPOINT, None, SK, INSTANCE), {}, "access_key_id must be a non-empty str"),
        ((ENDPOINT, AK, "", INSTANCE), {}, "access_key_secret must be a non-empty str"),
        ((ENDPOINT, None, None, INSTANCE), {"credentials_provider": object()}, "credentials_provider must be"),
        ((ENDPOINT, AK, SK, INSTANCE), {"sts_token": 5}, "sts_token must be a str"),
        ((ENDPOINT, AK, SK, INSTANCE), {"socket_timeout": 0}, "socket_timeout must be a positive int or float"),
        ((ENDPOINT, AK, SK, INSTANCE), {"socket_timeout": "5"}, "socket_timeout must be a positive"),
        ((ENDPOINT, AK, SK, INSTANCE), {"socket_timeout": True}, "socket_timeout must be a positive"),
        ((ENDPOINT, AK, SK, INSTANCE), {"max_connection": 0}, "max_connection must be a positive int"),
        ((ENDPOINT, AK, SK, INSTANCE), {"max_connection": 2.5}, "max_connection must be a positive int"),
        ((ENDPOINT, AK, SK, INSTANCE), {"retry_policy": object()}, "retry_policy must be a RetryPolicy"),
        ((ENDPOINT, AK, SK, INSTANCE), {"encoding": "no-such-codec"}, "unknown encoding"),
        ((ENDPOINT, AK, SK, INSTANCE), {"logger_name": 3}, "logger_name must be a str"),
        ((ENDPOINT, AK, SK, INSTANCE), {"ssl_version": "TLSv9"}, "invalid TLS settings"),
        ((ENDPOINT, AK, SK, INSTANCE), {"ca_certs": "/no/such/bundle.pem"}, "ca_certs must name a readable"),
        ((ENDPOINT, AK, SK, INSTANCE), {"verify": "yes"}, "verify must be a bool"),
        ((ENDPOINT, AK, SK, INSTANCE), {"region": ""}, "region must be a non-empty str"),
        ((ENDPOINT, AK, SK, INSTANCE), {"sign_date": "20240101"}, "need region"),
        ((ENDPOINT, AK, SK, INSTANCE), {"region": "cn-hangzhou", "sign_date": "2024-01-01"}, "YYYYMMDD"),
        ((ENDPOINT, AK, SK, INSTANCE), {"region": "cn-hangzhou", "auto_update_v4_sign": "yes"}, "must be a bool"),
        ((ENDPOINT, AK, SK, INSTANCE), {"socket_timout": 5}, "unknown keyword argument(s): socket_timout"),
        ((ENDPOINT, AK, SK, INSTANCE), {"extra_headers": {"x-ots-a": 1}}, "extra_headers must be a dict of str"),
        ((ENDPOINT, AK, SK, INSTANCE), {"transport": object()}, "transport must be a"),
    ],
)
def test_bad_arguments_are_rejected_at_construction(cls, args, kwargs, message):
    with pytest.raises(OTSClientError) as caught:
        cls(*args, **kwargs)
    assert message in str(caught.value)
    assert SK not in str(caught.value)


def test_documented_keywords_and_defaults_are_accepted():
    client = OTSClient(
        ENDPOINT, AK, SK, INSTANCE, sts_token="token-value", encoding="utf8", socket_timeout=2.5, max_connection=8,
        logger_name="table_store.log", retry_policy=WriteRetryPolicy(), ssl_version=ssl.PROTOCOL_TLSv1_2,
    )
    assert client.logger.name == "table_store.log"
    assert isinstance(client.retry_policy, WriteRetryPolicy)
    assert client._config.timeout.read == 2.5 and client._config.max_connection == 8
    text = repr(client)
    assert "inst" in text and SK not in text and "token-value" not in text
    default = OTSClient(ENDPOINT, AK, SK, INSTANCE)
    assert default._config.timeout.read == 50 and default._config.max_connection == 50
    assert type(default.retry_policy).__name__ == "DefaultRetryPolicy"
    client.close()
    default.close()


def test_a_credentials_provider_replaces_the_key_arguments():
    provider = StaticCredentialsProvider(AK, SK, "token")
    client = OTSClient(ENDPOINT, instance_name=INSTANCE, credentials_provider=provider, region="cn-hangzhou",
                       sign_date="20240101", auto_update_v4_sign=False)
    assert client.credentials_provider is provider
    assert "signature=V4" in repr(client)
    client.close()


def test_endpoint_path_prefix_and_port_are_kept():
    client = OTSClient("http://host:8080/prefix/", AK, SK, INSTANCE)
    assert client._config.base_url == "http://host:8080/prefix"
    client.close()
