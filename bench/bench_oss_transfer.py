"""Transfer manager throughput and memory: ours against alibabacloud-oss-v2's, same run, same emulator.

Run: ``.venv-test/bin/python bench/bench_oss_transfer.py [--size-mib 1024] [--part-mib 8]
[--parallel 4] [--rounds 2]``.

The emulator runs as a child process (``alicloud-storage serve`` with a data directory).
Each transfer runs in a fresh child process so its peak RSS is its own: ``upload_file``
of a ``--size-mib`` file, then ``download_file`` of that object, through our
``client.uploader()/downloader()`` and through the official SDK's, with the same part
size and parallelism, alternating SDKs for ``--rounds`` rounds (best time kept). Printed:
MB/s of each, the ratio (target >= 1.5x), and the growth of each child's peak RSS over
its RSS just before the transfer (target <= part size x parallelism + 32 MiB). Both
sides check CRC-64 (their defaults).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Dict, List

BUCKET = "bench-transfer"
KEY = "big.bin"


def _rss_mib() -> float:
    """Current RSS of this process (Linux /proc), MiB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Sampler:
    """The highest RSS seen while the transfer runs (sampled every 5 ms on a thread)."""

    def __init__(self) -> None:
        self.peak = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mib())

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return max(self.peak, _rss_mib())


def child(args: argparse.Namespace) -> None:
    """One transfer in this process; prints {"seconds", "baseline_mib", "peak_mib"}."""
    info = json.loads(os.environ["BENCH_EMULATOR"])
    part, parallel = args.part_mib * 2**20, args.parallel
    if args.sdk == "ours":
        import alicloud_storage.oss as oss
    else:
        import alibabacloud_oss_v2 as oss  # type: ignore[no-redef]
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(info["access_key_id"],
                                                                        info["access_key_secret"])
    cfg.region = info["region"]
    cfg.endpoint = info["oss_endpoint"]
    client = oss.Client(cfg)
    baseline = _rss_mib()
    sampler = _Sampler()
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    if args.direction == "up":
        client.uploader(part_size=part, parallel_num=parallel).upload_file(
            oss.PutObjectRequest(bucket=BUCKET, key=f"{KEY}.{args.sdk}"), args.file)
    else:
        client.downloader(part_size=part, parallel_num=parallel).download_file(
            oss.GetObjectRequest(bucket=BUCKET, key=f"{KEY}.{args.sdk}"), args.file)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "baseline_mib": baseline, "peak_mib": sampler.stop(),
                      "cpu_seconds": _cpu_seconds() - cpu_before}))


def _run_child(args: argparse.Namespace, env: Dict[str, str], sdk: str, direction: str, path: str) -> Dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--sdk", sdk, "--direction", direction, "--file", path,
               "--part-mib", str(args.part_mib), "--parallel", str(args.parallel)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{sdk} {direction} failed:\n{done.stderr}")
    result: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=8)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sdk", choices=["ours", "official"], help=argparse.SUPPRESS)
    parser.add_argument("--direction", choices=["up", "down"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-oss-transfer-") as tmp:
        serve = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "alicloud-storage"), "serve",
                                  "--port", "0", "--sts-port", "0", "--oss-port", "0",
                                  "--data-dir", os.path.join(tmp, "data")],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert serve.stdout is not None
            info = json.loads(serve.stdout.readline())
            env = dict(os.environ, BENCH_EMULATOR=json.dumps(info))
            import alicloud_storage.oss as oss

            cfg = oss.config.load_default()
            cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(info["access_key_id"],
                                                                                info["access_key_secret"])
            cfg.region, cfg.endpoint = info["region"], info["oss_endpoint"]
            with oss.Client(cfg) as client:
                client.put_bucket(oss.PutBucketRequest(bucket=BUCKET))
            source = os.path.join(tmp, "source.bin")
            block = os.urandom(2**20)
            with open(source, "wb") as file:
                for i in range(args.size_mib):
                    file.write(block[i % 251:] + block[:i % 251])
            size = args.size_mib * 2**20
            best: Dict[str, Dict[str, float]] = {}
            growth: Dict[str, List[float]] = {}
            for _ in range(args.rounds):
                for sdk in ("official", "ours"):
                    for direction, path in (("up", source), ("down", os.path.join(tmp, f"back-{sdk}.bin"))):
                        got = _run_child(args, env, sdk, direction, path)
                        name = f"{sdk} {direction}"
                        best.setdefault(name, {"seconds": float("inf")})
                        if got["seconds"] < best[name]["seconds"]:
                            best[name] = got
                        growth.setdefault(name, []).append(got["peak_mib"] - got["baseline_mib"])
                        if direction == "down":
                            os.remove(path)
        finally:
            serve.terminate()
            serve.wait(30)
    bound = args.part_mib * args.parallel + 32
    print(f"transfer of {args.size_mib} MiB, parts of {args.part_mib} MiB, {args.parallel} in parallel, "
          f"best of {args.rounds} round(s), same emulator")
    for direction in ("up", "down"):
        ours, official = best[f"ours {direction}"], best[f"official {direction}"]
        rate_ours, rate_official = size / ours["seconds"] / 1e6, size / official["seconds"] / 1e6
        print(f"{direction:>4}: ours {rate_ours:8.1f} MB/s   official {rate_official:8.1f} MB/s   "
              f"ratio {rate_ours / rate_official:4.2f}x (target >= 1.5x)")
        print(f"      client CPU: ours {ours['cpu_seconds']:6.2f} s, official {official['cpu_seconds']:6.2f} s "
              f"(the rest of the time is the emulator's, on the same machine)")
        print(f"      peak RSS growth: ours {max(growth[f'ours {direction}']):6.1f} MiB, official "
              f"{max(growth[f'official {direction}']):6.1f} MiB (bound {bound} MiB)")


if __name__ == "__main__":
    main()
