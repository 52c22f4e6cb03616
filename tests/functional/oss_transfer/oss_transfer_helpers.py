"""Our OSS client's configuration for the emulator (shared by the transfer tests)."""
from __future__ import annotations

import alicloud_storage.oss as oss
from alicloud_storage.emulator import Emulator


def oss_config(emu: Emulator) -> oss.Config:
    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(emu.access_key_id, emu.access_key_secret)
    cfg.region = emu.region
    cfg.endpoint = emu.oss_endpoint
    return cfg
