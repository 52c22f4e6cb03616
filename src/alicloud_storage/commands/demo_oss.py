"""The OSS user document's story for `alicloud-storage demo` (docs/seeds/04-oss-client-configuration.md).

A client configured as the document shows (``load_default()``,
``EnvironmentVariableCredentialsProvider``, region, endpoint), the endpoint variants it
lists resolving as the service expects, a bucket, a multipart upload and a ranged
parallel download with CRC-64 checked, a presigned URL fetched by plain HTTP, and a
read-only STS role refused a write. On the emulator by default; against OSS when
OSS_REGION is set (OSS_ENDPOINT optional, credentials from the OSS variables).
"""
from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
import urllib.request
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from alicloud_storage.commands.demo_steps import StepFailed, StepSkipped, expect
from alicloud_storage.credentials import StaticCredentialsProvider
from alicloud_storage.oss.exceptions import OperationError, ServiceError

__all__ = ["OssStory"]

_USER = "oss-app"
_READ_ONLY_ROLE = "RamOssReadOnly"
_SESSION = "RAMOss"
_BUCKET = "demo-oss-bucket"
_KEY = "reports/2026/big-report.bin"
_NOTE = "notes/hello.txt"
_SIZE = 24 * 1024 * 1024
_PART = 4 * 1024 * 1024
_EXAMPLE = "examplebucket"


def _content(size: int) -> bytes:
    """Deterministic, incompressible-looking bytes (so the CRC-64 shown is stable)."""
    block = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(2048))  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


