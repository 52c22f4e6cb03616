"""Column filter semantics on plain cells (newest version first), as the service evaluates them."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.tablestore.filters import (
    AND,
    EQUAL,
    EXIST,
    GREATER_THAN,
    LESS_THAN,
    NOT,
    NOT_EQUAL,
    NOT_EXIST,
    OR,
    CompositeFilter,
    SingleFilter,
    count_nodes,
    matches,
)

CELLS = {"v": [(3, 30), (2, 20), (1, 10)], "s": [(1, "Value2")], "b": [(1, bytearray(b"\x01"))]}


@pytest.mark.parametrize("node, expected", [
    (SingleFilter(EQUAL, "v", 30), True),
    (SingleFilter(EQUAL, "v", 20), False),  # latest version only by default
    (SingleFilter(EQUAL, "v", 20, latest_version_only=False), True),
    (SingleFilter(GREATER_THAN, "v", 29.5), True),  # INTEGER and DOUBLE compare as numbers
    (SingleFilter(LESS_THAN, "s", "Value1"), False),  # bytewise
    (SingleFilter(EQUAL, "b", b"\x01"), True),
    (SingleFilter(EQUAL, "s", 1), False),  # different types never match...
    (SingleFilter(NOT_EQUAL, "s", 1), True),  # ...so they are "not equal"
    (SingleFilter(EQUAL, "missing", 1), True),  # pass_if_missing defaults to True
    (SingleFilter(EQUAL, "missing", 1, pass_if_missing=False), False),
    (SingleFilter(EXIST, "v", None), True),
    (SingleFilter(NOT_EXIST, "v", None), False),
    (CompositeFilter(NOT, (SingleFilter(EQUAL, "v", 30),)), False),
    (CompositeFilter(AND, (SingleFilter(EQUAL, "v", 30), SingleFilter(EQUAL, "s", "Value2"))), True),
    (CompositeFilter(OR, (SingleFilter(EQUAL, "v", 1), SingleFilter(EQUAL, "s", "x"))), False),
])
def test_matches(node, expected):
    assert matches(node, CELLS) is expected


def test_count_nodes_counts_single_and_composite():
    tree = CompositeFilter(AND, (SingleFilter(EQUAL, "a", 1), CompositeFilter(NOT, (SingleFilter(EQUAL, "b", 1),))))
    assert count_nodes(tree) == 4
