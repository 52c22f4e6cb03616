"""The official Node.js OSS SDK (`ali-oss` on npm, pinned in package.json) against the emulator.

tests/node/oss.js drives put, get, head, delete, list v1/v2, copy, append, multipartUpload,
deleteMulti, signatureUrl (fetched by plain HTTP), STS credentials of a read-only role and the
error cases with V1 and V4 signatures and keys holding '/', spaces, '+', '%' and non-ASCII;
this wrapper gets the role's session from the emulator's STS with our StsClient, starts the
emulator in-process with a CNAME for the bucket (from the config mapping, as `--config`
would), runs the script and fails on any failed check.
"""
from __future__ import annotations

from typing import Iterator

import pytest

from alicloud_storage.emulator import Emulator
from node_runner import read_only_session, run_script

pytestmark = pytest.mark.official

BUCKET = "node-bucket"
CNAME = "files.example.test"
STEPS = [f"{tag} {step}" for tag in ("v1", "v4") for step in (
    "objects", "listings", "copy and append", "multipart", "streams, symlinks, ACL, tagging", "deleteMulti", "signed URLs", "errors",
    "buckets", "STS credentials", "cleanup")]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    config = {"oss": {"cnames": {CNAME: BUCKET}}}
    with Emulator(memory=True, environ={}, config=config) as emulator:
        emulator.create_oss_bucket(BUCKET)
        yield emulator



def test_official_node_oss_sdk_drives_objects_listings_multipart_and_signed_urls(
        node: str, emu: Emulator) -> None:
    session = read_only_session(emu, "AliyunOSSReadOnlyAccess", "node-oss-app")
    result = run_script(node, "oss.js", {
        "STS_ACCESS_KEY_ID": session.access_key_id,
        "STS_ACCESS_KEY_SECRET": session.access_key_secret,
        "STS_SECURITY_TOKEN": session.security_token,
        "OSS_ENDPOINT": emu.oss_endpoint,
        "OSS_REGION": emu.region,
        "OSS_BUCKET": BUCKET,
        "OSS_CNAME": CNAME,
        "OSS_ACCESS_KEY_ID": emu.access_key_id,
        "OSS_ACCESS_KEY_SECRET": emu.access_key_secret,
    }, timeout=30)
    print(f"ali-oss: {result.checks} checks, {len(result.failures)} failed")
    assert result.failures == [], result.output
    assert result.steps == STEPS
    assert result.returncode == 0, result.output
    assert result.checks >= 140, result.checks
