"""A 200 MiB upload and download killed with SIGKILL half way: the re-run sends (or fetches)
only the parts the checkpoint does not hold, and the object's CRC-64 is the file's."""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Set

import pytest

import alicloud_storage.oss as oss
from alicloud_storage.emulator import Emulator
from alicloud_storage.oss.crc64 import crc64

pytestmark = pytest.mark.slow

SIZE = 200 * 1024 * 1024
PART = 8 * 1024 * 1024
PARTS = SIZE // PART
SCRIPT = Path(__file__).with_name("resume_script.py")


def run_until_half(emu: Emulator, direction: str, path: Path, bucket: str, checkpoints: Path) -> None:
    env = dict(os.environ, OSS_ENDPOINT=emu.oss_endpoint, OSS_REGION=emu.region,
               OSS_ACCESS_KEY_ID=emu.access_key_id, OSS_ACCESS_KEY_SECRET=emu.access_key_secret)
    proc = subprocess.Popen([sys.executable, str(SCRIPT), direction, str(path), bucket, "big", str(checkpoints)],
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if int(line.split()[0]) >= SIZE // 2:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL


def settle(received_parts: List[int]) -> None:
    """Wait until the emulator has stored what the killed process had already sent (a part
    whose body sat in the socket buffer still arrives; it was never acknowledged to the client)."""
    quiet, seen = 0, -1
    while quiet < 5:
        quiet = quiet + 1 if len(received_parts) == seen else 0
        seen = len(received_parts)
        time.sleep(0.1)


def saved_parts(checkpoints: Path) -> Set[int]:
    (name,) = os.listdir(checkpoints)
    return {p["number"] for p in json.loads((checkpoints / name).read_text())["parts"]}


@pytest.fixture
def big_file(tmp_path: Path) -> bytes:
    data = random.Random(7).randbytes(SIZE) if hasattr(random.Random, "randbytes") else os.urandom(SIZE)
    (tmp_path / "big.bin").write_bytes(data)
    return data


def test_killed_upload_resumes_without_resending_parts(emu: Emulator, client: oss.Client, bucket: str,
                                                       tmp_path: Path, big_file: bytes,
                                                       received_parts: List[int]) -> None:
    checkpoints = tmp_path / "cp"
    run_until_half(emu, "up", tmp_path / "big.bin", bucket, checkpoints)
    done = saved_parts(checkpoints)
    assert PARTS // 2 <= len(done) < PARTS
    settle(received_parts)
    before = len(received_parts)
    result = client.uploader(part_size=PART, parallel_num=2, enable_checkpoint=True,
                             checkpoint_dir=str(checkpoints)).upload_file(
        oss.PutObjectRequest(bucket=bucket, key="big"), str(tmp_path / "big.bin"))
    resent = received_parts[before:]
    assert sorted(resent) == sorted(set(range(1, PARTS + 1)) - done)
    assert result.hash_crc64 == str(crc64(big_file))
    meta = client.head_object(oss.HeadObjectRequest(bucket=bucket, key="big"))
    assert meta.hash_crc64 == str(crc64(big_file)) and meta.content_length == SIZE


def test_killed_download_resumes_without_refetching_parts(emu: Emulator, client: oss.Client, bucket: str,
                                                          tmp_path: Path, big_file: bytes) -> None:
    client.uploader(part_size=PART).upload_file(oss.PutObjectRequest(bucket=bucket, key="big"),
                                                str(tmp_path / "big.bin"))
    checkpoints, target = tmp_path / "cp", tmp_path / "back.bin"
    run_until_half(emu, "down", target, bucket, checkpoints)
    done = saved_parts(checkpoints)
    assert PARTS // 2 <= len(done) < PARTS and not target.exists()
    increments: List[int] = []
    client.downloader(part_size=PART, parallel_num=2, enable_checkpoint=True,
                      checkpoint_dir=str(checkpoints)).download_file(
        oss.GetObjectRequest(bucket=bucket, key="big", progress_fn=lambda i, t, n: increments.append(i)),
        str(target))
    assert increments[0] == len(done) * PART and increments[1:] == [PART] * (PARTS - len(done))
    assert crc64(target.read_bytes()) == crc64(big_file) and os.listdir(checkpoints) == []


def test_killed_cli_cp_resumes_on_rerun(emu: Emulator, client: oss.Client, bucket: str, tmp_path: Path,
                                        big_file: bytes, received_parts: List[int]) -> None:
    env = dict(os.environ, OSS_ENDPOINT=emu.oss_endpoint, OSS_REGION=emu.region,
               OSS_ACCESS_KEY_ID=emu.access_key_id, OSS_ACCESS_KEY_SECRET=emu.access_key_secret,
               XDG_CACHE_HOME=str(tmp_path / "cache"))
    command = [sys.executable, "-c", "from alicloud_storage.cli import main; main()", "oss", "cp", "--progress",
               "--part-size", str(PART), "--parallel", "2", str(tmp_path / "big.bin"), f"oss://{bucket}/cli.bin"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    shown = b""
    while True:  # the bar's latest state is after the last carriage return
        block = proc.stderr.read1(4096)  # type: ignore[attr-defined]
        assert block, "cp ended before half way"
        shown += block
        percent = re.findall(rb"(\d+)%", shown.rpartition(b"\r")[2])
        if percent and int(percent[-1]) >= 50:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert b"ETA" in shown and b"/s" in shown
    done = saved_parts(tmp_path / "cache" / "alicloud-storage" / "oss-checkpoints")
    assert PARTS // 2 <= len(done) < PARTS
    settle(received_parts)
    before = len(received_parts)
    rerun = subprocess.run(command[:5] + ["--no-progress"] + command[6:], env=env, capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted(received_parts[before:]) == sorted(set(range(1, PARTS + 1)) - done)
    meta = client.head_object(oss.HeadObjectRequest(bucket=bucket, key="cli.bin"))
    assert meta.hash_crc64 == str(crc64(big_file))
