"""Typed Tablestore values as JSON and CSV text, for `alicloud-storage ots` (docs/cli.md).

JSON: a JSON integer is an INTEGER, a number with a fraction or exponent a DOUBLE,
a string a STRING, true/false a BOOLEAN and ``{"$binary": "<base64>"}`` a BINARY
(Tablestore refuses NaN and infinite doubles, so JSON numbers cover every DOUBLE).
A row is one flat object: primary-key columns (in the table's order) then attributes.

CSV: a header cell is ``name:TYPE`` (STRING, INTEGER, DOUBLE, BOOLEAN, BINARY) or a bare
``name`` (the table's type for a primary-key column, STRING otherwise); an empty cell is
an absent column; BINARY cells are base64, BOOLEAN cells ``true``/``false``.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from alicloud_storage.tablestore import Row

__all__ = ["InputError", "Schema", "to_json", "from_json", "type_of", "to_text", "from_text", "TYPES",
           "header_types", "csv_record", "parse_object"]

TYPES = ("STRING", "INTEGER", "DOUBLE", "BOOLEAN", "BINARY")
_PK_PYTHON = {"STRING": (str,), "INTEGER": (int,), "BINARY": (bytes, bytearray)}


class InputError(ValueError):
    """Input (a row, key or file) that cannot be turned into Tablestore values."""


def type_of(value: Any) -> str:
    """The Tablestore type name of a Python value."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, (bytes, bytearray)):
        return "BINARY"
    raise InputError(f"unsupported value type {type(value).__name__}")


def to_json(value: Any) -> Any:
    """A Tablestore value as a JSON-ready Python value."""
    if isinstance(value, (bytes, bytearray)):
        return {"$binary": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def from_json(value: Any, where: str) -> Any:
    """A parsed JSON value as a Tablestore value; ``where`` names it in errors."""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict) and len(value) == 1:
        if "$binary" in value and isinstance(value["$binary"], str):
            try:
                return base64.b64decode(value["$binary"], validate=True)
            except binascii.Error:
                raise InputError(f"{where}: $binary is not valid base64") from None
    shown = "null" if value is None else type(value).__name__
    raise InputError(f"{where}: {shown} is not a Tablestore value (see docs/cli.md, typed values)")


def to_text(value: Any) -> str:
    """A value as a CSV cell (its type goes in the header)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return repr(value) if isinstance(value, float) else str(value)


def from_text(text: str, type_name: str, where: str) -> Any:
    """A CSV cell of the given type as a value."""
    try:
        if type_name == "STRING":
            return text
        if type_name == "INTEGER":
            return int(text)
        if type_name == "DOUBLE":
            return float(text)
        if type_name == "BINARY":
            return base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise InputError(f"{where}: {text!r} is not a valid {type_name}") from None
    if type_name == "BOOLEAN" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise InputError(f"{where}: {text!r} is not a valid {type_name}")


@dataclass(frozen=True)
class Schema:
    """A table's primary key: ``((name, type), ...)`` in key order."""

    primary_key: Tuple[Tuple[str, str], ...]

    @classmethod
    def of(cls, schema_of_primary_key: Sequence[Sequence[Any]]) -> "Schema":
        return cls(tuple((str(c[0]), str(c[1])) for c in schema_of_primary_key))

    @property
    def names(self) -> List[str]:
        return [name for name, _ in self.primary_key]

    def _key_value(self, name: str, type_name: str, value: Any, where: str) -> Any:
        value = from_json(value, f"{where}, column {name}")
        if isinstance(value, bool) or not isinstance(value, _PK_PYTHON.get(type_name, (object,))):
            raise InputError(f"{where}: primary key column {name} must be {type_name}, not {type_of(value)}")
        return value

    def key(self, obj: Mapping[str, Any], where: str, fill: Any = None) -> List[Tuple[str, Any]]:
        """A primary key from a JSON object. With ``fill`` (INF_MIN / INF_MAX) the object may
        give a prefix of the key and the missing columns get ``fill``; else all are required."""
        unknown = sorted(set(obj) - set(self.names))
        if unknown:
            raise InputError(f"{where}: {', '.join(unknown)} not in the primary key ({', '.join(self.names)})")
        key: List[Tuple[str, Any]] = []
        missing: Optional[str] = None
        for name, type_name in self.primary_key:
            if name in obj:
                if missing is not None:
                    raise InputError(f"{where}: {name} is given but {missing} is not (give a prefix of the key)")
                key.append((name, self._key_value(name, type_name, obj[name], where)))
            elif fill is None:
                raise InputError(f"{where}: primary key column {name} is missing")
            else:
                missing = missing or name
                key.append((name, fill))
        return key

    def row(self, record: Mapping[str, Any], where: str) -> Row:
        """A Row from one flat JSON object (values already JSON-decoded)."""
        if not isinstance(record, dict):
            raise InputError(f"{where}: a row must be a JSON object")
        key = self.key({n: record[n] for n in self.names if n in record}, where)
        columns = [(name, from_json(value, f"{where}, column {name}"))
                   for name, value in record.items() if name not in self.names]
        return Row(key, columns)

    def record(self, row: Row) -> Dict[str, Any]:
        """One row as a flat JSON-ready object (latest version of each column)."""
        record = {name: to_json(value) for name, value in row.primary_key}
        for name, value, *_ in row.attribute_columns or []:
            record.setdefault(name, to_json(value))
        return record


def header_types(header: Sequence[str], schema: Schema) -> List[Tuple[str, str]]:
    """``[(column, type)]`` of a CSV header (see the module docstring)."""
    key_types = dict(schema.primary_key)
    columns = []
    for position, cell in enumerate(header, 1):
        name, _, type_name = cell.strip().rpartition(":") if ":" in cell else (cell.strip(), "", "")
        type_name = type_name.upper() or key_types.get(name, "STRING")
        if not name or type_name not in TYPES:
            raise InputError(f"CSV header cell {position} ({cell!r}) must be name or name:TYPE, "
                             f"TYPE one of {', '.join(TYPES)}")
        columns.append((name, type_name))
    return columns


def csv_record(cells: Sequence[str], columns: Sequence[Tuple[str, str]], where: str) -> Dict[str, Any]:
    """A CSV data record as a flat object of values (empty cells left out)."""
    if len(cells) != len(columns):
        raise InputError(f"{where}: {len(cells)} cells for {len(columns)} header columns")
    record: Dict[str, Any] = {}
    for text, (name, type_name) in zip(cells, columns):
        if text == "":
            continue
        if name in record:
            raise InputError(f"{where}: column {name} has a value under two types")
        record[name] = to_json(from_text(text, type_name, f"{where}, column {name}"))
    return record


def parse_object(text: str, where: str) -> Dict[str, Any]:
    """A JSON object given as text (a row or a key)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a JSON object such as {{\"id\": 1}}")
    return value
