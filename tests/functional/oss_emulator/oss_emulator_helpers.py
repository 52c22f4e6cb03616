"""A raw OSS client for exact wire assertions: real HTTP, signed with the project's OSS signer."""
from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, urlsplit

from alicloud_storage.credentials.base import Credentials
from alicloud_storage.emulator import Emulator
from alicloud_storage.oss.signer import SigningRequest, encode_query, sign_v1, sign_v4


@dataclass
class Answer:
    """A response: status, headers (lower-case names), body."""

    status: int
    headers: Dict[str, str]
    body: bytes

    def xml(self) -> ElementTree.Element:
        return ElementTree.fromstring(self.body)

    def error(self) -> Tuple[str, str, str]:
        """(Code, Message, EC) of an error body."""
        root = self.xml()
        return root.findtext("Code") or "", root.findtext("Message") or "", root.findtext("EC") or ""


class RawOss:
    """Send one request at a time to the emulator's OSS endpoint."""

    def __init__(self, endpoint: str, region: str, credentials: Credentials,
                 ssl_context: Optional[ssl.SSLContext] = None) -> None:
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.ssl_context = ssl_context
        self.region = region
        self.credentials = credentials

    @classmethod
    def of(cls, emulator: Emulator, credentials: Optional[Credentials] = None,
           ssl_context: Optional[ssl.SSLContext] = None) -> "RawOss":
        """A raw client of an in-process emulator (its root key unless told otherwise)."""
        return cls(emulator.oss_endpoint, emulator.region, credentials or Credentials(
            emulator.access_key_id, emulator.access_key_secret), ssl_context)

    def signed(
        self, method: str, bucket: Optional[str], key: Optional[str],
        query: Sequence[Tuple[str, str]] = (), headers: Optional[Mapping[str, str]] = None,
        sign: Optional[str] = "v4", now: Optional[datetime] = None,
    ) -> Dict[str, str]:
        """``headers`` plus the signature headers."""
        sent = dict(headers or {})
        when = now or datetime.now(timezone.utc)
        signing = SigningRequest(method, bucket, key, list(query), sent)
        if sign == "v4":
            sent.update(sign_v4(signing, self.credentials, self.region, when))
        elif sign == "v1":
            sent.update(sign_v1(signing, self.credentials, when))
        return sent

    def request(
        self,
        method: str,
        bucket: Optional[str] = None,
        key: Optional[str] = None,
        query: Sequence[Tuple[str, str]] = (),
        headers: Optional[Mapping[str, str]] = None,
        body: bytes = b"",
        sign: Optional[str] = "v4",
        host: Optional[str] = None,
        now: Optional[datetime] = None,
    ) -> Answer:
        """``sign``: "v4", "v1" or None (anonymous); ``host`` set: virtual-hosted style."""
        sent = self.signed(method, bucket, key, query, headers, sign, now)
        if host is not None:
            path = "/" + quote(key or "", safe="/")
            sent["Host"] = host
        elif bucket is None:
            path = "/"
        else:
            path = f"/{bucket}/" + quote(key or "", safe="/")
        if query:
            path += "?" + encode_query(list(query))
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30) \
            if self.ssl_context is None else http.client.HTTPSConnection(
                self.host, self.port, timeout=30, context=self.ssl_context)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()


def cli_command() -> List[str]:
    """How to start `alicloud-storage` with this interpreter's installation."""
    script = Path(sys.executable).with_name("alicloud-storage")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from alicloud_storage.cli import main; main()"]


class ServedOss:
    """`alicloud-storage serve --port 0 --data-dir DIR [ARGS]` as a child process, and its ready line."""

    def __init__(self, data_dir: Path, args: Sequence[str] = ()) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALICLOUD_STORAGE_EMULATOR_")}
        self.process = subprocess.Popen(
            cli_command() + ["serve", "--port", "0", "--data-dir", str(data_dir), *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError("serve printed no ready line")
        self.info = json.loads(line)
        self.raw = RawOss(self.info["oss_endpoint"], self.info["region"], Credentials(
            self.info["access_key_id"], self.info["access_key_secret"]))

    def peak_rss_mib(self) -> float:
        """The child's peak resident memory so far (Linux ``VmHWM``)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind runs in the child."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def v2_client(emu: Emulator, version: str, **credentials: Any) -> Any:
    """An alibabacloud-oss-v2 Client on the emulator (path style: an IP endpoint)."""
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(
        credentials.get("access_key_id", emu.access_key_id),
        credentials.get("access_key_secret", emu.access_key_secret),
        credentials.get("security_token"))
    cfg.region = emu.region
    cfg.endpoint = emu.oss_endpoint
    cfg.signature_version = version
    cfg.retry_max_attempts = 1
    return oss.Client(cfg)
