"""``alibabacloud_oss_v2.aio`` names: the asyncio client."""
from alicloud_storage.oss.client import AsyncClient

__all__ = ["AsyncClient"]
