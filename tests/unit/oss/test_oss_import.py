"""``import alicloud_storage.oss`` stays light: names resolve on first use, aiohttp only
when an AsyncClient sends."""
from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
import alicloud_storage.oss as oss
heavy = [m for m in ("aiohttp", "alicloud_storage.oss.client", "alicloud_storage.oss.models",
                     "xml.etree.ElementTree", "fastcrc") if m in sys.modules]
assert not heavy, heavy
cfg = oss.config.load_default(region="cn-hangzhou")
cfg.credentials_provider = oss.credentials.AnonymousCredentialsProvider()
client = oss.Client(cfg)
assert "aiohttp" not in sys.modules
aclient = oss.AsyncClient(cfg)
assert "aiohttp" not in sys.modules, "no aiohttp before the async client sends"
assert oss.PutObjectRequest is oss.models.PutObjectRequest
print("light")
"""


def test_import_is_light_and_lazy() -> None:
    result = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (0, "light"), result.stderr
