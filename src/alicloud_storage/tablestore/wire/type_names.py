"""The SDK's type names of schema columns (``("pk", "INTEGER")``) and their wire enums,
for the client's encoders and the emulator's codec alike."""
from __future__ import annotations

from typing import Dict

from alicloud_storage.tablestore.wire.enums import DefinedColumnType, PrimaryKeyType

__all__ = ["PRIMARY_KEY_TYPES", "PRIMARY_KEY_TYPE_NAMES", "DEFINED_COLUMN_TYPES", "DEFINED_COLUMN_TYPE_NAMES"]

PRIMARY_KEY_TYPES: Dict[str, PrimaryKeyType] = {
    "INTEGER": PrimaryKeyType.INTEGER,
    "STRING": PrimaryKeyType.STRING,
    "BINARY": PrimaryKeyType.BINARY,
    "BOOLEAN": PrimaryKeyType.PK_BOOLEAN,
}
PRIMARY_KEY_TYPE_NAMES: Dict[int, str] = {number: name for name, number in PRIMARY_KEY_TYPES.items()}
DEFINED_COLUMN_TYPES: Dict[str, DefinedColumnType] = {
    "INTEGER": DefinedColumnType.DCT_INTEGER,
    "DOUBLE": DefinedColumnType.DCT_DOUBLE,
    "BOOLEAN": DefinedColumnType.DCT_BOOLEAN,
    "STRING": DefinedColumnType.DCT_STRING,
    "BINARY": DefinedColumnType.DCT_BLOB,
}
DEFINED_COLUMN_TYPE_NAMES: Dict[int, str] = {number: name for name, number in DEFINED_COLUMN_TYPES.items()}
