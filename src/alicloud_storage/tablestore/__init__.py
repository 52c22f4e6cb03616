"""Alibaba Cloud Tablestore: client, models and errors."""
from alicloud_storage.tablestore.errors import *  # noqa: F401,F403  (first: lower layers import it)
