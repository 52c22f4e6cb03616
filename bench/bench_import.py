"""Import cost: ``import alicloud_storage.tablestore`` vs ``import tablestore``, in fresh
subprocesses, time and peak RSS; plus the cost of reaching our client class.

Run: ``.venv-test/bin/python bench/bench_import.py [--runs 7]``.

Each measurement is a new interpreter that imports one thing and reports the import's
wall time and its peak RSS (``ru_maxrss``); the median of ``--runs`` runs is printed.
Targets: our package <= 1/5 of the official time and <= 1/2 of its memory. Also checks
that importing our package loads none of urllib3, aiohttp, the emulator, sqlite3 or
flatbuffers.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from typing import Dict, List

HEAVY = ("urllib3", "aiohttp", "alicloud_storage.emulator", "sqlite3", "flatbuffers", "google.protobuf")

PROBE = """
import json, resource, sys, time
started = time.perf_counter()
exec({statement!r})
elapsed = time.perf_counter() - started
print(json.dumps({{
    "seconds": elapsed,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "heavy": [m for m in {heavy!r} if m in sys.modules],
}}))
"""

CASES = {
    "import tablestore (official)": "import tablestore",
    "import alicloud_storage.tablestore": "import alicloud_storage.tablestore",
    "from alicloud_storage.tablestore import OTSClient": "from alicloud_storage.tablestore import OTSClient",
    "python -c pass (baseline)": "pass",
}


def measure(statement: str, runs: int) -> Dict[str, object]:
    samples: List[dict] = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", PROBE.format(statement=statement, heavy=HEAVY)],
            capture_output=True, text=True, check=True,
        ).stdout
        samples.append(json.loads(output.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "rss_mb": statistics.median(s["rss_mb"] for s in samples),
        "heavy": samples[-1]["heavy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    results = {name: measure(statement, options.runs) for name, statement in CASES.items()}
    print(f"median of {options.runs} fresh interpreters")
    print(f"  {'':<52}{'time ms':>10}{'peak RSS MB':>14}  heavy modules loaded")
    for name, result in results.items():
        print(f"  {name:<52}{result['seconds'] * 1000:>10.1f}{result['rss_mb']:>14.1f}  "
              f"{', '.join(result['heavy']) or '-'}")
    official, ours = results["import tablestore (official)"], results["import alicloud_storage.tablestore"]
    client = results["from alicloud_storage.tablestore import OTSClient"]
    print("ratios (ours / official; targets: time <= 0.20, memory <= 0.50)")
    print(f"  package import: time {ours['seconds'] / official['seconds']:.2f}, "
          f"memory {ours['rss_mb'] / official['rss_mb']:.2f}")
    print(f"  with the client class: time {client['seconds'] / official['seconds']:.2f}, "
          f"memory {client['rss_mb'] / official['rss_mb']:.2f}")


if __name__ == "__main__":
    main()
