"""Compiled PlainBuffer codec (_plainbuffer.c); plainbuffer.py is its interface.

Every function returns NotImplemented where the pure-Python reference must answer.
"""
from typing import Any, List, Optional, Union

from alicloud_storage.tablestore.wire.plainbuffer import PlainRow

def configure(
    plain_row: type, inf_min: object, inf_max: object, auto_increment: object, cell_op: type
) -> None: ...
def decode(data: bytes, single: bool, verify: bool) -> List[PlainRow]: ...
def encode_row(primary_key: Any, cells: Optional[Any], shape: int, deleted: bool) -> bytes: ...
def encode_rows(rows: Any) -> bytes: ...
