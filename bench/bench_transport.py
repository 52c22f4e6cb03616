"""Transport throughput on loopback: a large body sent up and read down through
SyncTransport and AsyncTransport, beside a raw-socket ``sendall``/``recv_into`` loop on
the same kind of connection (TCP loopback, TCP_NODELAY, same server), in one run.

Run: ``.venv-test/bin/python bench/bench_transport.py [--size 1G] [--repeat 3] [--chunk 1M]``.

The server is a child process (its own GIL): it discards uploads (Content-Length or
chunked) and streams downloads from a 1 MiB generated pattern, so neither side holds the
body in memory. Each measurement runs ``--repeat`` times, interleaved with the others (load
from elsewhere on the shared machine hits all alike); the best run counts. Prints MB/s,
the ratio to the raw loop (target >= 0.70), the peak RSS growth of this process during the
transport phases (VmHWM after resetting it through /proc/self/clear_refs; target <= 32
MiB), and ``OTSClient(...)`` construction time for http:// and https:// endpoints.
"plain aiohttp download" reads the same body with a bare aiohttp session: the ceiling of
the async transport, which is built on aiohttp.
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import threading
import time
from typing import AsyncIterator, Callable, Dict, Iterator, List, Tuple

MIB = 1 << 20
PATTERN = bytes(range(256)) * 4096  # 1 MiB


# -- the server (child process) ----------------------------------------------------------


def _serve_connection(conn: socket.socket) -> None:
    buffer = bytearray(MIB)
    view = memoryview(buffer)
    pending = b""
    pattern = memoryview(PATTERN)

    def fill() -> bool:
        nonlocal pending
        data = conn.recv(65536)
        pending += data
        return bool(data)

    def line(marker: bytes = b"\r\n") -> bytes:
        nonlocal pending
        while marker not in pending:
            if not fill():
                raise EOFError
        head, _, pending = pending.partition(marker)
        return head

    def discard(count: int) -> None:
        nonlocal pending
        take = min(count, len(pending))
        pending, count = pending[take:], count - take
        while count:
            got = conn.recv_into(view, min(count, MIB))
            if not got:
                raise EOFError
            count -= got

    try:
        while True:
            head = line(b"\r\n\r\n").decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in head[1:])}
            if headers.get("transfer-encoding") == "chunked":
                while True:
                    size = int(line().split(b";")[0], 16)
                    if not size:
                        line()
                        break
                    discard(size + 2)
            else:
                discard(int(headers.get("content-length", "0")))
            if method == "GET" and target.startswith("/download/"):
                size = int(target.rsplit("/", 1)[1])
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
                while size:
                    piece = pattern[: min(size, MIB)]
                    conn.sendall(piece)
                    size -= len(piece)
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def serve() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve_connection, args=(conn,), daemon=True).start()


# -- memory --------------------------------------------------------------------------------


def _status(field: str) -> int:
    """A /proc/self/status field in bytes (VmRSS, VmHWM)."""
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith(field + ":"):
                return int(row.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


# -- the contenders --------------------------------------------------------------------------


def raw_upload(port: int, size: int, chunk: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size)
        left = size
        while left:
            piece = chunk if left >= len(chunk) else chunk[:left]
            sock.sendall(piece)
            left -= len(piece)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")


def raw_download(port: int, size: int, chunk: bytes) -> None:
    buffer = memoryview(bytearray(len(chunk)))
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"GET /download/%d HTTP/1.1\r\nHost: x\r\n\r\n" % size)
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
        got = len(head.partition(b"\r\n\r\n")[2])
        while got < size:
            count = sock.recv_into(buffer)
            if not count:
                raise EOFError
            got += count


def _chunks(size: int, chunk: bytes) -> Iterator[bytes]:
    left = size
    while left:
        piece = chunk if left >= len(chunk) else chunk[:left]
        left -= len(piece)
        yield piece


async def _achunks(size: int, chunk: bytes) -> AsyncIterator[bytes]:
    for piece in _chunks(size, chunk):
        yield piece


def contenders(port: int, size: int, chunk: bytes) -> Dict[str, Callable[[], None]]:
    from alicloud_storage.http import AsyncTransport, Request, SyncTransport, Timeout

    url = f"http://127.0.0.1:{port}"
    limits = Timeout(10, 60)
    sync = SyncTransport()
    buffer = memoryview(bytearray(len(chunk)))

    def sync_upload() -> None:
        request = Request("PUT", url + "/upload", {"Content-Length": str(size)}, _chunks(size, chunk))
        assert sync.send(request, limits).status == 200

    def sync_upload_chunked() -> None:
        assert sync.send(Request("PUT", url + "/upload", body=_chunks(size, chunk)), limits).status == 200

    def sync_download() -> None:
        got = 0
        with sync.stream(Request("GET", f"{url}/download/{size}"), limits) as response:
            while True:
                count = response.readinto(buffer)
                if not count:
                    break
                got += count
        assert got == size

    def sync_download_iter() -> None:
        with sync.stream(Request("GET", f"{url}/download/{size}"), limits) as response:
            assert sum(len(piece) for piece in response.iter_bytes(len(chunk))) == size

    def run_async(scenario: Callable[[AsyncTransport], "asyncio.Future[None]"]) -> Callable[[], None]:
        def run() -> None:
            async def main() -> None:
                async with AsyncTransport() as transport:
                    await scenario(transport)

            asyncio.run(main())

        return run

    async def async_upload(transport: AsyncTransport) -> None:
        request = Request("PUT", url + "/upload", {"Content-Length": str(size)}, _achunks(size, chunk))
        assert (await transport.send(request, limits)).status == 200

    async def async_download(transport: AsyncTransport) -> None:
        got = 0
        async with await transport.stream(Request("GET", f"{url}/download/{size}"), limits) as response:
            async for piece in response.iter_bytes(len(chunk)):
                got += len(piece)
        assert got == size

    async def aiohttp_download(transport: AsyncTransport) -> None:
        import aiohttp

        got = 0
        async with aiohttp.ClientSession(auto_decompress=False) as session:
            async with session.get(f"{url}/download/{size}") as response:
                while True:
                    piece = await response.content.read(len(chunk))
                    if not piece:
                        break
                    got += len(piece)
        assert got == size

    return {
        "raw upload (sendall)": lambda: raw_upload(port, size, chunk),
        "sync upload": sync_upload,
        "sync upload, chunked": sync_upload_chunked,
        "async upload": run_async(async_upload),  # type: ignore[arg-type]
        "raw download (recv_into)": lambda: raw_download(port, size, chunk),
        "sync download (readinto)": sync_download,
        "sync download (iter_bytes)": sync_download_iter,
        "async download (iter_bytes)": run_async(async_download),  # type: ignore[arg-type]
        "plain aiohttp download (ref.)": run_async(aiohttp_download),  # type: ignore[arg-type]
    }


def construction_ms(url: str, count: int = 30) -> float:
    """Median wall time of ``OTSClient(url, ...)`` in milliseconds (imports warmed first)."""
    import alicloud_storage.tablestore as ots

    ots.OTSClient(url, "id", "secret", "instance")
    times: List[float] = []
    for _ in range(count):
        start = time.perf_counter()
        ots.OTSClient(url, "id", "secret", "instance")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().rstrip("IB")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1G", help="body size, e.g. 64M, 1G (default 1G)")
    parser.add_argument("--chunk", default="1M", help="write/read size of every loop (default 1M)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    size, chunk = parse_size(args.size), PATTERN[: parse_size(args.chunk)]
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())  # type: ignore[union-attr]
        runs = contenders(port, size, chunk)
        for run in runs.values():  # warm up: imports, connections, code paths
            run()
        best: Dict[str, float] = {}
        growth: Dict[str, int] = {}
        for _ in range(args.repeat):
            for name, run in runs.items():
                rss = _status("VmRSS")
                _reset_peak()
                start = time.perf_counter()
                run()
                elapsed = time.perf_counter() - start
                growth[name] = max(growth.get(name, 0), _status("VmHWM") - rss)
                best[name] = min(best.get(name, elapsed), elapsed)
    finally:
        server.kill()
        server.wait()
    print(f"{size / MIB:,.0f} MiB each way, {len(chunk) // 1024} KiB writes/reads, best of {args.repeat}")
    print(f"{'':32}{'MB/s':>10}{'vs raw':>9}{'peak RSS +MiB':>15}")
    rows: List[Tuple[str, str]] = [(name, "raw upload (sendall)" if "upload" in name else "raw download (recv_into)")
                                   for name in runs]
    for name, raw in rows:
        rate = size / best[name] / 1e6
        ratio = best[raw] / best[name]
        print(f"  {name:30}{rate:>10,.0f}{ratio:>9.2f}{growth[name] / MIB:>15.1f}")
    print("OTSClient(...) construction, median ms")
    print(f"  http://   {construction_ms('http://127.0.0.1:1'):.3f}")
    print(f"  https://  {construction_ms('https://127.0.0.1:1'):.3f}")


if __name__ == "__main__":
    main()
