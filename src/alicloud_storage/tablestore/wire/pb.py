"""Protobuf message classes of the Tablestore protocol, built from our schema at import.

Every message and enum of wire/proto/*.proto is a module attribute (`pb.PutRowRequest`,
`pb.RowExistenceExpectation.EXPECT_EXIST`), and, as in protoc output, every enum value is
one too (`pb.EXPECT_EXIST`). The descriptors live in a private pool, so the official SDK,
which registers the same message names in protobuf's default pool, can be loaded beside us.
"""
from __future__ import annotations

from typing import Any, Dict

from google.protobuf import descriptor_pool, message_factory
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from alicloud_storage.tablestore.wire._descriptors import FILES

POOL = descriptor_pool.DescriptorPool()


def _load() -> Dict[str, Any]:
    """Add our files to POOL and return the module attributes they define."""
    names: Dict[str, Any] = {}
    for file_name, data in FILES:
        POOL.AddSerializedFile(data)
        file = POOL.FindFileByName(file_name)
        for name, message in file.message_types_by_name.items():
            names[name] = message_factory.GetMessageClass(message)
        for name, enum in file.enum_types_by_name.items():
            names[name] = EnumTypeWrapper(enum)
            names.update((value.name, value.number) for value in enum.values)
    return names


_NAMES = _load()
globals().update(_NAMES)
__all__ = ["POOL", *sorted(_NAMES)]


def __getattr__(name: str) -> Any:
    """Tell type checkers that the generated names exist; unknown names still fail."""
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
