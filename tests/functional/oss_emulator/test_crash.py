"""SIGKILL during concurrent uploads and multipart completes: after a restart every
acknowledged object is intact and nothing half-written is visible or left on disk."""
from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path
from typing import Dict, List

import pytest

from oss_emulator_helpers import Answer, ServedOss

pytestmark = pytest.mark.slow

BUCKET = "crash-bucket"
PART = 100 * 1024


def content(key: str) -> bytes:
    """The deterministic bytes of ``key`` (its size varies with the key)."""
    seed = hashlib.sha256(key.encode()).digest()
    return seed * (2048 + seed[0] * 64)  # 64 KiB .. ~580 KiB


def put_loop(served: ServedOss, worker: int, acked: Dict[str, bytes], stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        key = f"w{worker}/obj-{n}"
        body = content(key)
        try:
            answer = served.raw.request("PUT", BUCKET, key, body=body)
        except OSError:
            return  # the server died mid-request: this one is not acknowledged
        if answer.status == 200:
            acked[key] = body
        n += 1


def multipart_loop(served: ServedOss, acked: Dict[str, bytes], stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        key = f"mp/obj-{n}"
        parts = [content(key)[:PART] * 2, content(key + "-tail")]
        try:
            init = served.raw.request("POST", BUCKET, key, query=[("uploads", "")])
            upload_id = init.xml().findtext("UploadId") or ""
            etags = []
            for number, data in enumerate(parts, 1):
                answer = served.raw.request("PUT", BUCKET, key, query=[
                    ("partNumber", str(number)), ("uploadId", upload_id)], body=data)
                etags.append(answer.headers["etag"])
            doc = "<CompleteMultipartUpload>" + "".join(
                f"<Part><PartNumber>{i}</PartNumber><ETag>{e}</ETag></Part>"
                for i, e in enumerate(etags, 1)) + "</CompleteMultipartUpload>"
            done: Answer = served.raw.request("POST", BUCKET, key, query=[("uploadId", upload_id)],
                                              body=doc.encode())
        except (OSError, KeyError):
            return
        if done.status == 200:
            acked[key] = b"".join(parts)
        n += 1


def half_sent(served: ServedOss) -> socket.socket:
    """A PutObject whose body stops half way and stays open until the kill."""
    sock = socket.create_connection((served.raw.host, served.raw.port))
    headers = served.raw.signed("PUT", BUCKET, "half", headers={"Content-Length": "1000000"})
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"PUT /{BUCKET}/half HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode() + b"h" * 400_000)
    return sock


def test_sigkill_keeps_acknowledged_objects_and_drops_partial_ones(tmp_path: Path) -> None:
    served = ServedOss(tmp_path)
    try:
        assert served.raw.request("PUT", BUCKET).status == 200
        acked: Dict[str, bytes] = {}
        stop = threading.Event()
        threads: List[threading.Thread] = [
            threading.Thread(target=put_loop, args=(served, i, acked, stop)) for i in range(4)]
        threads.append(threading.Thread(target=multipart_loop, args=(served, acked, stop)))
        for thread in threads:
            thread.start()
        sock = half_sent(served)
        deadline = time.monotonic() + 20
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        served.kill()  # while uploads and completes are in flight
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        sock.close()
    finally:
        if served.process.poll() is None:
            served.stop()
    assert len(acked) >= 40 and any(k.startswith("mp/") for k in acked)
    assert any((tmp_path / "oss" / "tmp").iterdir())  # the cut-off bodies were on disk

    restarted = ServedOss(tmp_path)
    try:
        assert not any((tmp_path / "oss" / "tmp").iterdir())  # swept at start
        for key, body in acked.items():
            got = restarted.raw.request("GET", BUCKET, key)
            assert got.status == 200 and got.body == body, key
        listed: List[str] = []
        marker = ""
        while True:
            page = restarted.raw.request("GET", BUCKET, query=[("marker", marker),
                                                               ("max-keys", "1000")]).xml()
            listed += [e.text or "" for e in page.findall("Contents/Key")]
            if page.findtext("IsTruncated") != "true":
                break
            marker = page.findtext("NextMarker") or ""
        assert "half" not in listed and set(acked) <= set(listed)
        for key in set(listed) - set(acked):  # written, not yet acknowledged: complete or absent
            got = restarted.raw.request("GET", BUCKET, key)
            expected = content(key) if not key.startswith("mp/") else None
            assert got.status == 200
            if expected is not None:
                assert got.body == expected, key
        blobs = [p for shard in (tmp_path / "oss" / "blobs").iterdir() for p in shard.iterdir()]
        uploads = restarted.raw.request("GET", BUCKET, query=[("uploads", "")]).xml()
        parts = 0
        for upload in uploads.findall("Upload"):
            listing = restarted.raw.request("GET", BUCKET, upload.findtext("Key") or "",
                                            query=[("uploadId", upload.findtext("UploadId") or "")])
            parts += len(listing.xml().findall("Part"))
        multipart_segments = sum(1 for k in listed if k.startswith("mp/")) * 2
        assert len(blobs) == len(listed) - sum(1 for k in listed if k.startswith("mp/")) \
            + multipart_segments + parts  # no orphan blob survives the restart
    finally:
        restarted.stop()
