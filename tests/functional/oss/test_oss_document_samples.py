"""Every Python sample of the OSS user document (seeds/004, "configure a client") runs
with only its import changed; each built client then sends a request (to a recording HTTP
client) to the endpoint the document names, signed for its region."""
from __future__ import annotations

import textwrap
from typing import Any, Dict, List, Optional

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.http import Request, Response, Timeout
from alicloud_storage.oss import client as client_module

OFFICIAL_IMPORT = "import alibabacloud_oss_v2 as oss"
OUR_IMPORT = "import alicloud_storage.oss as oss"

HEAD = '''
import alibabacloud_oss_v2 as oss
{extra_import}
def main():
    credentials_provider = oss.credentials.EnvironmentVariableCredentialsProvider()
{body}
    client = oss.Client(cfg)
if __name__ == "__main__":
    main()
'''

LOAD = '''cfg = oss.config.load_default()
cfg.credentials_provider = credentials_provider
'''

SAMPLES: Dict[str, str] = {
    "default": LOAD + "cfg.region = 'cn-hangzhou'\n",
    "default-method-2": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.endpoint = 'https://oss-cn-hangzhou.aliyuncs.com'\n",
    "internal": LOAD + "cfg = oss.config.load_default()\ncfg.region = 'cn-hangzhou'\ncfg.use_internal_endpoint = True\n",
    "internal-method-2": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.endpoint = 'https://oss-cn-hangzhou-internal.aliyuncs.com'\n",
    "cname": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.endpoint = 'https://www.example-***.com'\ncfg.use_cname = True\n",
    "accelerate": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.use_accelerate_endpoint = True\n",
    "accelerate-method-2": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.endpoint = 'https://oss-accelerate.aliyuncs.com'\n",
    "private-domain": LOAD + "cfg.region = 'cn-hangzhou'\ncfg.endpoint = 'https://service.corp.example.com'\n",
    "finance": LOAD + "cfg.region = 'cn-hangzhou-finance'\ncfg.endpoint = 'https://oss-cn-hzjbp-a-internal.aliyuncs.com'\n",
    "gov": LOAD + "cfg.region = 'cn-north-2-gov-1'\ncfg.endpoint = 'https://oss-cn-north-2-gov-1-internal.aliyuncs.com'\n",
    "timeout": '''cfg = oss.config.load_default()
cfg.connect_timeout = 30
cfg.readwrite_timeout = 30
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
    "retry": '''cfg = oss.config.load_default()
cfg.retryer = oss.retry.StandardRetryer(max_attempts=5)
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
    "retry-backoff": '''cfg = oss.config.load_default()
cfg.retryer = oss.retry.StandardRetryer(max_backoff=25, base_delay=0.5)
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
    "retry-fixed": '''cfg = oss.config.load_default()
cfg.retryer = oss.retry.StandardRetryer(backoff_delayer=oss.retry.FixedDelayBackoff(2))
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
    "retry-nop": '''cfg = oss.config.load_default()
cfg.retryer = oss.retry.NopRetryer()
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
    "http-client": '''cfg = oss.config.load_default()
kwargs: Dict[str, Any] = {}
kwargs["connect_timeout"] = 30
kwargs["readwrite_timeout"] = 30
kwargs["max_connections"] = 1024
cfg.http_client = oss.transport.RequestsHttpClient(**kwargs)
cfg.credentials_provider = credentials_provider
cfg.region = 'cn-hangzhou'
''',
}
EXPECTED_URL = {
    "default": "https://oss-cn-hangzhou.aliyuncs.com/", "default-method-2": "https://oss-cn-hangzhou.aliyuncs.com/",
    "internal": "https://oss-cn-hangzhou-internal.aliyuncs.com/",
    "internal-method-2": "https://oss-cn-hangzhou-internal.aliyuncs.com/",
    "cname": "https://www.example-***.com/", "accelerate": "https://oss-accelerate.aliyuncs.com/",
    "accelerate-method-2": "https://oss-accelerate.aliyuncs.com/",
    "private-domain": "https://service.corp.example.com/",
    "finance": "https://oss-cn-hzjbp-a-internal.aliyuncs.com/",
    "gov": "https://oss-cn-north-2-gov-1-internal.aliyuncs.com/",
}


def source(name: str) -> str:
    extra = "from typing import Dict, Any" if name in ("timeout", "http-client") else ""
    return HEAD.format(extra_import=extra, body=textwrap.indent(SAMPLES[name], "    "))


class Recorder:
    def __init__(self) -> None:
        self.sent: List[Request] = []
        self.timeouts: List[Optional[Timeout]] = []

    def send(self, request: Request, timeout: Optional[Timeout] = None) -> Response:
        self.sent.append(request)
        self.timeouts.append(timeout)
        return Response(200, "OK", {"x-oss-request-id": "0" * 24},
                        b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>")

    def close(self) -> None:
        pass


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    monkeypatch.setenv("OSS_ACCESS_KEY_ID", "LTAIsampleKeyId")
    monkeypatch.setenv("OSS_ACCESS_KEY_SECRET", "sampleSecret")
    clients: List[Any] = []
    original = client_module.Client.__init__

    def record(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        clients.append(self)

    monkeypatch.setattr(client_module.Client, "__init__", record)
    return clients


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_runs_with_only_the_import_changed(name: str, built: List[Any]) -> None:
    code = source(name)
    assert OFFICIAL_IMPORT in code
    exec(compile(code.replace(OFFICIAL_IMPORT, OUR_IMPORT), f"<sample {name}>", "exec"), {"__name__": "__main__"})
    assert len(built) == 1
    client = built[0]
    recorder = Recorder()
    configured = client._http_client
    client._http_client = recorder
    if name == "internal":  # the document's sample reloads cfg after setting the provider
        with pytest.raises(oss.exceptions.OperationError) as info:
            client.list_buckets(oss.ListBucketsRequest())
        assert isinstance(info.value.unwrap(), oss.exceptions.CredentialsEmptyError) and not recorder.sent
        client._provider = oss.credentials.EnvironmentVariableCredentialsProvider()
    client.list_buckets(oss.ListBucketsRequest())
    request = recorder.sent[0]
    assert request.url == EXPECTED_URL.get(name, "https://oss-cn-hangzhou.aliyuncs.com/")
    region = {"finance": "cn-hangzhou-finance", "gov": "cn-north-2-gov-1"}.get(name, "cn-hangzhou")
    assert f"Credential=LTAIsampleKeyId/" in request.headers["Authorization"]
    assert f"/{region}/oss/aliyun_v4_request," in request.headers["Authorization"]
    timeout = recorder.timeouts[0]
    assert timeout == (Timeout(30, 30) if name == "timeout" else Timeout(10, 20))
    if name == "http-client":
        assert isinstance(configured, oss.transport.RequestsHttpClient)
        assert (configured.connect_timeout, configured.readwrite_timeout, configured.max_connections) == (30, 30, 1024)
    attempts = {"retry": 5, "retry-nop": 1}.get(name, 3)
    assert client._core.attempts({}) == attempts
    if name == "retry-fixed":
        assert client._core.retryer.retry_delay(1, Exception()) == 2
    if name == "retry-backoff":
        assert 0 <= client._core.retryer.retry_delay(10, Exception()) <= 25
    if name == "cname":
        client.get_object(oss.GetObjectRequest(bucket="examplebucket", key="k"))
        assert recorder.sent[-1].url == "https://www.example-***.com/k"
