"""Table-level models: schema, options, throughput and the table API responses.

Constructor signatures and attribute names are those of the official ``tablestore``
package, so code written for it keeps working; the classes are plain dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, List, Optional, Tuple

from alicloud_storage.tablestore.errors import OTSClientError

__all__ = [
    "TableMeta",
    "TableOptions",
    "CapacityUnit",
    "ReservedThroughput",
    "ReservedThroughputDetails",
    "DefinedColumnSchema",
    "SecondaryIndexType",
    "SecondaryIndexMeta",
    "SSEKeyType",
    "SSESpecification",
    "SSEDetails",
    "UpdateTableResponse",
    "DescribeTableResponse",
]


@dataclass
class TableMeta:
    """Table name, primary-key schema ``[(name, type[, PK_AUTO_INCR])]`` and defined columns."""

    table_name: str
    schema_of_primary_key: List[Tuple[Any, ...]]
    defined_columns: Optional[List[Tuple[str, str]]] = None

    def __post_init__(self) -> None:
        self.defined_columns = [] if self.defined_columns is None else list(self.defined_columns)


@dataclass
class TableOptions:
    """TTL (s, -1 = forever), max versions, max time deviation (s) and allow_update."""

    time_to_live: Optional[int] = -1
    max_version: Optional[int] = 1
    max_time_deviation: Optional[int] = 86400
    allow_update: Optional[bool] = None


@dataclass
class CapacityUnit:
    """Read and write capacity units (mutable: xget_range accumulates into one)."""

    read: Optional[int] = 0
    write: Optional[int] = 0


@dataclass
class ReservedThroughput:
    """Reserved read/write throughput of a table."""

    capacity_unit: CapacityUnit


@dataclass
class ReservedThroughputDetails:
    """Reserved throughput as described by the service, with change times (s)."""

    capacity_unit: CapacityUnit
    last_increase_time: int
    last_decrease_time: Optional[int]


@dataclass
class DefinedColumnSchema:
    """A predefined attribute column (used by secondary indexes)."""

    name: str
    column_type: str


class SecondaryIndexType(IntEnum):
    """Global (asynchronous) or local (synchronous) secondary index."""

    GLOBAL_INDEX = 0
    LOCAL_INDEX = 1


@dataclass
class SecondaryIndexMeta:
    """A secondary index: name, its primary-key columns and covered columns."""

    index_name: str
    primary_key_names: List[str]
    defined_column_names: List[str]
    index_type: SecondaryIndexType = SecondaryIndexType.GLOBAL_INDEX


class SSEKeyType(IntEnum):
    """Server-side encryption key source."""

    SSE_KMS_SERVICE = 1
    SSE_BYOK = 2


@dataclass
class SSESpecification:
    """Server-side encryption settings for create_table (validated like the official SDK)."""

    enable: bool = False
    key_type: Optional[int] = None
    key_id: Optional[str] = None
    role_arn: Optional[str] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.enable:
            if self.key_type is not None:
                raise OTSClientError("key type cannot be set when enable is false")
            return
        if self.key_type is None:
            raise OTSClientError("key type is required when enable is true")
        byok = self.key_type == SSEKeyType.SSE_BYOK
        if not byok and (self.key_id is not None or self.role_arn is not None):
            raise OTSClientError("key id and role arn cannot be set when key type is not SSE_BYOK")
        if byok and (self.key_id is None or self.role_arn is None):
            raise OTSClientError("key id and role arn are required when key type is SSE_BYOK")


@dataclass
class SSEDetails:
    """Server-side encryption state reported by describe_table."""

    enable: bool = False
    key_type: Optional[int] = None
    key_id: Optional[str] = None
    role_arn: Optional[str] = field(default=None, repr=False)


@dataclass
class UpdateTableResponse:
    """Result of update_table."""

    reserved_throughput_details: ReservedThroughputDetails
    table_options: TableOptions
    request_id: str = field(default="", init=False)

    def set_request_id(self, request_id: str) -> None:
        self.request_id = request_id


@dataclass
class DescribeTableResponse:
    """Result of describe_table."""

    table_meta: TableMeta
    table_options: TableOptions
    reserved_throughput_details: ReservedThroughputDetails
    secondary_indexes: Optional[List[SecondaryIndexMeta]] = None
    sse_details: Optional[SSEDetails] = None
    request_id: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.secondary_indexes = [] if self.secondary_indexes is None else list(self.secondary_indexes)

    def set_request_id(self, request_id: str) -> None:
        self.request_id = request_id
