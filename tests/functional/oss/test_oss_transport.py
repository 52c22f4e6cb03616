"""RequestsHttpClient: the document's keywords on our transport; a string proxy applies to
http and https and really carries requests; redirects only when enabled; clock skew is
corrected from the service's Date."""
from __future__ import annotations

import datetime
import http.server
import threading
import urllib.request
from typing import Any, Iterator, List

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.oss.protocol import redact_url
from oss_client_helpers import make_config
from oss_server import OssServer

B = "proxy-bucket"


class ForwardProxy(http.server.ThreadingHTTPServer):
    """A plain-HTTP forward proxy: takes absolute-form requests and relays them."""

    def __init__(self) -> None:
        self.seen: List[str] = []
        super().__init__(("127.0.0.1", 0), _Relay)


class _Relay(http.server.BaseHTTPRequestHandler):
    def _relay(self) -> None:
        server: Any = self.server
        server.seen.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        request = urllib.request.Request(self.path, data=body, headers=headers, method=self.command)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            reply = opener.open(request)
        except urllib.error.HTTPError as error:
            reply = error
        data = reply.read()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _relay

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    running = ForwardProxy()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def test_document_keywords() -> None:
    client = oss.transport.RequestsHttpClient(connect_timeout=30, readwrite_timeout=30, max_connections=1024,
                                              insecure_skip_verify=True, enabled_redirect=True,
                                              proxy_host="http://user:pw@proxy.example.com:3128", block_size=16384)
    assert (client.connect_timeout, client.readwrite_timeout, client.max_connections) == (30, 30, 1024)
    assert client.proxies == {"http": "http://user:pw@proxy.example.com:3128",
                              "https": "http://user:pw@proxy.example.com:3128"}
    assert "pw" not in repr(client)
    assert oss.transport.RequestsHttpClient(proxy_host={"https": "http://p:1"}).proxies == {"https": "http://p:1"}


def test_string_proxy_carries_the_requests(server: OssServer, proxy: ForwardProxy) -> None:
    cfg = make_config(server, proxy_host=f"http://127.0.0.1:{proxy.server_address[1]}")
    client = oss.Client(cfg)
    client.put_bucket(oss.PutBucketRequest(bucket=B))
    client.put_object(oss.PutObjectRequest(bucket=B, key="via proxy.txt", body=b"proxied"))
    assert client.get_object(oss.GetObjectRequest(bucket=B, key="via proxy.txt")).body.read() == b"proxied"
    assert any("via%20proxy.txt" in path for path in proxy.seen) and len(proxy.seen) == 3


def test_clock_skew_is_corrected_from_the_answer(server: OssServer) -> None:
    server.clock = lambda: datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    try:
        client = oss.Client(make_config(server))
        client.put_bucket(oss.PutBucketRequest(bucket=B))  # first attempt: RequestTimeTooSkewed, then fixed
        assert [h.get("x-oss-date", "")[:11] for _, _, h in server.requests][-1] == server.clock().strftime("%Y%m%dT%H")
        client.put_object(oss.PutObjectRequest(bucket=B, key="k", body=b"v"))
    finally:
        server.clock = lambda: datetime.datetime.now(datetime.timezone.utc)


def test_signed_query_values_are_masked() -> None:
    url = ("https://b.oss-cn-hangzhou.aliyuncs.com/k?x-oss-credential=KEY1%2F2024&x-oss-signature=0a1b2c"
           "&OSSAccessKeyId=KEY2&Signature=QkFTRTY0&security-token=T0KEN&versionId=v1")
    masked = redact_url(url)
    for secret in ("0a1b2c", "QkFTRTY0", "T0KEN", "KEY1", "KEY2"):
        assert secret not in masked
    assert "versionId=v1" in masked
