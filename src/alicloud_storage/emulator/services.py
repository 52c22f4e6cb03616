"""The registry of emulated cloud services: each is made from the Emulator's runtime.

Adding a service means adding its factory here; the server serves whatever
this list holds, on the listeners the services name.
"""
from __future__ import annotations

from typing import Callable, Tuple

from alicloud_storage.emulator.oss.service import OssService
from alicloud_storage.emulator.pipeline import Service
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.sts.service import StsService
from alicloud_storage.emulator.tablestore.service import TablestoreService

__all__ = ["SERVICES", "ServiceFactory"]

ServiceFactory = Callable[[Runtime], Service]

SERVICES: Tuple[ServiceFactory, ...] = (TablestoreService, StsService, OssService)
