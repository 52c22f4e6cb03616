"""`alicloud-storage serve` as a subprocess: ready line, clean stop, crash durability."""
from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Tuple
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from alicloud_storage.admin_client import AdminClient
from alicloud_storage.credentials import Credentials
from alicloud_storage.emulator import DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
from alicloud_storage.tablestore import auth
from alicloud_storage.tablestore.wire import pb, plainbuffer

READY_KEYS = {
    "tablestore_endpoint", "sts_endpoint", "region", "instance", "instances",
    "account_id", "access_key_id", "access_key_secret",
}


class Server:
    """One `alicloud-storage serve` child process and a tiny signed client for it."""

    def __init__(self, *args: str) -> None:
        command = [sys.executable, "-c", "from alicloud_storage.cli import main; main()",
                   "serve", "--port", "0", "--sts-port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        self.info = json.loads(line)
        url = urlsplit(self.info["tablestore_endpoint"])
        self.host, self.port = url.hostname, url.port
        self.credentials = Credentials(self.info["access_key_id"], self.info["access_key_secret"])

    def call(self, api: str, message: object) -> Tuple[int, bytes]:
        body = message.SerializeToString()
        headers = auth.RequestSigner().sign(
            "/" + api, body, self.credentials, self.info["instance"], datetime.now(timezone.utc)
        )
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("POST", "/" + api, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def create_table(self) -> None:
        request = pb.CreateTableRequest()
        request.table_meta.table_name = "t"
        request.table_meta.primary_key.add(name="pk", type=pb.INTEGER)
        request.reserved_throughput.capacity_unit.read = 0
        request.reserved_throughput.capacity_unit.write = 0
        assert self.call("CreateTable", request)[0] == 200

    def put(self, key: int) -> int:
        request = pb.PutRowRequest(table_name="t", row=plainbuffer.encode_put_row([("pk", key)], [("v", key)]))
        request.condition.row_existence = pb.IGNORE
        return self.call("PutRow", request)[0]

    def keys(self) -> List[int]:
        found: List[int] = []
        start: list = [("pk", plainbuffer.INF_MIN)]
        while start:
            request = pb.GetRangeRequest(
                table_name="t", direction=pb.FORWARD, max_versions=1,
                inclusive_start_primary_key=plainbuffer.encode_primary_key(start),
                exclusive_end_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MAX)]),
            )
            status, body = self.call("GetRange", request)
            assert status == 200
            response = pb.GetRangeResponse.FromString(body)
            found += [row.primary_key[0][1] for row in plainbuffer.decode_rows(response.rows)]
            next_key = response.next_start_primary_key
            start = plainbuffer.decode_row(next_key).primary_key if next_key else []
        return found

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=20)
        self.process.stdout.close()
        self.process.stderr.close()
        return code


def test_ready_line_and_clean_stop(tmp_path: Path):
    server = Server("--data-dir", str(tmp_path), "--instance", "alpha", "--instance", "beta-2")
    try:
        assert READY_KEYS <= set(server.info)
        assert server.info["instance"] == "alpha" and server.info["instances"] == ["alpha", "beta-2"]
        assert (server.info["access_key_id"], server.info["access_key_secret"]) == (
            DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET
        )
        assert server.info["sts_endpoint"].startswith("http://127.0.0.1:")
        endpoint = server.info["tablestore_endpoint"]
        with pytest.raises(HTTPError) as unsigned:
            urlopen(endpoint + "/_emulator/health", timeout=5)
        assert unsigned.value.code == 403
        admin = AdminClient(endpoint, DEV_ACCESS_KEY_ID, DEV_ACCESS_KEY_SECRET)
        health = admin.call("GET", "/health")
        assert health["instances"] == ["alpha", "beta-2"] and "access_key_secret" not in health
        server.create_table()
        assert [server.put(k) for k in range(3)] == [200, 200, 200]
    finally:
        assert server.stop(signal.SIGTERM) == 0
    again = Server("--data-dir", str(tmp_path), "--instance", "alpha")
    try:
        assert again.keys() == [0, 1, 2]
    finally:
        assert again.stop(signal.SIGINT) == 0


def test_credentials_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALICLOUD_STORAGE_EMULATOR_ACCESS_KEY_ID", "LTAIfromenv")
    monkeypatch.setenv("ALICLOUD_STORAGE_EMULATOR_ACCESS_KEY_SECRET", "secretfromenv")
    server = Server("--memory", "--region", "cn-shanghai")
    try:
        assert (server.info["access_key_id"], server.info["region"]) == ("LTAIfromenv", "cn-shanghai")
        assert server.info["data_dir"] is None
        server.create_table()
    finally:
        server.stop()


def test_acknowledged_writes_survive_sigkill(tmp_path: Path):
    server = Server("--data-dir", str(tmp_path))
    server.create_table()
    acknowledged: Dict[int, List[int]] = {}
    stop = threading.Event()

    def writer(worker: int) -> None:
        done = acknowledged.setdefault(worker, [])
        key = worker
        while not stop.is_set():
            try:
                if server.put(key) == 200:
                    done.append(key)
            except OSError:
                return
            key += 4

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while sum(map(len, acknowledged.values())) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.process.kill()  # SIGKILL while the writers are busy
    server.process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    server.process.stdout.close()
    server.process.stderr.close()
    written = sorted(k for keys in acknowledged.values() for k in keys)
    assert len(written) >= 300
    restarted = Server("--data-dir", str(tmp_path))
    try:
        present = set(restarted.keys())
        assert set(written) <= present
    finally:
        restarted.stop()
