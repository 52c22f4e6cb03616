"""OSS client with the interface of ``alibabacloud_oss_v2`` (``import alicloud_storage.oss
as oss``), sharing the project's credentials, transport and retry layers."""
from typing import List

__all__: List[str] = []
