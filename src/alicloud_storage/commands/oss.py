"""`alicloud-storage oss ...`: buckets and objects on OSS (or the emulator) from the command line.

``mb``, ``rb``, ``ls``, ``cp`` (local <-> OSS, OSS -> OSS, recursive, parallel parts,
resumable), ``rm``, ``stat``, ``cat``, ``presign``, ``sync``. Endpoint and region from
--endpoint / --region (or OSS_ENDPOINT / OSS_REGION), credentials from the default chain
(OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET included). Transfers go through the transfer
manager with checkpoints, so running an interrupted ``cp`` or ``sync`` again resumes it.
A user mistake or a service error prints one line and exits non-zero.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from typing import IO, Any, Dict, Iterator, List, Optional, Tuple

import click

from alicloud_storage.credentials import ChainFailure, CredentialsError, DefaultCredentialsProvider
from alicloud_storage.oss import models
from alicloud_storage.oss.client import Client
from alicloud_storage.oss.config import Config
from alicloud_storage.oss.crc64 import Crc64
from alicloud_storage.oss.exceptions import BaseError, OperationError, ServiceError

__all__ = ["oss", "mb", "rb", "ls", "cp", "rm", "stat", "cat", "presign", "sync", "OssUrl", "human_size"]

_MiB = 1024 * 1024
_DELETE_BATCH = 1000


@dataclass(frozen=True)
class OssUrl:
    """``oss://bucket/key`` split into its bucket and key (key "" for a bucket or a prefix root)."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, text: str) -> "OssUrl":
        """The bucket and key of an ``oss://`` URL (a usage error otherwise)."""
        if not text.startswith("oss://") or len(text) <= len("oss://"):
            raise click.UsageError(f"not an OSS URL (oss://bucket/key): {text}")
        bucket, _, key = text[len("oss://"):].partition("/")
        return cls(bucket, key)

    def join(self, relative: str) -> "OssUrl":
        """The URL of ``relative`` under this one taken as a prefix."""
        prefix = self.key if not self.key or self.key.endswith("/") else self.key + "/"
        return OssUrl(self.bucket, prefix + relative)

    def __str__(self) -> str:
        return f"oss://{self.bucket}/{self.key}"


def human_size(size: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _one_line(exc: BaseException) -> str:
    """The message a user sees for an error: one line, no secret."""
    while hasattr(exc, "unwrap") and exc.unwrap() is not None and exc.unwrap() is not exc:
        exc = exc.unwrap()
    if isinstance(exc, ServiceError):
        return f"{exc.code}: {exc.message} (HTTP {exc.status_code})"
    if isinstance(exc, ChainFailure):
        tried = "; ".join(f"{name}: {reason}" for name, reason in exc.failures)
        return f"no credentials (set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET); tried {tried}"
    return " ".join(str(exc).split())


def _checkpoint_dir() -> str:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "alicloud-storage", "oss-checkpoints")


@dataclass
class _Connection:
    """The group's options; the client is made when a command first needs it."""

    endpoint: Optional[str]
    region: Optional[str]
    timeout: float
    retries: int
    _client: Any = None

    @property
    def client(self) -> Any:
        """The OSS Client (its operation methods are generated, so typed Any here)."""
        if self._client is None:
            if not self.region:
                raise click.UsageError("no region: pass --region or set OSS_REGION")
            config = Config(region=self.region, endpoint=self.endpoint or None,
                            credentials_provider=DefaultCredentialsProvider(),
                            connect_timeout=self.timeout, readwrite_timeout=self.timeout,
                            retry_max_attempts=self.retries + 1)
            self._client = Client(config)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


