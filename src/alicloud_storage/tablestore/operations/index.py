"""Secondary index operations: create and delete an index of an existing table."""
from __future__ import annotations

from typing import Any, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models import SecondaryIndexMeta
from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import decode_none
from alicloud_storage.tablestore.validation import check_name
from alicloud_storage.tablestore.wire import pb

# The encoders, named as the client methods they define.
__all__ = ["create_secondary_index", "delete_secondary_index"]


@register("CreateIndex", pb.CreateIndexResponse, decode_none, idempotent=False)
def create_secondary_index(
    table_name: str, index_meta: SecondaryIndexMeta, include_base_data: bool
) -> Tuple[Any, None]:
    """Add a secondary index to a table (``include_base_data``: index its existing rows too); returns None."""
    message = pb.CreateIndexRequest()
    message.main_table_name = check_name(table_name, "table_name")
    arguments.secondary_index(message.index_meta, index_meta)
    if not isinstance(include_base_data, bool):
        raise OTSClientError(f"include_base_data must be a bool, not {include_base_data!r}")
    message.include_base_data = include_base_data
    return message, None


@register("DropIndex", pb.DropIndexResponse, decode_none, idempotent=False)
def delete_secondary_index(table_name: str, index_name: str) -> Tuple[Any, None]:
    """Delete a secondary index of a table; returns None."""
    message = pb.DropIndexRequest()
    message.main_table_name = check_name(table_name, "table_name")
    message.index_name = check_name(index_name, "index_name")
    return message, None
