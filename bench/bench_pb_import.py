"""Import cost of wire/pb.py vs the official SDK's generated pb2 modules, in fresh processes.

Run: ``.venv-test/bin/python bench/bench_pb_import.py [--runs 15]``.
Each case is timed in a new interpreter (median of --runs), with our parent packages
imported before the clock starts in every case (the official package's __init__, which
loads the whole SDK, is stubbed out). Prints milliseconds over
a bare ``import google.protobuf`` and the ratio ours / official. The official case needs
protobuf<6 (the official SDK's extra).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from typing import Dict

# The official pb2 modules alone: stub the `tablestore` packages so that their __init__
# (which imports the whole SDK) stays out of the measurement.
OFFICIAL_PACKAGES_WITHOUT_INIT = """
import importlib.util, os, sys, types
root = os.path.dirname(importlib.util.find_spec("tablestore").origin)
for name, path in (("tablestore", root), ("tablestore.protobuf", os.path.join(root, "protobuf"))):
    sys.modules[name] = types.ModuleType(name)
    sys.modules[name].__path__ = [path]
"""

# Each case: (imports done before timing, imports timed).
CASES: Dict[str, tuple] = {
    "google.protobuf (bare)": ("", "import google.protobuf"),
    "descriptor_pool + message_factory": (
        "",
        "import google.protobuf.descriptor_pool, google.protobuf.message_factory",
    ),
    "ours: alicloud_storage...wire.pb": (
        "",
        "import alicloud_storage.tablestore.wire.pb",
    ),
    "official: table_store(+filter, timeseries)_pb2": (
        OFFICIAL_PACKAGES_WITHOUT_INIT,
        "import tablestore.protobuf.table_store_pb2, tablestore.protobuf.table_store_filter_pb2,"
        " tablestore.protobuf.timeseries_pb2",
    ),
}

TIMER = """
import time
import alicloud_storage.tablestore.wire  # the parent packages, in every case
{setup}
t = time.perf_counter()
{stmt}
print((time.perf_counter() - t) * 1000)
"""


def measure(setup: str, stmt: str, runs: int) -> float:
    """Median milliseconds of `stmt` in a fresh interpreter after `setup`."""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", TIMER.format(setup=setup, stmt=stmt)],
            check=True, capture_output=True, text=True,
        )
        samples.append(float(out.stdout.split()[-1]))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results = {name: measure(setup, stmt, args.runs) for name, (setup, stmt) in CASES.items()}
    bare = results["google.protobuf (bare)"]
    for name, ms in results.items():
        print(f"{name:50s} {ms:7.2f} ms   (+{ms - bare:6.2f} ms over bare google.protobuf)")
    ours = results["ours: alicloud_storage...wire.pb"] - bare
    official = results["official: table_store(+filter, timeseries)_pb2"] - bare
    infra = results["descriptor_pool + message_factory"] - bare
    print(f"ours over protobuf's own descriptor_pool/message_factory import: {ours - infra:.2f} ms")
    print(f"ratio ours / official (over bare): {ours / official:.2f}")


if __name__ == "__main__":
    main()
