"""OSS emulator throughput vs a bare aiohttp server streaming to and from disk, in one run.

Run: ``.venv-test/bin/python bench/bench_oss_emulator.py [--seconds 5] [--concurrency 16]
[--rounds 3] [--large-mib 256] [--huge-gib 0]``.

Both servers run as child processes on loopback: the emulator (``alicloud-storage serve``
with a data directory: SQLite metadata, object bytes in files) and a bare aiohttp
application that streams PUT bodies to a file and GET bodies back from it, in 1 MiB
chunks, checking nothing. The load generator (this process) sends V4-signed requests
(signed once per key; the signature stays valid for 15 minutes) over keep-alive
connections: 4 KiB PutObject/GetObject with ``--concurrency`` in flight for ``--seconds``
per case (requests/s), and one ``--large-mib`` object up and down (MB/s), alternating
servers for ``--rounds`` rounds; each server's best and the ratio are printed, with the
emulator's peak RSS. ``--huge-gib 5`` adds the 5 GiB PutObject/GetObject memory check.
Targets: small objects >= 30% of the bare rate, large >= 60%.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from typing import AsyncIterator, Dict, List, Tuple

import aiohttp

from alicloud_storage.credentials import Credentials
from alicloud_storage.oss.signer import SigningRequest, sign_v4

BARE_SERVER = """
import asyncio, os, sys
from aiohttp import web
ROOT = sys.argv[1]
CHUNK = 1 << 20
def path(request):
    return os.path.join(ROOT, request.match_info["key"].replace("/", "_"))
async def put(request):
    with open(path(request), "wb") as f:
        while True:
            chunk = await request.content.readany()
            if not chunk:
                break
            f.write(chunk)
    return web.Response()
