"""Local emulator of Alibaba Cloud Tablestore, STS and RAM (``alicloud-storage serve``).

The library never imports this package; it may import the library.
"""
from __future__ import annotations

from alicloud_storage.emulator.config import (
    DEV_ACCESS_KEY_ID,
    DEV_ACCESS_KEY_SECRET,
    DEV_ACCOUNT_ID,
    DEV_INSTANCE,
    DEV_REGION,
)
from alicloud_storage.emulator.server import Emulator

__all__ = [
    "Emulator",
    "DEV_ACCESS_KEY_ID",
    "DEV_ACCESS_KEY_SECRET",
    "DEV_ACCOUNT_ID",
    "DEV_INSTANCE",
    "DEV_REGION",
]
