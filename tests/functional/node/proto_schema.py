"""A reader for the message definitions of proto2 schema files, and a protobuf wire walker.

Just enough of the .proto grammar for the official SDKs' protocol files: packages, nested
messages and enums, labelled fields with options, comments. Messages are keyed by their
simple name (the SDKs' files do not reuse one); a field's type is kept as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple

_TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|[A-Za-z_][\w.]*|-?\d+|\S', re.S)
LABELS = ("required", "optional", "repeated")


@dataclass(frozen=True)
class Field:
    """One field of a message: label, type as written, name, number."""

    label: str
    type: str
    name: str
    number: int


Schema = Dict[str, List[Field]]


def parse_messages(text: str) -> Schema:
    """Every message (nested ones included) of a .proto file's text -> its fields."""
    return _blocks([t for t in _TOKENS.findall(text) if not t.startswith(("//", "/*"))])


def _blocks(tokens: List[str]) -> Schema:
    """Messages of a token stream, nested or not, by simple name."""
    messages: Schema = {}
    stack: List[Tuple[str, List[Field]]] = []  # open blocks: (message name or "", its fields)
    pos = 0
    while pos < len(tokens):
        token = tokens[pos]
        if token in ("message", "enum", "oneof", "service", "extend") and pos + 2 < len(tokens) \
                and tokens[pos + 2] == "{":
            stack.append((tokens[pos + 1] if token == "message" else "", []))
            pos += 3
            continue
        if token == "}":
            name, fields = stack.pop()
            if name:
                messages[name] = fields
            pos += 1
            continue
        if token in LABELS and stack and stack[-1][0]:
            label, type_, name, equals, number = tokens[pos:pos + 5]
            if equals != "=":
                raise ValueError(f"unexpected field syntax near {tokens[pos:pos + 6]}")
            stack[-1][1].append(Field(label, type_, name, int(number)))
        while tokens[pos] not in (";", "{", "}"):  # to the end of the statement
            pos += 1
        if tokens[pos] == "{":  # an option block or similar: skip it whole
            depth = 0
            while True:
                depth += {"{": 1, "}": -1}.get(tokens[pos], 0)
                pos += 1
                if depth == 0:
                    break
            continue
        if tokens[pos] == ";":
            pos += 1
    if stack:
        raise ValueError("unbalanced braces")
    return messages


def wire_fields(data: bytes) -> Iterator[Tuple[int, object]]:
    """(field number, value) of each field on the wire; length-delimited values as bytes."""
    pos = 0

    def varint() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while pos < len(data):
        key = varint()
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            yield number, varint()
        elif wire_type == 1:
            yield number, data[pos:pos + 8]
            pos += 8
        elif wire_type == 2:
            size = varint()
            yield number, data[pos:pos + size]
            pos += size
        elif wire_type == 5:
            yield number, data[pos:pos + 4]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if pos > len(data):
            raise ValueError("truncated message")
