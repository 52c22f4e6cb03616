"""OSS client benchmark: ours against alibabacloud-oss-v2, same local server, same run.

Run: ``.venv-test/bin/python bench/bench_oss_client.py [--ops 300] [--repeat 3]``.

- Client CPU per PutObject / GetObject / HeadObject of 1 KiB: the calling thread's CPU time
  (``time.thread_time``) over ``--ops`` calls; the server (tests/functional/oss/oss_server.py,
  signatures verified) runs in another thread, so its work is not counted. Best of
  ``--repeat`` runs, the two clients interleaved. Target: ours >= 2x less CPU.
- CRC-64 throughput on 64 MiB: ``alicloud_storage.oss.crc64`` (fastcrc) against the
  official ``Crc64`` (crcmod). Target >= 20x.
- ``--big N``: an N MiB object up (put_object_from_file) and down (get_object_to_file)
  with CRC-64 on, against two servers in a child process: a sink (bench/oss_sink_server.py:
  keeps only the CRC-64 of what it is sent and streams a pattern back, so the clients are the
  limit) and the project's OSS emulator on disk (the server is the limit). MB/s and the peak
  RSS growth of this process (VmHWM reset through /proc/self/clear_refs). Target: >= 1.5x
  their throughput, ours <= 64 MiB.
- ``import alicloud_storage.oss`` against ``import alibabacloud_oss_v2``: wall time and
  resident memory growth in a fresh interpreter (best of 5). Target: <= 1/3 of the time.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "functional" / "oss"))
sys.path.insert(0, str(ROOT / "bench"))

from oss_server import AK, SK, OssServer  # noqa: E402

BUCKET, KEY, BODY = "bench-bucket", "bench/object-1k.bin", os.urandom(1024)


def ours(endpoint: str) -> Dict[str, Callable[[], Any]]:
    import alicloud_storage.oss as oss

    cfg = oss.config.load_default()
    cfg.region, cfg.endpoint = "cn-hangzhou", endpoint
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    client = oss.Client(cfg)
    client.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
    return {
        "PutObject": lambda: client.put_object(oss.PutObjectRequest(bucket=BUCKET, key=KEY, body=BODY)),
        "GetObject": lambda: client.get_object(oss.GetObjectRequest(bucket=BUCKET, key=KEY)).body.read(),
        "HeadObject": lambda: client.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=KEY)),
    }


def theirs(endpoint: str) -> Dict[str, Callable[[], Any]]:
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.region, cfg.endpoint = "cn-hangzhou", endpoint
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(AK, SK)
    client = oss.Client(cfg)
    return {
        "PutObject": lambda: client.put_object(oss.PutObjectRequest(bucket=BUCKET, key=KEY, body=BODY)),
        "GetObject": lambda: client.get_object(oss.GetObjectRequest(bucket=BUCKET, key=KEY)).body.read(),
        "HeadObject": lambda: client.head_object(oss.HeadObjectRequest(bucket=BUCKET, key=KEY)),
    }


def cpu_per_call(call: Callable[[], Any], ops: int) -> float:
    for _ in range(10):
        call()
    start = time.thread_time()
    for _ in range(ops):
        call()
    return (time.thread_time() - start) / ops


def client_cpu(ops: int, repeat: int) -> Dict[str, Dict[str, float]]:
    best: Dict[str, Dict[str, float]] = {"ours": {}, "alibabacloud-oss-v2": {}}
    with OssServer() as server:
        clients = {"ours": ours(server.endpoint), "alibabacloud-oss-v2": theirs(server.endpoint)}
        for _ in range(repeat):
            for name, calls in clients.items():
                for op, call in calls.items():
                    value = cpu_per_call(call, ops)
                    best[name][op] = min(best[name].get(op, value), value)
    return best


def _serve_child(conn: Any, data_dir: str, server: str) -> None:
    """In its own process: the project's OSS emulator on disk (object bytes in files), or the
    sink (bench/oss_sink_server.py), which keeps only CRC-64s and so is never the bottleneck."""
    if server == "sink":
        import socket
        import threading

        from oss_sink_server import serve_forever

        listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=serve_forever, args=(listener,), daemon=True).start()
        conn.send((f"http://127.0.0.1:{listener.getsockname()[1]}", AK, SK))
        conn.recv()
        return
    from alicloud_storage.emulator import Emulator

    with Emulator(data_dir=data_dir, environ={}) as emulator:
        conn.send((emulator.oss_endpoint, emulator.access_key_id, emulator.access_key_secret))
        conn.recv()


def _rss_peak_reset() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _rss_peak_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


def big_object(mib: int, workdir: Path, server: str) -> Dict[str, Dict[str, float]]:
    import multiprocessing

    import alibabacloud_oss_v2 as official

    import alicloud_storage.oss as oss

    source = workdir / "big.bin"
    block = os.urandom(1 << 20)
    with open(source, "wb") as file:
        for _ in range(mib):
            file.write(block)
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve_child, args=(child, str(workdir / "emulator"), server))
    process.start()
    endpoint, access_key_id, access_key_secret = parent.recv()
    results: Dict[str, Dict[str, float]] = {}
    try:
        for name, module in (("ours", oss), ("alibabacloud-oss-v2", official)):
            cfg = module.config.load_default()
            cfg.region, cfg.endpoint = "cn-hangzhou", endpoint
            cfg.credentials_provider = module.credentials.StaticCredentialsProvider(access_key_id, access_key_secret)
            cfg.readwrite_timeout = 600
            client = module.Client(cfg)
            if name == "ours":
                client.put_bucket(module.PutBucketRequest(bucket=BUCKET))
            base = _rss_kib()
            _rss_peak_reset()
            start = time.perf_counter()
            client.put_object_from_file(module.PutObjectRequest(bucket=BUCKET, key="big"), str(source))
            up = time.perf_counter() - start
            target = workdir / f"down-{name}.bin"
            start = time.perf_counter()
            client.get_object_to_file(module.GetObjectRequest(bucket=BUCKET, key="big"), str(target))
            down = time.perf_counter() - start
            peak = _rss_peak_kib() - base
            assert target.stat().st_size == source.stat().st_size
            target.unlink()
            results[name] = {"up": mib / up, "down": mib / down, "rss_mib": peak / 1024}
    finally:
        parent.send("stop")
        process.join(30)
        source.unlink()
    return results


def crc_throughput(size: int, repeat: int) -> Dict[str, float]:
    from alibabacloud_oss_v2.crc import Crc64 as OfficialCrc64

    from alicloud_storage.oss.crc64 import crc64

    data = os.urandom(size)

    def official() -> int:
        crc = OfficialCrc64(0)
        crc.update(data)
        return int(crc.sum64())

    assert crc64(data) == official()
    results: Dict[str, float] = {}
    for name, fn in (("ours (fastcrc)", lambda: crc64(data)), ("alibabacloud-oss-v2 (crcmod)", official)):
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            timings.append(time.perf_counter() - start)
        results[name] = size / min(timings) / 1e9
    return results


IMPORT_PROBE = """
import json, time, sys
def rss():  # resident KiB now (ru_maxrss would start at the parent's peak after fork)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
before = rss()
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "kib": rss() - before, "aiohttp": "aiohttp" in sys.modules}}))
"""


def import_cost(module: str, runs: int = 5) -> Dict[str, Any]:
    samples: List[Dict[str, Any]] = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", IMPORT_PROBE.format(module=module)], capture_output=True,
                             text=True, check=True).stdout
        samples.append(json.loads(out))
    return {"seconds": min(s["seconds"] for s in samples), "kib": min(s["kib"] for s in samples),
            "aiohttp": samples[0]["aiohttp"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=0, help="MiB of a big object up and down (0: skip)")
    args = parser.parse_args()

    cpu = client_cpu(args.ops, args.repeat)
    print(f"client CPU per call, 1 KiB objects (best of {args.repeat} x {args.ops} calls)")
    print(f"  {'operation':12s} {'ours':>10s} {'oss-v2':>10s} {'ratio':>7s}")
    for op in ("PutObject", "GetObject", "HeadObject"):
        a, b = cpu["ours"][op], cpu["alibabacloud-oss-v2"][op]
        print(f"  {op:12s} {a * 1e6:8.0f}us {b * 1e6:8.0f}us {b / a:6.2f}x")

    crc = crc_throughput(64 << 20, args.repeat)
    names = list(crc)
    print("CRC-64 throughput, 64 MiB")
    for name in names:
        print(f"  {name:30s} {crc[name]:8.2f} GB/s")
    print(f"  ratio {crc[names[0]] / crc[names[1]]:.0f}x")

    if args.big:
        import tempfile

        for server, what in (("sink", "a sink server that keeps only CRC-64s: the clients' limit"),
                             ("emulator", "the OSS emulator on disk: the server's limit")):
            with tempfile.TemporaryDirectory() as workdir:
                big = big_object(args.big, Path(workdir), server)
            print(f"{args.big} MiB object, CRC-64 on, against {what} (in a child process)")
            for name, row in big.items():
                print(f"  {name:22s} up {row['up']:7.1f} MiB/s  down {row['down']:7.1f} MiB/s"
                      f"  peak RSS growth {row['rss_mib']:7.1f} MiB")
            ours, theirs = big["ours"], big["alibabacloud-oss-v2"]
            print(f"  ratio up {ours['up'] / theirs['up']:.2f}x  down {ours['down'] / theirs['down']:.2f}x"
                  " (target >= 1.5x)")

    print("import cost in a fresh interpreter (best of 5)")
    mine, official = import_cost("alicloud_storage.oss"), import_cost("alibabacloud_oss_v2")
    for name, cost in (("alicloud_storage.oss", mine), ("alibabacloud_oss_v2", official)):
        print(f"  {name:22s} {cost['seconds'] * 1000:7.1f} ms {cost['kib'] / 1024:6.1f} MiB"
              f"  aiohttp loaded: {cost['aiohttp']}")
    print(f"  time ratio {mine['seconds'] / official['seconds']:.3f}")


if __name__ == "__main__":
    main()