class _OssGroup(click.Group):
    """Turns the errors a user can cause or meet into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (BaseError, CredentialsError, OSError) as exc:
            raise click.ClickException(_one_line(exc)) from None


_pass_connection = click.make_pass_decorator(_Connection)


@click.group("oss", cls=_OssGroup)
@click.option("--endpoint", envvar="OSS_ENDPOINT", metavar="URL",
              help="OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com or the emulator's "
                   "http://127.0.0.1:8801; derived from --region when unset [env: OSS_ENDPOINT].")
@click.option("--region", envvar="OSS_REGION", metavar="REGION",
              help="Region, e.g. cn-hangzhou (V4 signing scope) [env: OSS_REGION].")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Connect and read/write timeout per request, seconds.")
@click.option("--retries", default=2, show_default=True, type=click.IntRange(min=0),
              help="Retries of a request that failed transiently.")
@click.option("-v", "--verbose", is_flag=True, help="Log requests and retries to stderr.")
@click.pass_context
def oss(ctx: click.Context, endpoint: Optional[str], region: Optional[str], timeout: float, retries: int,
        verbose: bool) -> None:
    """Buckets and objects on OSS or the emulator: mb, rb, ls, cp, rm, stat, cat, presign, sync.

    Credentials come from the default chain (OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET /
    OSS_SESSION_TOKEN, then the other documented variables, the credentials file, ECS RAM
    role; see docs/credentials.md).
    """
    if verbose:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    else:
        logging.getLogger("alicloud_storage").addHandler(logging.NullHandler())
    connection = _Connection(endpoint, region, timeout, retries)
    ctx.obj = connection
    ctx.call_on_close(connection.close)


# --- buckets -----------------------------------------------------------------------------

@oss.command("mb")
@click.argument("url")
@click.option("--acl", type=click.Choice(["private", "public-read", "public-read-write"]), default=None)
@_pass_connection
def mb(conn: _Connection, url: str, acl: Optional[str]) -> None:
    """Make a bucket: mb oss://BUCKET."""
    target = OssUrl.parse(url)
    conn.client.put_bucket(models.PutBucketRequest(bucket=target.bucket, acl=acl))
    click.echo(f"made oss://{target.bucket}")


@oss.command("rb")
@click.argument("url")
@_pass_connection
def rb(conn: _Connection, url: str) -> None:
    """Remove an empty bucket: rb oss://BUCKET."""
    target = OssUrl.parse(url)
    conn.client.delete_bucket(models.DeleteBucketRequest(bucket=target.bucket))
    click.echo(f"removed oss://{target.bucket}")


# --- listing -----------------------------------------------------------------------------

def _objects(client: Any, target: OssUrl, recursive: bool) -> Iterator[Tuple[str, Any]]:
    """('dir', prefix) and ('obj', ObjectProperties) under ``target`` in key order."""
    request = models.ListObjectsV2Request(bucket=target.bucket, prefix=target.key or None,
                                          delimiter=None if recursive else "/", encoding_type="url")
    for page in client.list_objects_v2_paginator().iter_page(request):
        for prefix in page.common_prefixes or []:
            yield "dir", prefix.prefix
        for item in page.contents or []:
            yield "obj", item


def _when(value: Optional[datetime.datetime]) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


