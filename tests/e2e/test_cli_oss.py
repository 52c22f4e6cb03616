"""`alicloud-storage oss` as a real subprocess against the in-process emulator: buckets,
listings, odd-named trees copied up and back byte for byte, sync moving only what changed,
presigned URLs fetched by plain HTTP, errors in one line."""
from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path
from typing import Dict, List

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.testing import OssBucket
from cli_helpers import clean_environ, run

ODD_NAMES = ["plain.txt", "with space.bin", "plus+sign.dat", "percent%20.txt", "ünïcødé-文件.txt",
             "nested/deeper/file #1.txt", "nested/a&b=c?.txt", "empty.txt"]


@pytest.fixture
def env(oss_bucket: OssBucket, tmp_path: Path) -> Dict[str, str]:
    emu: Emulator = oss_bucket.emulator
    made = clean_environ(tmp_path)
    made.update(OSS_ENDPOINT=emu.oss_endpoint, OSS_REGION=emu.region, OSS_ACCESS_KEY_ID=emu.access_key_id,
                OSS_ACCESS_KEY_SECRET=emu.access_key_secret, XDG_CACHE_HOME=str(tmp_path / "cache"))
    return made


@pytest.fixture
def bucket(oss_bucket: OssBucket) -> str:
    return oss_bucket.name


def oss(env: Dict[str, str], *args: str, stdin: str = "") -> "subprocess.CompletedProcess[str]":  # noqa: F821
    return run(["oss", *args], env, stdin=stdin)