async def get(request):
    name = path(request)
    response = web.StreamResponse(headers={"Content-Length": str(os.path.getsize(name))})
    await response.prepare(request)
    with open(name, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            await response.write(chunk)
    await response.write_eof()
    return response
async def bucket(request):
    return web.Response()
app = web.Application()
app.router.add_put("/{bucket}/", bucket)
app.router.add_put("/{bucket}/{key:.+}", put)
app.router.add_get("/{bucket}/{key:.+}", get)
async def main():
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(runner.addresses[0][1], flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""

BUCKET = "bench-bucket"
SMALL = 4096
CHUNK = 1 << 20


def start_emulator(data_dir: str) -> Tuple["subprocess.Popen[str]", Dict[str, str]]:
    script = os.path.join(os.path.dirname(sys.executable), "alicloud-storage")
    command = [script] if os.path.exists(script) else [
        sys.executable, "-c", "from alicloud_storage.cli import main; main()"]
    process = subprocess.Popen(command + ["serve", "--port", "0", "--data-dir", data_dir],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def start_bare(data_dir: str) -> Tuple["subprocess.Popen[str]", str]:
    process = subprocess.Popen([sys.executable, "-c", BARE_SERVER, data_dir],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, f"http://127.0.0.1:{process.stdout.readline().strip()}"


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Target:
    """A server under test: its endpoint and how to sign for it."""

    def __init__(self, name: str, endpoint: str, info: Dict[str, str]) -> None:
        self.name = name
        self.endpoint = endpoint
        self._credentials = Credentials(info["access_key_id"], info["access_key_secret"])
        self._region = info["region"]
        self._signed: Dict[Tuple[str, str], Dict[str, str]] = {}

    def headers(self, method: str, key: str, fresh: bool = False) -> Dict[str, str]:
        """V4 headers for ``method /bucket/key`` (cached unless ``fresh``)."""
        cached = self._signed.get((method, key))
        if cached is None or fresh:
            # aiohttp sends Content-Type: application/octet-stream with every PUT: sign it
            base = {"Content-Type": "application/octet-stream"} if method == "PUT" else {}
            request = SigningRequest(method, BUCKET, key or None, [], base)
            cached = dict(base, **sign_v4(request, self._credentials, self._region,
                                          datetime.now(timezone.utc)))
            self._signed[(method, key)] = cached
        return cached

    def url(self, key: str) -> str:
        return f"{self.endpoint}/{BUCKET}/{key}"


async def small_case(session: aiohttp.ClientSession, target: Target, method: str,
                     seconds: float, concurrency: int) -> float:
    body = os.urandom(SMALL)
    keys = [f"small/{i}" for i in range(256)]
    if method == "GET":  # every key exists before the clock starts
        for key in keys:
            async with session.put(target.url(key), headers=target.headers("PUT", key),
                                   data=body) as response:
                assert response.status == 200, (target.name, response.status)
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal done
        i = n
        while time.perf_counter() < deadline:
            key = keys[i % len(keys)]
            i += concurrency
            async with session.request(method, target.url(key), headers=target.headers(method, key),
                                       data=body if method == "PUT" else None) as response:
                await response.read()
                assert response.status == 200, (target.name, response.status)
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return done / (time.perf_counter() - start)


async def chunks(size: int) -> AsyncIterator[bytes]:
    block = os.urandom(CHUNK)
    sent = 0
    while sent < size:
        piece = block[:min(CHUNK, size - sent)]
        sent += len(piece)
        yield piece


async def large_case(session: aiohttp.ClientSession, target: Target, size: int) -> Tuple[float, float]:
    key = f"large/{size}"
    headers = dict(target.headers("PUT", key, fresh=True), **{"Content-Length": str(size)})
    start = time.perf_counter()
    async with session.put(target.url(key), headers=headers, data=chunks(size)) as response:
        await response.read()
        assert response.status == 200, (target.name, response.status)
    up = size / (time.perf_counter() - start) / 1e6
    start = time.perf_counter()
    received = 0
    async with session.get(target.url(key), headers=target.headers("GET", key, fresh=True)) as response:
        assert response.status == 200, (target.name, response.status)
        async for chunk in response.content.iter_chunked(CHUNK):
            received += len(chunk)
    assert received == size
    return up, size / (time.perf_counter() - start) / 1e6


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as emu_dir, tempfile.TemporaryDirectory() as bare_dir:
        emulator, info = start_emulator(emu_dir)
        bare, bare_endpoint = start_bare(bare_dir)
        try:
            targets = [Target("emulator", info["oss_endpoint"], info),
                       Target("bare", bare_endpoint, info)]
            connector = aiohttp.TCPConnector(limit=args.concurrency * 2)
            timeout = aiohttp.ClientTimeout(total=None)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                             auto_decompress=False) as session:
                for target in targets:
                    async with session.put(f"{target.endpoint}/{BUCKET}/",
                                           headers=target.headers("PUT", "")) as response:
                        assert response.status == 200, await response.text()
                best: Dict[Tuple[str, str], float] = {}
                for _ in range(args.rounds):
                    for target in targets:
                        results = {
                            "PutObject 4 KiB (req/s)": await small_case(
                                session, target, "PUT", args.seconds, args.concurrency),
                            "GetObject 4 KiB (req/s)": await small_case(
                                session, target, "GET", args.seconds, args.concurrency),
                        }
                        up, down = await large_case(session, target, args.large_mib << 20)
                        results[f"PutObject {args.large_mib} MiB (MB/s)"] = up
                        results[f"GetObject {args.large_mib} MiB (MB/s)"] = down
                        for case, value in results.items():
                            best[(case, target.name)] = max(best.get((case, target.name), 0), value)
                cases: List[str] = list(dict.fromkeys(case for case, _ in best))
                print(f"{'case':<28}{'emulator':>12}{'bare':>12}{'ratio':>9}")
                for case in cases:
                    emu, raw = best[(case, "emulator")], best[(case, "bare")]
                    print(f"{case:<28}{emu:>12.1f}{raw:>12.1f}{emu / raw:>8.0%}")
                if args.huge_gib:
                    before = peak_rss_mib(emulator.pid)
                    up, down = await large_case(session, targets[0], args.huge_gib << 30)
                    print(f"{args.huge_gib} GiB: up {up:.0f} MB/s, down {down:.0f} MB/s, emulator peak "
                          f"RSS {before:.0f} -> {peak_rss_mib(emulator.pid):.0f} MiB")
            print(f"emulator peak RSS: {peak_rss_mib(emulator.pid):.0f} MiB")
        finally:
            for process in (emulator, bare):
                process.terminate()
                process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--large-mib", type=int, default=256)
    parser.add_argument("--huge-gib", type=int, default=0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
