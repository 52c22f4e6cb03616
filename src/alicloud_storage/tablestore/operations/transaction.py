"""Local transactions: start one on a partition key, then commit or abort it.

The id ``start_local_transaction`` returns goes into the ``transaction_id`` argument of
put_row, update_row, delete_row, get_row, get_range and BatchWriteRowRequest.
"""
from __future__ import annotations

from typing import Any, Tuple

from alicloud_storage.tablestore.operations import arguments
from alicloud_storage.tablestore.operations.registry import register
from alicloud_storage.tablestore.operations.results import decode_none
from alicloud_storage.tablestore.operations.types import PrimaryKeyInput
from alicloud_storage.tablestore.validation import check_name
from alicloud_storage.tablestore.wire import pb, plainbuffer

# The encoders, named as the client methods they define.
__all__ = ["start_local_transaction", "commit_transaction", "abort_transaction"]


def _decode_start(message: Any, context: Any, request_id: str) -> str:
    transaction_id: str = message.transaction_id
    return transaction_id


@register("StartLocalTransaction", pb.StartLocalTransactionResponse, _decode_start, idempotent=False)
def start_local_transaction(table_name: str, key: PrimaryKeyInput) -> Tuple[Any, None]:
    """Start a transaction on one partition key (``[("pk0", value)]``): its transaction id."""
    message = pb.StartLocalTransactionRequest()
    message.table_name = check_name(table_name, "table_name")
    message.key = plainbuffer.encode_primary_key(arguments.primary_key(key, "key"))
    return message, None


@register("CommitTransaction", pb.CommitTransactionResponse, decode_none, idempotent=False)
def commit_transaction(transaction_id: str) -> Tuple[Any, None]:
    """Apply every write of a transaction at once; returns None."""
    message = pb.CommitTransactionRequest()
    arguments.transaction(message, transaction_id)
    return message, None


@register("AbortTransaction", pb.AbortTransactionResponse, decode_none, idempotent=False)
def abort_transaction(transaction_id: str) -> Tuple[Any, None]:
    """Discard every write of a transaction; returns None."""
    message = pb.AbortTransactionRequest()
    arguments.transaction(message, transaction_id)
    return message, None