def ok(env: Dict[str, str], *args: str) -> str:
    done = oss(env, *args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def make_tree(root: Path) -> Dict[str, bytes]:
    files = {}
    for number, name in enumerate(ODD_NAMES):
        data = b"" if name == "empty.txt" else hashlib.sha256(name.encode()).digest() * (number * 3000 + 1)
        path = root.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[name] = data
    return files


def tree(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_buckets_made_listed_and_removed(env: Dict[str, str], oss_bucket: OssBucket) -> None:
    assert ok(env, "mb", "oss://cli-made-bucket").strip() == "made oss://cli-made-bucket"
    listed = [json.loads(line) for line in ok(env, "ls", "--json").splitlines()]
    assert {b["bucket"] for b in listed} == {"cli-made-bucket", oss_bucket.name}
    assert "oss://cli-made-bucket" in ok(env, "ls")
    ok(env, "rb", "oss://cli-made-bucket")
    assert "cli-made-bucket" not in ok(env, "ls")


def test_odd_named_tree_up_and_back_identical(env: Dict[str, str], bucket: str, tmp_path: Path) -> None:
    files = make_tree(tmp_path / "src")
    ok(env, "cp", "-r", "--part-size", str(100 * 1024), str(tmp_path / "src"), f"oss://{bucket}/up/")
    lines = [json.loads(line) for line in ok(env, "ls", "-r", "--json", f"oss://{bucket}/up/").splitlines()]
    assert {x["key"] for x in lines} == {f"up/{n}" for n in ODD_NAMES}
    assert {x["key"]: x["size"] for x in lines} == {f"up/{n}": len(d) for n, d in files.items()}
    top = ok(env, "ls", f"oss://{bucket}/up/")
    assert f"oss://{bucket}/up/nested/" in top and "deeper" not in top
    ok(env, "cp", "-r", f"oss://{bucket}/up", f"oss://{bucket}/copied")
    ok(env, "cp", "-r", f"oss://{bucket}/copied/", str(tmp_path / "back"))
    assert tree(tmp_path / "back") == files


def test_single_objects_stat_cat_presign_and_rm(env: Dict[str, str], bucket: str, tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_bytes(b"hello, oss\n")
    ok(env, "cp", str(tmp_path / "hello.txt"), f"oss://{bucket}/docs/")
    info = json.loads(ok(env, "stat", "--json", f"oss://{bucket}/docs/hello.txt"))
    assert info["size"] == 11 and info["crc64"].isdigit()
    assert ok(env, "cat", f"oss://{bucket}/docs/hello.txt") == "hello, oss\n"
    url = ok(env, "presign", "--expires", "60", f"oss://{bucket}/docs/hello.txt").strip()
    with urllib.request.urlopen(url) as answer:  # plain HTTP, no credentials
        assert answer.read() == b"hello, oss\n"
    ok(env, "cp", f"oss://{bucket}/docs/hello.txt", str(tmp_path / "got.txt"))
    assert (tmp_path / "got.txt").read_bytes() == b"hello, oss\n"
    ok(env, "cp", f"oss://{bucket}/docs/hello.txt", f"oss://{bucket}/docs/two.txt")
    ok(env, "rm", f"oss://{bucket}/docs/hello.txt", f"oss://{bucket}/docs/two.txt")
    assert ok(env, "ls", "-r", f"oss://{bucket}/") == ""


def test_recursive_rm_asks_unless_forced(env: Dict[str, str], bucket: str, tmp_path: Path) -> None:
    make_tree(tmp_path / "src")
    ok(env, "cp", "-r", str(tmp_path / "src"), f"oss://{bucket}/t")
    refused = oss(env, "rm", "-r", f"oss://{bucket}/t/", stdin="n\n")
    assert refused.returncode == 1 and "not removed" in refused.stderr
    assert len(ok(env, "ls", "-r", f"oss://{bucket}/t/").splitlines()) == len(ODD_NAMES)
    assert f"removed {len(ODD_NAMES)} object(s)" in ok(env, "rm", "-r", "-f", f"oss://{bucket}/t/")
    assert ok(env, "ls", "-r", f"oss://{bucket}/t/") == ""


def test_sync_uploads_only_what_changed(env: Dict[str, str], bucket: str, tmp_path: Path) -> None:
    files = make_tree(tmp_path / "src")
    first = oss(env, "sync", str(tmp_path / "src"), f"oss://{bucket}/mirror")
    assert first.returncode == 0 and f"{len(files)} copied, 0 unchanged" in first.stderr
    (tmp_path / "src" / "plain.txt").write_bytes(b"X" + files["plain.txt"][1:])  # same size, new bytes
    (tmp_path / "src" / "new file.txt").write_bytes(b"new")
    second = oss(env, "sync", str(tmp_path / "src"), f"oss://{bucket}/mirror")
    assert f"2 copied, {len(files) - 1} unchanged" in second.stderr
    assert sorted(line.split(" -> ")[0] for line in second.stdout.splitlines()) == sorted(
        [str(tmp_path / "src" / "new file.txt"), str(tmp_path / "src" / "plain.txt")])
    down = oss(env, "sync", f"oss://{bucket}/mirror", str(tmp_path / "down"))
    assert f"{len(files) + 1} copied" in down.stderr and tree(tmp_path / "down") == tree(tmp_path / "src")
    again = oss(env, "sync", f"oss://{bucket}/mirror", str(tmp_path / "down"))
    assert f"0 copied, {len(files) + 1} unchanged" in again.stderr


@pytest.mark.parametrize("args, message", [
    (["ls", "oss://no-such-bucket-here/"], "NoSuchBucket"),
    (["stat", f"oss://{'x' * 3}/missing"], "(HTTP 404)"),
    (["cp", "a", "b"], "must be an oss:// URL"),
    (["cp", "/definitely/not/here", "oss://b/k"], "no such file"),
])
def test_user_errors_in_one_line(env: Dict[str, str], args: List[str], message: str) -> None:
    done = oss(env, *args)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("Error: ")]
    assert message in error


def test_no_credentials_is_one_line(env: Dict[str, str], bucket: str) -> None:
    bare = {k: v for k, v in env.items() if not k.startswith("OSS_ACCESS")}
    done = run(["oss", "ls", f"oss://{bucket}/"], bare)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "credentials" in done.stderr
