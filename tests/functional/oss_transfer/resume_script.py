"""Run one checkpointed transfer and print the bytes transferred after each part (a test
kills this process half way): ``resume_script.py up|down FILE BUCKET KEY CHECKPOINT_DIR``,
the emulator's address and keys in OSS_ENDPOINT, OSS_REGION, OSS_ACCESS_KEY_ID/SECRET."""
from __future__ import annotations

import os
import sys

import alicloud_storage.oss as oss


def main(direction: str, path: str, bucket: str, key: str, checkpoint_dir: str) -> None:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.EnvironmentVariableCredentialsProvider()
    cfg.region = os.environ["OSS_REGION"]
    cfg.endpoint = os.environ["OSS_ENDPOINT"]
    client = oss.Client(cfg)

    def report(increment: int, transferred: int, total: int) -> None:
        print(transferred, total, flush=True)

    options = {"part_size": 8 * 1024 * 1024, "parallel_num": 2, "enable_checkpoint": True,
               "checkpoint_dir": checkpoint_dir}
    if direction == "up":
        client.uploader(**options).upload_file(
            oss.PutObjectRequest(bucket=bucket, key=key, progress_fn=report), path)
    else:
        client.downloader(**options).download_file(
            oss.GetObjectRequest(bucket=bucket, key=key, progress_fn=report), path)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