class OssStory:
    """The OSS steps; each returns a one-line result or raises."""

    def __init__(self, environ: Dict[str, str], emulator: Any = None) -> None:
        self.environ = environ
        self.emulator = emulator
        self.region = environ.get("OSS_REGION", "").strip() or (emulator.region if emulator is not None else "")
        self.endpoint = environ.get("OSS_ENDPOINT", "").strip() or (
            emulator.oss_endpoint if emulator is not None else None)
        self.bucket = _BUCKET if emulator is not None else (
            environ.get("OSS_DEMO_BUCKET") or f"alicloud-storage-demo-{uuid.uuid4().hex[:12]}")
        self.client: Any = None
        self.user_key: Optional[StaticCredentialsProvider] = None
        self.role_arn: Optional[str] = None
        self.workdir = tempfile.mkdtemp(prefix="alicloud-storage-demo-")
        self.made_bucket = False

    @property
    def local(self) -> bool:
        return self.emulator is not None

    def _runnable(self) -> None:
        if not self.region:
            raise StepSkipped("set OSS_REGION (and OSS_ENDPOINT, OSS_ACCESS_KEY_ID/_SECRET) for the OSS story")

    def _config(self, provider: Any) -> Any:
        import alicloud_storage.oss as oss

        cfg = oss.config.load_default()
        cfg.credentials_provider = provider
        cfg.region = self.region
        if self.endpoint:
            cfg.endpoint = self.endpoint
        return cfg

    # --- RAM ---------------------------------------------------------------------------
    def ram_setup(self) -> str:
        if not self.local:
            raise StepSkipped("real service: RAM users and roles are made in the RAM console")
        iam = self.emulator.iam
        iam.create_user(_USER)
        key_id, secret = iam.create_access_key(_USER)
        iam.attach_policy("AliyunOSSFullAccess", user=_USER)
        iam.attach_policy("AliyunSTSAssumeRoleAccess", user=_USER)
        self.role_arn = iam.create_role(_READ_ONLY_ROLE)
        iam.attach_policy("AliyunOSSReadOnlyAccess", role=_READ_ONLY_ROLE)
        self.user_key = StaticCredentialsProvider(key_id, secret)
        return f"RAM user {_USER} (AliyunOSSFullAccess) + role {_READ_ONLY_ROLE} (AliyunOSSReadOnlyAccess)"

    # --- the client as the document builds it -------------------------------------------
    def build_client(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss

        environ = dict(self.environ)
        if self.user_key is not None:
            key = self.user_key.get_credentials()
            environ.update(OSS_ACCESS_KEY_ID=key.access_key_id, OSS_ACCESS_KEY_SECRET=key.access_key_secret)
            environ.pop("OSS_SESSION_TOKEN", None)
        credentials_provider = oss.credentials.EnvironmentVariableCredentialsProvider(environ)
        self.client = oss.Client(self._config(credentials_provider))
        buckets = self.client.list_buckets(oss.ListBucketsRequest())
        names = [b.name for b in buckets.buckets or []]
        expect(self.bucket not in names, f"bucket {self.bucket} already exists: delete it first")
        where = "the emulator's endpoint" if self.local else self.client._core.settings.endpoint.netloc
        return (f"oss.Client: load_default(), EnvironmentVariableCredentialsProvider (OSS_ACCESS_KEY_ID/_SECRET), "
                f"region {self.region}, {where}; list_buckets answered")

    def endpoints(self) -> str:
        """The document's endpoint settings, resolved the way the service expects (no request sent)."""
        import alicloud_storage.oss as oss

        key = StaticCredentialsProvider("LTAI5tExampleKey", "example-secret")

        def host(**settings: Any) -> str:
            cfg = oss.config.load_default()
            cfg.credentials_provider = key
            cfg.region = "cn-hangzhou"
            for name, value in settings.items():
                setattr(cfg, name, value)
            with oss.Client(cfg) as client:
                url = client.presign(oss.GetObjectRequest(bucket=_EXAMPLE, key="a.txt")).url
            return str(url).split("?")[0]

        seen = {
            "public": host(),
            "internal": host(use_internal_endpoint=True),
            "accelerate": host(use_accelerate_endpoint=True),
            "dual-stack": host(use_dualstack_endpoint=True),
            "http": host(disable_ssl=True),
            "CNAME": host(endpoint="static.example.com", use_cname=True),
            "path style": host(endpoint="https://oss-cn-hangzhou.aliyuncs.com", use_path_style=True),
        }
        wanted = {
            "public": f"https://{_EXAMPLE}.oss-cn-hangzhou.aliyuncs.com/a.txt",
            "internal": f"https://{_EXAMPLE}.oss-cn-hangzhou-internal.aliyuncs.com/a.txt",
            "accelerate": f"https://{_EXAMPLE}.oss-accelerate.aliyuncs.com/a.txt",
            "dual-stack": f"https://{_EXAMPLE}.cn-hangzhou.oss.aliyuncs.com/a.txt",
            "http": f"http://{_EXAMPLE}.oss-cn-hangzhou.aliyuncs.com/a.txt",
            "CNAME": "https://static.example.com/a.txt",
            "path style": f"https://oss-cn-hangzhou.aliyuncs.com/{_EXAMPLE}/a.txt",
        }
        wrong = {name: url for name, url in seen.items() if url != wanted[name]}
        expect(not wrong, f"endpoints resolved to {wrong}")
        tuned = oss.config.load_default()
        tuned.connect_timeout, tuned.readwrite_timeout = 5, 30
        tuned.retryer = oss.retry.StandardRetryer(max_attempts=5)
        tuned.http_client = oss.transport.RequestsHttpClient(connect_timeout=5, readwrite_timeout=30)
        tuned.credentials_provider, tuned.region = key, "cn-hangzhou"
        with oss.Client(tuned) as client:
            expect(client._core.retryer.max_attempts() == 5, "the retryer was not taken")
        return ("endpoints: public, internal (-internal), accelerate (oss-accelerate), dual-stack, http, "
                "CNAME, path style as the service expects; timeouts, retryer (5 attempts), http_client set")

    def make_bucket(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss

        self.client.put_bucket(oss.PutBucketRequest(bucket=self.bucket))
        self.made_bucket = True
        expect(self.client.is_bucket_exist(self.bucket), "is_bucket_exist says no")
        info = self.client.get_bucket_info(oss.GetBucketInfoRequest(bucket=self.bucket))
        location = info.bucket_info.location if info.bucket_info else None
        expect(location == f"oss-{self.region}", f"the bucket is in {location}")
        return f"put_bucket {self.bucket}: exists, location oss-{self.region}"

    def upload(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss
        from alicloud_storage.oss.crc64 import crc64

        data = _content(_SIZE)
        path = os.path.join(self.workdir, "big-report.bin")
        with open(path, "wb") as file:
            file.write(data)
        result = self.client.uploader(part_size=_PART, parallel_num=3).upload_file(
            oss.PutObjectRequest(bucket=self.bucket, key=_KEY), path)
        expect(result.hash_crc64 == str(crc64(data)), f"CRC-64 {result.hash_crc64} is not the file's")
        parts = _SIZE // _PART
        return (f"uploader: {_SIZE >> 20} MiB in {parts} parts of {_PART >> 20} MiB, 3 in parallel; "
                f"object CRC-64 {result.hash_crc64} = the file's")

    def download(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss
        from alicloud_storage.oss.crc64 import crc64

        path = os.path.join(self.workdir, "downloaded.bin")
        result = self.client.downloader(part_size=_PART, parallel_num=3).download_file(
            oss.GetObjectRequest(bucket=self.bucket, key=_KEY), path)
        with open(path, "rb") as file:
            got = file.read()
        expect(result.written == _SIZE and got == _content(_SIZE), "the downloaded bytes differ")
        head = self.client.head_object(oss.HeadObjectRequest(bucket=self.bucket, key=_KEY))
        expect(head.hash_crc64 == str(crc64(got)), "CRC-64 of the download differs")
        return f"downloader: {_SIZE >> 20} MiB in ranged parallel reads, CRC-64 checked, bytes identical"

    def presigned(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss

        note = b"hello from a presigned URL\n"
        self.client.put_object(oss.PutObjectRequest(bucket=self.bucket, key=_NOTE, body=note))
        signed = self.client.presign(oss.GetObjectRequest(bucket=self.bucket, key=_NOTE),
                                     expires=datetime.timedelta(minutes=5))
        with urllib.request.urlopen(signed.url, timeout=30) as answer:  # plain HTTP, no SDK, no key
            body = answer.read()
        expect(body == note, f"the presigned GET gave {body[:40]!r}")
        return f"presign GetObject (5 min): fetched by urllib without credentials, {len(body)} bytes identical"

    def denied_write(self) -> str:
        self._runnable()
        import alicloud_storage.oss as oss
        from alicloud_storage.sts import StsClient

        arn = self.role_arn or self.environ.get("OSS_STS_READONLY_ROLE_ARN", "").strip()
        if not arn:
            raise StepSkipped("set OSS_STS_READONLY_ROLE_ARN to the ARN of a role like RamOssReadOnly")
        source = self.user_key or oss.credentials.EnvironmentVariableCredentialsProvider(self.environ)
        sts = StsClient(source, self.emulator.sts_endpoint if self.local else
                        self.environ.get("ALIBABA_CLOUD_STS_ENDPOINT") or None, region=self.region)
        try:
            creds = sts.assume_role(arn, _SESSION, 3600).credentials
        finally:
            sts.close()
        environ = dict(self.environ, OSS_ACCESS_KEY_ID=creds.access_key_id,
                       OSS_ACCESS_KEY_SECRET=creds.access_key_secret, OSS_SESSION_TOKEN=creds.security_token or "")
        with oss.Client(self._config(oss.credentials.EnvironmentVariableCredentialsProvider(environ))) as reader:
            got = reader.get_object(oss.GetObjectRequest(bucket=self.bucket, key=_NOTE))
            expect(got.body.read().startswith(b"hello"), "the read-only session cannot read")
            try:
                reader.put_object(oss.PutObjectRequest(bucket=self.bucket, key=_NOTE, body=b"overwritten"))
            except OperationError as exc:
                inner = exc.unwrap()
                expect(isinstance(inner, ServiceError) and (inner.code, inner.status_code) == ("AccessDenied", 403),
                       f"the write was refused with {inner}")
                return f"STS role {_READ_ONLY_ROLE}: get_object allowed, put_object AccessDenied (403)"
        raise StepFailed("the read-only session could write")

    def clean_up(self) -> str:
        self._runnable()
        self.drop_bucket()
        expect(not self.client.is_bucket_exist(self.bucket), f"{self.bucket} still exists")
        if not self.local:
            return "clean up: demo objects and bucket deleted"
        iam = self.emulator.iam
        iam.delete_user(_USER)
        iam.delete_role(_READ_ONLY_ROLE)
        return "clean up: objects, bucket, RAM user and role deleted"

    def drop_bucket(self) -> None:
        """Delete the demo's objects and bucket (also after a failure)."""
        import shutil

        import alicloud_storage.oss as oss

        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.client is None or not self.made_bucket:
            return
        for key in (_KEY, _NOTE):
            self.client.delete_object(oss.DeleteObjectRequest(bucket=self.bucket, key=key))
        self.client.delete_bucket(oss.DeleteBucketRequest(bucket=self.bucket))
        self.made_bucket = False

    def close(self) -> None:
        """Release the client (the bucket is dropped first if a step failed)."""
        try:
            self.drop_bucket()
        finally:
            if self.client is not None:
                self.client.close()

    def steps(self) -> List[Tuple[str, Callable[[], str]]]:
        """``(title, step)`` in story order."""
        return [
            (f"RAM user {_USER} and role {_READ_ONLY_ROLE}", self.ram_setup),
            ("oss.Client as the document builds it", self.build_client),
            ("OSS endpoint variants", self.endpoints),
            (f"put_bucket {self.bucket}", self.make_bucket),
            ("upload with CRC-64", self.upload),
            ("download with CRC-64", self.download),
            ("presigned URL", self.presigned),
            (f"write as {_READ_ONLY_ROLE}", self.denied_write),
            ("OSS clean up", self.clean_up),
        ]
