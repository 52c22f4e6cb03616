"""A minimal OSS stand-in for client throughput: it never is the bottleneck.

PUT bodies are read into one reused buffer and only their CRC-64 is kept (answered in
``x-oss-hash-crc64ecma``, as OSS does); GET streams a fixed pattern of the size last PUT,
with the pattern's CRC-64. No signature check, no storage: what is measured is the client.
Runs on raw sockets, one thread per connection, in its own process (see bench_oss_client.py).
"""
from __future__ import annotations

import socket
import threading
from email.utils import formatdate
from typing import Any, Dict, Tuple

from alicloud_storage.oss.crc64 import crc64

_BLOCK = bytes(range(256)) * 4096  # 1 MiB pattern served by GET


def _pattern_crc(size: int) -> int:
    crc, left = 0, size
    while left:
        piece = memoryview(_BLOCK)[:min(left, len(_BLOCK))]
        crc, left = crc64(piece, crc), left - len(piece)
    return crc


def _head(status: str, fields: Dict[str, Any]) -> bytes:
    fields = {"Date": formatdate(usegmt=True), "x-oss-request-id": "0" * 24, **fields}
    return (f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode()


def _serve(conn: socket.socket, objects: Dict[str, Tuple[int, int]]) -> None:
    rfile = conn.makefile("rb", buffering=1 << 16)
    buffer = memoryview(bytearray(1 << 20))
    with conn, rfile:
        while True:
            line = rfile.readline()
            if not line:
                return
            method, target = line.decode("latin-1").split(" ")[:2]
            headers: Dict[str, str] = {}
            while (field := rfile.readline()) not in (b"\r\n", b""):
                name, _, value = field.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if headers.get("expect", "").lower() == "100-continue":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            crc, left = 0, int(headers.get("content-length", "0"))
            while left:
                n = rfile.readinto(buffer[:min(left, len(buffer))])
                if not n:
                    return
                crc, left = crc64(buffer[:n], crc), left - n
            key = target.split("?")[0]
            if method == "PUT":
                objects[key] = (int(headers.get("content-length", "0")), crc)
                conn.sendall(_head("200 OK", {"Content-Length": 0, "ETag": '"0"', "x-oss-hash-crc64ecma": crc}))
            elif method in ("GET", "HEAD") and key in objects:
                size = objects[key][0]
                conn.sendall(_head("200 OK", {
                    "Content-Length": size, "Content-Type": "application/octet-stream", "ETag": '"0"',
                    "Last-Modified": formatdate(usegmt=True), "x-oss-hash-crc64ecma": _pattern_crc(size)}))
                left = size if method == "GET" else 0
                while left:
                    piece = memoryview(_BLOCK)[:min(left, len(_BLOCK))]
                    conn.sendall(piece)
                    left -= len(piece)
            else:
                conn.sendall(_head("200 OK", {"Content-Length": 0}))


def serve_forever(listener: socket.socket) -> None:
    """Accept connections until the process ends; each gets a thread."""
    objects: Dict[str, Tuple[int, int]] = {}
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve, args=(conn, objects), daemon=True).start()
