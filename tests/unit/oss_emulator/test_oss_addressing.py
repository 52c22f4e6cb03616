"""Which bucket and key a Host and path name (reference/oss-facts.md §1.4)."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.oss.addressing import Address, Addressing


@pytest.mark.parametrize("host, path, expected", [
    ("127.0.0.1:9000", "/bkt/dir/a%20b%2Bc", Address("bkt", "dir/a b+c")),
    ("127.0.0.1:9000", "/bkt/dir%2Fslash", Address("bkt", "dir/slash")),
    ("127.0.0.1:9000", "/bkt/", Address("bkt", None)),
    ("127.0.0.1:9000", "/", Address(None, None)),
    ("localhost:9000", "/bkt/k", Address("bkt", "k")),
    ("[::1]:9000", "/bkt/k", Address("bkt", "k")),
    ("bkt.oss-cn-hangzhou.aliyuncs.com", "/a/b", Address("bkt", "a/b", True)),
    ("bkt.oss-cn-hangzhou-internal.aliyuncs.com", "/k", Address("bkt", "k", True)),
    ("bkt.cn-hangzhou.oss.aliyuncs.com", "/k", Address("bkt", "k", True)),
    ("bkt.oss-accelerate.aliyuncs.com", "/", Address("bkt", None, True)),
    ("bkt.localhost:9000", "/%E4%B8%AD", Address("bkt", "中", True)),
    ("oss-cn-hangzhou.aliyuncs.com", "/bkt/k", Address("bkt", "k")),
])
def test_default_addressing(host: str, path: str, expected: Address) -> None:
    assert Addressing().resolve(host, path) == expected


def test_configured_domains_and_cnames() -> None:
    addressing = Addressing(domains=("oss.test",), cnames={"static.example.com": "site"})
    assert addressing.resolve("bkt.oss.test:80", "/k") == Address("bkt", "k", True)
    assert addressing.resolve("static.example.com", "/index.html") == Address("site", "index.html", True)
    # localhost is no longer a service domain here: path style
    assert addressing.resolve("bkt.localhost", "/k/x") == Address("k", "x")