@oss.command("ls")
@click.argument("url", required=False)
@click.option("-r", "--recursive", is_flag=True, help="Every object under the prefix, not one level.")
@click.option("-H", "--human-readable", "human", is_flag=True, help="Sizes as KiB, MiB, GiB.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@_pass_connection
def ls(conn: _Connection, url: Optional[str], recursive: bool, human: bool, as_json: bool) -> None:
    """List buckets, or the objects and prefixes under oss://BUCKET[/PREFIX]."""
    if not url:
        for page in conn.client.list_buckets_paginator().iter_page(models.ListBucketsRequest()):
            for bucket in page.buckets or []:
                if as_json:
                    click.echo(json.dumps({"bucket": bucket.name, "region": bucket.region or bucket.location,
                                           "created": bucket.creation_date.isoformat() if bucket.creation_date
                                           else None}))
                else:
                    click.echo(f"{_when(bucket.creation_date)}  {bucket.region or bucket.location or '-':<16} "
                               f"oss://{bucket.name}")
        return
    target = OssUrl.parse(url)
    count, total = 0, 0
    for kind, entry in _objects(conn.client, target, recursive):
        if kind == "dir":
            if as_json:
                click.echo(json.dumps({"prefix": f"oss://{target.bucket}/{entry}"}))
            else:
                click.echo(f"{'DIR':>30}  oss://{target.bucket}/{entry}")
            continue
        count, total = count + 1, total + int(entry.size or 0)
        if as_json:
            click.echo(json.dumps({"key": entry.key, "url": f"oss://{target.bucket}/{entry.key}",
                                   "size": entry.size, "etag": (entry.etag or "").strip('"'),
                                   "last_modified": entry.last_modified.isoformat() if entry.last_modified
                                   else None, "storage_class": entry.storage_class}))
        else:
            size = human_size(entry.size or 0) if human else str(entry.size or 0)
            click.echo(f"{_when(entry.last_modified)}  {size:>10}  oss://{target.bucket}/{entry.key}")
    if not as_json:
        click.echo(f"{count} object(s), {human_size(total) if human else f'{total} bytes'}", err=True)


# --- progress ----------------------------------------------------------------------------

class _Bar:
    """A one-line progress bar with rate and ETA on a terminal's stderr (silent otherwise)."""

    def __init__(self, label: str, enabled: bool, clock: Any = time.monotonic) -> None:
        self._label = label if len(label) <= 40 else "..." + label[-37:]
        self._enabled = enabled
        self._clock = clock
        self._start = clock()
        self._shown = 0.0

    def __call__(self, increment: int, transferred: int, total: int) -> None:
        if not self._enabled:
            return
        now = self._clock()
        if now - self._shown < 0.1 and transferred != total:
            return
        self._shown = now
        click.echo("\r" + self.line(transferred, total, now - self._start), nl=False, err=True)

    def line(self, transferred: int, total: int, elapsed: float) -> str:
        """``label  42% [#####     ] 12.0 MiB/s ETA 0:03``."""
        rate = transferred / elapsed if elapsed > 0 else 0.0
        if total > 0:
            share = transferred / total
            left = (total - transferred) / rate if rate > 0 else 0.0
            bar = "#" * int(share * 20)
            eta = f"{int(left // 60)}:{int(left % 60):02d}"
            return f"{self._label}  {share:4.0%} [{bar:<20}] {human_size(rate)}/s ETA {eta}"
        return f"{self._label}  {human_size(transferred)} {human_size(rate)}/s"

    def done(self) -> None:
        if self._enabled:
            click.echo("", err=True)


@dataclass
class _Transfer:
    """Options every copy shares."""

    client: Any
    part_size: int
    parallel: int
    progress: bool

    def options(self) -> Dict[str, Any]:
        return {"part_size": self.part_size, "parallel_num": self.parallel, "enable_checkpoint": True,
                "checkpoint_dir": _checkpoint_dir()}

    def upload(self, path: str, target: OssUrl) -> None:
        bar = _Bar(os.path.basename(path), self.progress)
        self.client.uploader(**self.options()).upload_file(
            models.PutObjectRequest(bucket=target.bucket, key=target.key, progress_fn=bar), path)
        bar.done()
        click.echo(f"{path} -> {target}")

    def download(self, source: OssUrl, path: str) -> None:
        bar = _Bar(os.path.basename(path), self.progress)
        self.client.downloader(**self.options()).download_file(
            models.GetObjectRequest(bucket=source.bucket, key=source.key, progress_fn=bar), path)
        bar.done()
        click.echo(f"{source} -> {path}")

    def copy(self, source: OssUrl, target: OssUrl) -> None:
        bar = _Bar(target.key, self.progress)
        self.client.copier(part_size=max(self.part_size, 100 * 1024), parallel_num=self.parallel).copy(
            models.CopyObjectRequest(bucket=target.bucket, key=target.key, source_bucket=source.bucket,
                                     source_key=source.key, progress_fn=bar))
        bar.done()
        click.echo(f"{source} -> {target}")


def _local_files(root: str) -> Iterator[Tuple[str, str]]:
    """(path, relative path with '/') of every file under ``root``, sorted."""
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            yield path, os.path.relpath(path, root).replace(os.sep, "/")


def _local_path(root: str, relative: str) -> str:
    parts = [p for p in relative.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise click.ClickException(f"refusing an object key that leaves the directory: {relative}")
    return os.path.join(root, *parts)


_transfer_options = [
    click.option("--part-size", default=8 * _MiB, show_default=True, type=click.IntRange(min=100 * 1024),
                 help="Part size in bytes for multipart transfers."),
    click.option("--parallel", default=4, show_default=True, type=click.IntRange(min=1),
                 help="Parts in flight at once."),
    click.option("--progress/--no-progress", default=None,
                 help="Progress bar with rate and ETA [default: when stderr is a terminal]."),
]


def _with_transfer_options(command: Any) -> Any:
    for option in reversed(_transfer_options):
        command = option(command)
    return command


def _transfer(conn: _Connection, part_size: int, parallel: int, progress: Optional[bool]) -> _Transfer:
    return _Transfer(conn.client, part_size, parallel, sys.stderr.isatty() if progress is None else progress)


@oss.command("cp")
@click.argument("source")
@click.argument("destination")
@click.option("-r", "--recursive", is_flag=True, help="Copy a directory or a prefix and everything under it.")
@_with_transfer_options
@_pass_connection
def cp(conn: _Connection, source: str, destination: str, recursive: bool, part_size: int, parallel: int,
       progress: Optional[bool]) -> None:
    """Copy files and objects: local -> oss://, oss:// -> local, oss:// -> oss://.

    Large files go in parallel parts; an interrupted copy resumes when run again.
    """
    transfer = _transfer(conn, part_size, parallel, progress)
    from_oss, to_oss = source.startswith("oss://"), destination.startswith("oss://")
    if not from_oss and not to_oss:
        raise click.UsageError("one of SOURCE and DESTINATION must be an oss:// URL")
    if not from_oss:
        target = OssUrl.parse(destination)
        if recursive:
            if not os.path.isdir(source):
                raise click.UsageError(f"not a directory: {source}")
            for path, relative in _local_files(source):
                transfer.upload(path, target.join(relative))
            return
        if not os.path.isfile(source):
            raise click.UsageError(f"no such file: {source}")
        if not target.key or target.key.endswith("/"):
            target = target.join(os.path.basename(source))
        transfer.upload(source, target)
        return
    origin = OssUrl.parse(source)
    if recursive:
        prefix = origin.key if not origin.key or origin.key.endswith("/") else origin.key + "/"
        listed = [e for kind, e in _objects(conn.client, OssUrl(origin.bucket, prefix), True) if kind == "obj"]
        for entry in listed:
            relative = entry.key[len(prefix):]
            if not relative or relative.endswith("/"):
                continue
            item = OssUrl(origin.bucket, entry.key)
            if to_oss:
                transfer.copy(item, OssUrl.parse(destination).join(relative))
            else:
                transfer.download(item, _local_path(destination, relative))
        return
    if to_oss:
        target = OssUrl.parse(destination)
        if not target.key or target.key.endswith("/"):
            target = target.join(origin.key.rsplit("/", 1)[-1])
        transfer.copy(origin, target)
        return
    path = destination
    if os.path.isdir(destination) or destination.endswith(os.sep):
        path = os.path.join(destination, origin.key.rsplit("/", 1)[-1])
    transfer.download(origin, path)


# --- objects -----------------------------------------------------------------------------

def _delete_keys(client: Any, bucket: str, keys: List[str]) -> None:
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start:start + _DELETE_BATCH]
        client.delete_multiple_objects(models.DeleteMultipleObjectsRequest(
            bucket=bucket, objects=[models.DeleteObject(key=k) for k in batch], quiet=True, encoding_type="url"))


@oss.command("rm")
@click.argument("urls", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Remove every object under each prefix.")
@click.option("-f", "--force", is_flag=True, help="Do not ask before a recursive removal.")
@_pass_connection
def rm(conn: _Connection, urls: Tuple[str, ...], recursive: bool, force: bool) -> None:
    """Remove objects: rm oss://B/KEY...; rm -r oss://B/PREFIX (asks first unless -f)."""
    targets = [OssUrl.parse(u) for u in urls]
    for target in targets:
        if not recursive:
            conn.client.delete_object(models.DeleteObjectRequest(bucket=target.bucket, key=target.key))
            click.echo(f"removed {target}")
            continue
        keys = [e.key for kind, e in _objects(conn.client, target, True) if kind == "obj"]
        if not keys:
            click.echo(f"nothing under {target}")
            continue
        if not force and not click.confirm(f"remove {len(keys)} object(s) under {target}?", err=True):
            raise click.ClickException("not removed")
        _delete_keys(conn.client, target.bucket, keys)
        click.echo(f"removed {len(keys)} object(s) under {target}")


@oss.command("stat")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_pass_connection
def stat(conn: _Connection, url: str, as_json: bool) -> None:
    """Show an object's size, ETag, CRC-64, type, storage class, metadata."""
    target = OssUrl.parse(url)
    head = conn.client.head_object(models.HeadObjectRequest(bucket=target.bucket, key=target.key))
    info = {"url": str(target), "size": head.content_length, "etag": (head.etag or "").strip('"'),
            "crc64": head.hash_crc64, "content_type": head.content_type,
            "last_modified": head.last_modified.isoformat() if head.last_modified else None,
            "object_type": head.object_type, "storage_class": head.storage_class,
            "metadata": head.metadata or {}}
    if as_json:
        click.echo(json.dumps(info))
        return
    for name, value in info.items():
        click.echo(f"{name:<14} {value}")


@oss.command("cat")
@click.argument("url")
@_pass_connection
def cat(conn: _Connection, url: str) -> None:
    """Write an object's bytes to stdout (CRC-64 checked)."""
    target = OssUrl.parse(url)
    result = conn.client.get_object(models.GetObjectRequest(bucket=target.bucket, key=target.key))
    out: IO[bytes] = click.get_binary_stream("stdout")
    with result.body as body:
        for chunk in body.iter_bytes(_MiB):
            out.write(chunk)
    out.flush()


@oss.command("presign")
@click.argument("url")
@click.option("--expires", default=900, show_default=True, type=click.IntRange(min=1, max=7 * 24 * 3600),
              help="Lifetime in seconds.")
@click.option("--method", type=click.Choice(["GET", "PUT", "HEAD"]), default="GET", show_default=True)
@_pass_connection
def presign(conn: _Connection, url: str, expires: int, method: str) -> None:
    """Print a presigned URL anyone can use until it expires."""
    target = OssUrl.parse(url)
    request: Any = {"GET": models.GetObjectRequest, "PUT": models.PutObjectRequest,
                    "HEAD": models.HeadObjectRequest}[method](bucket=target.bucket, key=target.key)
    result = conn.client.presign(request, expires=datetime.timedelta(seconds=expires))
    click.echo(result.url)


# --- sync --------------------------------------------------------------------------------

def _file_crc(path: str) -> str:
    crc = Crc64()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(_MiB), b""):
            crc.update(block)
    return str(crc.value)


def _remote_crc(client: Any, bucket: str, key: str) -> Optional[str]:
    try:
        crc: Optional[str] = client.head_object(models.HeadObjectRequest(bucket=bucket, key=key)).hash_crc64
        return crc
    except OperationError as exc:
        inner = exc.unwrap()
        if isinstance(inner, ServiceError) and inner.status_code == 404:
            return None
        raise


@oss.command("sync")
@click.argument("source")
@click.argument("destination")
@click.option("--dry-run", is_flag=True, help="Only say what would be copied.")
@_with_transfer_options
@_pass_connection
def sync(conn: _Connection, source: str, destination: str, dry_run: bool, part_size: int, parallel: int,
         progress: Optional[bool]) -> None:
    """Make a prefix match a local directory (or the reverse): only new or changed files move.

    A file is unchanged when its size and CRC-64 equal the object's.
    """
    transfer = _transfer(conn, part_size, parallel, progress)
    if source.startswith("oss://") == destination.startswith("oss://"):
        raise click.UsageError("sync needs one local directory and one oss:// prefix")
    moved = same = 0
    if destination.startswith("oss://"):
        if not os.path.isdir(source):
            raise click.UsageError(f"not a directory: {source}")
        target = OssUrl.parse(destination)
        prefix = target.join("").key
        remote = {e.key[len(prefix):]: e for kind, e in _objects(conn.client, OssUrl(target.bucket, prefix), True)
                  if kind == "obj"}
        for path, relative in _local_files(source):
            entry = remote.get(relative)
            if entry is not None and entry.size == os.path.getsize(path) and \
                    _remote_crc(conn.client, target.bucket, entry.key) == _file_crc(path):
                same += 1
                continue
            moved += 1
            if dry_run:
                click.echo(f"would copy {path} -> {target.join(relative)}")
            else:
                transfer.upload(path, target.join(relative))
    else:
        origin = OssUrl.parse(source)
        prefix = origin.join("").key
        for kind, entry in _objects(conn.client, OssUrl(origin.bucket, prefix), True):
            relative = entry.key[len(prefix):] if kind == "obj" else ""
            if not relative or relative.endswith("/"):
                continue
            path = _local_path(destination, relative)
            if os.path.isfile(path) and os.path.getsize(path) == entry.size and \
                    _remote_crc(conn.client, origin.bucket, entry.key) == _file_crc(path):
                same += 1
                continue
            moved += 1
            if dry_run:
                click.echo(f"would copy {OssUrl(origin.bucket, entry.key)} -> {path}")
            else:
                transfer.download(OssUrl(origin.bucket, entry.key), path)
    click.echo(f"{moved} copied, {same} unchanged", err=True)
