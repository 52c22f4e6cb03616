"""`alicloud-storage ots import / export` as subprocesses: formats, errors, and runs that
die half-way (killed, or refused by the service) and are resumed without a duplicate."""
from __future__ import annotations

import csv
import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from alicloud_storage.emulator import Emulator
from cli_helpers import clean_environ, cli_command, run, unique

DENIED = "You have no permission to access the requested resource, please contact the resource owner."
ROWS = [
    {"id": 1, "name": "ann", "score": 1.5, "active": True, "photo": {"$binary": "AAEC"}},
    {"id": 2, "name": "line one\nline two, \"quoted\"", "score": 2, "active": False},
    {"id": 3, "name": "", "note": "ü€😀"},
    {"id": 4},
]


def ots(env: Dict[str, str], *args: str, cwd: Path = None):  # type: ignore[assignment]
    return run(["ots", *args], env, cwd=cwd)


def ok(env: Dict[str, str], *args: str) -> str:
    result = ots(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def failed(env: Dict[str, str], *args: str) -> str:
    result = ots(env, *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr, (result.stdout, result.stderr)
    return result.stderr.strip().splitlines()[-1]


def write_jsonl(path: Path, rows: List[Dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> List[Dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def new_table(env: Dict[str, str], key: str = "id:INTEGER") -> str:
    table = unique("transfer")
    ok(env, "create", table, "--pk", key)
    return table


def test_jsonl_and_csv_round_trips(ots_env: Dict[str, str], tmp_path: Path) -> None:
    table = new_table(ots_env)
    source = write_jsonl(tmp_path / "rows.jsonl", ROWS)
    assert ok(ots_env, "import", table, str(source)) == f"imported 4 rows into {table}\n"
    assert not (tmp_path / "rows.jsonl.import-checkpoint").exists()

    out = tmp_path / "out.jsonl"
    assert ok(ots_env, "export", table, str(out)) == f"exported 4 rows from {table} to {out}\n"
    assert read_jsonl(out) == [dict(sorted(r.items(), key=lambda kv: (kv[0] != "id", kv[0]))) for r in ROWS]
    assert not list(tmp_path.glob("out.jsonl.*"))

    as_csv = tmp_path / "out.csv"
    ok(ots_env, "export", table, str(as_csv))
    with as_csv.open(newline="", encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert records[0] == ["id:INTEGER", "active:BOOLEAN", "name:STRING", "photo:BINARY", "score:DOUBLE",
                          "score:INTEGER", "note:STRING"]
    assert records[1] == ["1", "true", "ann", "AAEC", "1.5", "", ""]
    assert records[2] == ["2", "false", ROWS[1]["name"], "", "", "2", ""]

    copy = new_table(ots_env)
    assert ok(ots_env, "import", copy, str(as_csv)) == f"imported 4 rows into {copy}\n"
    again = tmp_path / "again.jsonl"
    ok(ots_env, "export", copy, str(again))
    # CSV cannot tell an empty STRING from an absent column: row 3's empty name is dropped.
    expected = read_jsonl(out)
    del expected[2]["name"]
    assert read_jsonl(again) == expected


def test_csv_header_without_types(ots_env: Dict[str, str], tmp_path: Path) -> None:
    table = new_table(ots_env, "code:STRING")
    source = tmp_path / "plain.csv"
    source.write_text("\ufeffcode,count:INTEGER,label\n007,3,x\n008,,y\n", encoding="utf-8")
    ok(ots_env, "import", table, str(source))
    lines = ok(ots_env, "scan", table, "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"code": "007", "count": 3, "label": "x"}, {"code": "008", "label": "y"}]


def test_import_mistakes_are_one_line(ots_env: Dict[str, str], tmp_path: Path) -> None:
    table = new_table(ots_env)
    assert "pass --format jsonl or --format csv" in failed(ots_env, "import", table, str(write_jsonl(tmp_path / "r.txt", ROWS)))
    missing = ots(ots_env, "import", table, str(tmp_path / "missing.jsonl"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{"id": 2}\n{"id": "three"}\n', encoding="utf-8")
    message = failed(ots_env, "import", table, str(bad))
    assert message == ("Error: import stopped after row 0: row 3: primary key column id must be INTEGER, "
                       "not STRING; fix the file, then run again with --restart")

    header = tmp_path / "bad.csv"
    header.write_text("id:INTEGER,when:DATE\n1,today\n", encoding="utf-8")
    assert "CSV header cell 2 ('when:DATE') must be name or name:TYPE" in failed(ots_env, "import", table, str(header))

    good = write_jsonl(tmp_path / "good.jsonl", ROWS)
    checkpoint = tmp_path / "good.jsonl.import-checkpoint"
    checkpoint.write_text(json.dumps({"kind": "import", "table": table, "file": str(good), "offset": 10,
                                      "rows": 1, "source_size": 1, "source_mtime_ns": 1}), encoding="utf-8")
    assert "older version of good.jsonl; pass --restart" in failed(ots_env, "import", table, str(good))
    assert ok(ots_env, "import", table, str(good), "--restart") == f"imported 4 rows into {table}\n"


def test_csv_import_resumes_at_the_checkpoint_offset(ots_env: Dict[str, str], tmp_path: Path) -> None:
    """A checkpoint as a dead run leaves it (offset after row 2, whose cell spans lines):
    the next run sends exactly the rows after it."""
    table = new_table(ots_env)
    source = tmp_path / "rows.csv"
    head = 'id,text\n1,plain\n2,"two\nlines, and ""quotes"""\n'
    source.write_text(head + "3,three\n4,four\n", encoding="utf-8")
    stat = source.stat()
    (tmp_path / "rows.csv.import-checkpoint").write_text(json.dumps({
        "kind": "import", "table": table, "file": str(source.resolve()), "offset": len(head.encode()),
        "rows": 2, "source_size": stat.st_size, "source_mtime_ns": stat.st_mtime_ns}), encoding="utf-8")
    result = ots(ots_env, "import", table, str(source))
    assert result.returncode == 0, result.stderr
    assert "resuming after row 2 (rows.csv.import-checkpoint)" in result.stderr
    assert result.stdout == f"imported 4 rows into {table} (2 in this run, resumed after row 2)\n"
    lines = ok(ots_env, "scan", table, "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [{"id": 3, "text": "three"}, {"id": 4, "text": "four"}]

    ok(ots_env, "import", table, str(source))  # complete, no checkpoint: from the first row
    assert json.loads(ok(ots_env, "get", table, '{"id": 2}'))["text"] == 'two\nlines, and "quotes"'


def test_export_refuses_to_overwrite(ots_env: Dict[str, str], tmp_path: Path) -> None:
    table = new_table(ots_env)
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n")
    assert "exists; pass --force" in failed(ots_env, "export", table, str(out))
    assert out.read_text() == "keep me\n"
    assert ok(ots_env, "export", table, str(out), "--force") == f"exported 0 rows from {table} to {out}\n"
    assert out.read_text() == ""


# --- interrupted transfers ------------------------------------------------------------------

@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """An in-process emulator (to inject faults) serving the CLI subprocesses."""
    with Emulator(memory=True) as emu:
        yield emu


def environ_for(emu: Emulator, tmp: Path) -> Dict[str, str]:
    env = clean_environ(tmp)
    env.update(TABLESTORE_ENDPOINT=emu.tablestore_endpoint, TABLESTORE_INSTANCE_NAME=emu.instance,
               TABLESTORE_ACCESS_KEY_ID=emu.access_key_id, TABLESTORE_ACCESS_KEY_SECRET=emu.access_key_secret)
    return env


def numbered_rows(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": i, "name": f"user-{i}", "score": i / 4, "even": i % 2 == 0}) + "\n")
    return path


def start(env: Dict[str, str], *args: str) -> "subprocess.Popen[str]":
    return subprocess.Popen(cli_command() + ["ots", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for_rows(checkpoint: Path, rows: int, process: "subprocess.Popen[str]") -> int:
    """Poll the checkpoint until it records at least ``rows`` rows; returns what it says."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            done = json.loads(checkpoint.read_text())["rows"]
        except (OSError, ValueError):
            done = 0
        if done >= rows:
            return int(done)
        time.sleep(0.02)
    raise AssertionError(f"{checkpoint} never reached {rows} rows")


def exported_ids(env: Dict[str, str], table: str, out: Path) -> List[int]:
    result = run(["ots", "export", table, str(out), "--force"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["id"] for line in out.read_text().splitlines()]


def test_refused_import_and_export_resume(emulator: Emulator, tmp_path: Path) -> None:
    """The emulator serves 10 BatchWriteRow requests, refuses the 11th (403), serves the
    rest; then the same with GetRange pages for an export."""
    env = environ_for(emulator, tmp_path)
    table = new_table(env)
    source = numbered_rows(tmp_path / "rows.jsonl", 12_000)
    checkpoint = tmp_path / "rows.jsonl.import-checkpoint"

    emulator.inject_fault("BatchWriteRow", None, count=10)  # served normally
    emulator.inject_fault("BatchWriteRow", "OTSNoPermissionAccess", DENIED, 403, count=1)
    stopped = run(["ots", "import", table, str(source)], env)
    assert stopped.returncode == 1, stopped.stderr
    stopped_at = json.loads(checkpoint.read_text())["rows"]
    # only whole batches before the refused one: the 11th request to arrive, which with 4 batches
    # in flight (4 threads racing to send) may be batch 11 or one of the 3 after it
    assert 0 < stopped_at <= 2_600 and stopped_at % 200 == 0
    assert stopped.stderr.strip().splitlines()[-1] == (
        f"Error: import stopped after row {stopped_at}: OTSNoPermissionAccess: {DENIED} (HTTP 403); "
        "run the same command again to resume")

    resumed = run(["ots", "import", table, str(source)], env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming after row {stopped_at} (rows.jsonl.import-checkpoint)" in resumed.stderr
    assert resumed.stdout == (f"imported 12000 rows into {table} "
                              f"({12_000 - stopped_at} in this run, resumed after row {stopped_at})\n")
    assert not checkpoint.exists()

    output = tmp_path / "out.jsonl"
    emulator.inject_fault("GetRange", None, count=1)
    emulator.inject_fault("GetRange", "OTSNoPermissionAccess", DENIED, 403, count=1)
    refused = run(["ots", "export", table, str(output)], env)
    exported = json.loads((tmp_path / "out.jsonl.export-checkpoint").read_text())["rows"]
    assert refused.returncode == 1 and 0 < exported < 12_000 and not output.exists(), refused.stderr
    assert f"Error: export stopped after row {exported}: OTSNoPermissionAccess" in refused.stderr
    finished = run(["ots", "export", table, str(output)], env)
    assert finished.returncode == 0 and f"resuming after row {exported}" in finished.stderr, finished.stderr
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == list(range(12_000))


@pytest.mark.slow
def test_killed_import_of_100000_rows_resumes_without_duplicates(emulator: Emulator, tmp_path: Path) -> None:
    env = environ_for(emulator, tmp_path)
    table = new_table(env)
    source = numbered_rows(tmp_path / "rows.jsonl", 100_000)
    checkpoint = tmp_path / "rows.jsonl.import-checkpoint"

    importing = start(env, "import", table, str(source))
    wait_for_rows(checkpoint, 30_000, importing)
    importing.send_signal(signal.SIGKILL)
    importing.wait(timeout=10)
    killed_at = json.loads(checkpoint.read_text())["rows"]
    assert 30_000 <= killed_at < 100_000

    resumed = run(["ots", "import", table, str(source)], env, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout == (f"imported 100000 rows into {table} "
                              f"({100_000 - killed_at} in this run, resumed after row {killed_at})\n")
    assert exported_ids(env, table, tmp_path / "all.jsonl") == list(range(100_000))
