"""SQL expressions (sqlglot trees) compiled to Python closures with MySQL semantics.

A compiled expression reads one environment: the row's values in mapping column order,
followed, in grouped queries, by the group's aggregate results. NULL is None and logic is
three-valued; comparisons between a string and a number compare numbers (MySQL's rule);
``/`` gives a double and NULL on division by zero; ``DIV`` truncates; ``%`` keeps the
dividend's sign; LIKE is case-sensitive with ``%``, ``_`` and ``\\`` escapes.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from sqlglot import exp

from alicloud_storage.emulator.tablestore.sql import errors as E
from alicloud_storage.emulator.tablestore.sql.mappings import Mapping
from alicloud_storage.tablestore.wire.sql_result import DataType

__all__ = ["Env", "Fn", "Compiled", "Aggregate", "Scope", "compile_expression", "number", "truth", "sort_key", "KIND_OF"]

Env = Sequence[Any]
Fn = Callable[[Env], Any]

# Wide-table type -> result set type.
KIND_OF = {
    "INTEGER": DataType.LONG, "DOUBLE": DataType.DOUBLE, "STRING": DataType.STRING,
    "BINARY": DataType.BINARY, "BOOLEAN": DataType.BOOLEAN,
}
_NUMERIC = (DataType.LONG, DataType.DOUBLE, DataType.BOOLEAN)
_NUMBER_PREFIX = re.compile(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)")


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: its function of the environment and its result type."""

    fn: Fn
    kind: DataType


@dataclass(frozen=True)
class Aggregate:
    """One aggregate call of a grouped query: function name, argument (None = *), DISTINCT."""

    name: str
    args: Sequence[Compiled]
    distinct: bool


@dataclass
class Scope:
    """What names mean where an expression sits: the mapping, and (grouped) the aggregates."""

    mapping: Mapping
    clause: str
    aggregates: Optional[List[Aggregate]] = None
    aliases: Dict[str, Compiled] = field(default_factory=dict)


def number(value: Any) -> Any:
    """A value as a MySQL number: bools as 0/1, strings by their numeric prefix (else 0)."""
    if isinstance(value, (int, float)):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    match = _NUMBER_PREFIX.match(value)
    if match is None:
        return 0
    text = match.group(0).strip()
    try:
        return int(text)
    except ValueError:
        return float(text)


def truth(value: Any) -> Optional[bool]:
    """MySQL truth of a value: None for NULL, else whether it is a non-zero number."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return bool(value)
    return bool(number(value) != 0)


def _compare(a: Any, b: Any) -> Optional[int]:
    """-1, 0 or 1 comparing two values as MySQL does, None if either is NULL."""
    if a is None or b is None:
        return None
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, (bytes, bytearray)) or isinstance(b, (bytes, bytearray)):
        x = a.encode("utf-8") if isinstance(a, str) else bytes(a) if isinstance(a, (bytes, bytearray)) else str(a).encode()
        y = b.encode("utf-8") if isinstance(b, str) else bytes(b) if isinstance(b, (bytes, bytearray)) else str(b).encode()
        return (x > y) - (x < y)
    x, y = number(a), number(b)
    return int(x > y) - int(x < y)


def sort_key(value: Any) -> Any:
    """A key ordering values as ORDER BY does: NULL first, then numbers, strings, bytes."""
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


_COMPARISONS: Dict[type, Callable[[Any, Any], Any]] = {
    exp.EQ: operator.eq, exp.NEQ: operator.ne, exp.GT: operator.gt,
    exp.GTE: operator.ge, exp.LT: operator.lt, exp.LTE: operator.le,
}


def _comparison(node: exp.Expression, scope: Scope) -> Compiled:
    op = _COMPARISONS[type(node)]
    left = compile_expression(node.this, scope)
    right = compile_expression(node.expression, scope)
    lf, rf = left.fn, right.fn
    same = (left.kind in _NUMERIC and right.kind in _NUMERIC) or left.kind == right.kind == DataType.STRING
    if same:
        def fast(env: Env) -> Optional[bool]:
            a = lf(env)
            if a is None:
                return None
            b = rf(env)
            return None if b is None else op(a, b)
        return Compiled(fast, DataType.BOOLEAN)

    def generic(env: Env) -> Optional[bool]:
        order = _compare(lf(env), rf(env))
        return None if order is None else op(order, 0)
    return Compiled(generic, DataType.BOOLEAN)


def _arithmetic(node: exp.Expression, scope: Scope) -> Compiled:
    left = compile_expression(node.this, scope)
    right = compile_expression(node.expression, scope)
    lf, rf = left.fn, right.fn
    integral = left.kind in (DataType.LONG, DataType.BOOLEAN) and right.kind in (DataType.LONG, DataType.BOOLEAN)
    kind = DataType.LONG if integral else DataType.DOUBLE
    if isinstance(node, exp.Div):
        kind = DataType.DOUBLE
    convert: Callable[[Any], Any] = number if integral else (lambda v: float(number(v)))

    def apply(op: Callable[[Any, Any], Any]) -> Fn:
        def run(env: Env) -> Any:
            a = lf(env)
            if a is None:
                return None
            b = rf(env)
            return None if b is None else op(convert(a), convert(b))
        return run

    if isinstance(node, exp.Add):
        return Compiled(apply(operator.add), kind)
    if isinstance(node, exp.Sub):
        return Compiled(apply(operator.sub), kind)
    if isinstance(node, exp.Mul):
        return Compiled(apply(operator.mul), kind)
    if isinstance(node, exp.Div):
        return Compiled(apply(lambda a, b: None if b == 0 else float(a) / float(b)), kind)
    if isinstance(node, exp.IntDiv):
        return Compiled(apply(lambda a, b: None if b == 0 else _int_div(a, b) if integral else math.trunc(a / b)),
                        DataType.LONG)
    return Compiled(apply(lambda a, b: None if b == 0 else _mod(a, b, integral)), kind)


def _int_div(a: int, b: int) -> int:
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def _mod(a: Any, b: Any, integral: bool) -> Any:
    if integral:
        return abs(a) % abs(b) * (-1 if a < 0 else 1)
    return math.fmod(a, b)


def _logic(node: exp.Expression, scope: Scope) -> Compiled:
    left = compile_expression(node.this, scope).fn
    right = compile_expression(node.expression, scope).fn
    if isinstance(node, exp.And):
        def both(env: Env) -> Optional[bool]:
            a = truth(left(env))
            if a is False:
                return False
            b = truth(right(env))
            if b is False:
                return False
            return None if a is None or b is None else True
        return Compiled(both, DataType.BOOLEAN)
    if isinstance(node, exp.Or):
        def either(env: Env) -> Optional[bool]:
            a = truth(left(env))
            if a is True:
                return True
            b = truth(right(env))
            if b is True:
                return True
            return None if a is None or b is None else False
        return Compiled(either, DataType.BOOLEAN)

    def xor(env: Env) -> Optional[bool]:
        a, b = truth(left(env)), truth(right(env))
        return None if a is None or b is None else a != b
    return Compiled(xor, DataType.BOOLEAN)


def _like_pattern(pattern: str) -> "re.Pattern[str]":
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _like(node: exp.Like, scope: Scope) -> Compiled:
    value = compile_expression(node.this, scope).fn
    pattern = compile_expression(node.expression, scope)
    cache: Dict[Any, "re.Pattern[str]"] = {}

    def run(env: Env) -> Optional[bool]:
        text, pat = value(env), pattern.fn(env)
        if text is None or pat is None:
            return None
        regex = cache.get(pat)
        if regex is None:
            regex = cache[pat] = _like_pattern(str(pat))
        return regex.fullmatch(text if isinstance(text, str) else str(text)) is not None
    return Compiled(run, DataType.BOOLEAN)


def _in(node: exp.In, scope: Scope) -> Compiled:
    if node.args.get("query") is not None or node.args.get("unnest") is not None:
        raise E.UNSUPPORTED.error()
    value = compile_expression(node.this, scope).fn
    items = [compile_expression(item, scope).fn for item in node.expressions]

    def run(env: Env) -> Optional[bool]:
        a = value(env)
        if a is None:
            return None
        unknown = False
        for item in items:
            order = _compare(a, item(env))
            if order == 0:
                return True
            unknown = unknown or order is None
        return None if unknown else False
    return Compiled(run, DataType.BOOLEAN)


def _between(node: exp.Between, scope: Scope) -> Compiled:
    value = compile_expression(node.this, scope).fn
    low = compile_expression(node.args["low"], scope).fn
    high = compile_expression(node.args["high"], scope).fn

    def run(env: Env) -> Optional[bool]:
        a = value(env)
        above, below = _compare(a, low(env)), _compare(a, high(env))
        first = None if above is None else above >= 0
        second = None if below is None else below <= 0
        if first is False or second is False:
            return False
        return None if first is None or second is None else True
    return Compiled(run, DataType.BOOLEAN)


def _not(node: exp.Not, scope: Scope) -> Compiled:
    inner = compile_expression(node.this, scope).fn

    def run(env: Env) -> Optional[bool]:
        value = truth(inner(env))
        return None if value is None else not value
    return Compiled(run, DataType.BOOLEAN)


def _is(node: exp.Is, scope: Scope) -> Compiled:
    if not isinstance(node.expression, exp.Null):
        raise E.UNSUPPORTED.error()
    inner = compile_expression(node.this, scope).fn
    return Compiled(lambda env: inner(env) is None, DataType.BOOLEAN)


def _literal(node: exp.Literal) -> Compiled:
    text = node.this
    if node.is_string:
        return Compiled(lambda env: text, DataType.STRING)
    try:
        value: Any = int(text)
        kind = DataType.LONG
    except ValueError:
        value, kind = float(text), DataType.DOUBLE
    return Compiled(lambda env: value, kind)


def _column(node: exp.Column, scope: Scope) -> Compiled:
    if node.table and node.table.lower() != scope.mapping.name.lower():
        raise E.UNKNOWN_COLUMN.error(column=node.sql(dialect="mysql"), clause=scope.clause)
    index = scope.mapping.index(node.name)
    if index is None:
        alias = scope.aliases.get(node.name.lower())
        if alias is not None and not node.table:
            return alias
        raise E.UNKNOWN_COLUMN.error(column=node.name, clause=scope.clause)
    kind = KIND_OF[scope.mapping.columns[index].kind]
    return Compiled(operator.itemgetter(index), kind)


_AGGREGATES: Dict[type, str] = {exp.Count: "count", exp.Sum: "sum", exp.Avg: "avg", exp.Min: "min", exp.Max: "max"}


def _aggregate(node: exp.Expression, scope: Scope) -> Compiled:
    if scope.aggregates is None:
        raise E.GROUP_FUNCTION.error()
    name = _AGGREGATES[type(node)]
    inner_scope = Scope(scope.mapping, scope.clause)  # no nested aggregates
    argument = node.this
    distinct = isinstance(argument, exp.Distinct)
    if distinct:
        args = [compile_expression(item, inner_scope) for item in argument.expressions]
    elif isinstance(argument, exp.Star) or argument is None:
        if name != "count":
            raise E.UNSUPPORTED.error()
        args = []
    else:
        args = [compile_expression(argument, inner_scope)]
    if name != "count" and len(args) != 1:
        raise E.UNSUPPORTED.error()
    if name == "count":
        kind = DataType.LONG
    elif name == "avg":
        kind = DataType.DOUBLE
    elif name == "sum":
        kind = DataType.LONG if args[0].kind in (DataType.LONG, DataType.BOOLEAN) else DataType.DOUBLE
    else:
        kind = args[0].kind
    position = len(scope.mapping.columns) + len(scope.aggregates)
    scope.aggregates.append(Aggregate(name, args, distinct))
    return Compiled(operator.itemgetter(position), kind)


def compile_expression(node: exp.Expression, scope: Scope) -> Compiled:
    """Compile one expression; unknown columns and unsupported forms raise SQL errors."""
    if node.args.get("negate"):  # NOT LIKE / NOT IN / NOT BETWEEN as sqlglot keeps them
        inner = _compile(node, scope).fn

        def negated(env: Env) -> Optional[bool]:
            value = inner(env)
            return None if value is None else not value
        return Compiled(negated, DataType.BOOLEAN)
    return _compile(node, scope)


def _compile(node: exp.Expression, scope: Scope) -> Compiled:
    if isinstance(node, exp.Column):
        return _column(node, scope)
    if isinstance(node, exp.Literal):
        return _literal(node)
    if isinstance(node, exp.Boolean):
        flag = 1 if node.this else 0
        return Compiled(lambda env: flag, DataType.LONG)
    if isinstance(node, exp.Null):
        return Compiled(lambda env: None, DataType.NONE)
    if isinstance(node, exp.HexString):
        raw = bytes.fromhex(node.this if len(node.this) % 2 == 0 else "0" + node.this)
        return Compiled(lambda env: raw, DataType.BINARY)
    if isinstance(node, exp.Paren):
        return compile_expression(node.this, scope)
    if isinstance(node, exp.Neg):
        inner = compile_expression(node.this, scope)
        fn = inner.fn
        kind = inner.kind if inner.kind in (DataType.LONG, DataType.DOUBLE) else DataType.DOUBLE
        return Compiled(lambda env: None if (v := fn(env)) is None else -number(v), kind)
    if type(node) in _COMPARISONS:
        return _comparison(node, scope)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod)):
        return _arithmetic(node, scope)
    if isinstance(node, (exp.And, exp.Or, exp.Xor)):
        return _logic(node, scope)
    if isinstance(node, exp.Not):
        return _not(node, scope)
    if isinstance(node, exp.Is):
        return _is(node, scope)
    if isinstance(node, exp.In):
        return _in(node, scope)
    if isinstance(node, exp.Between):
        return _between(node, scope)
    if isinstance(node, exp.Like):
        if node.args.get("escape") is not None:
            raise E.UNSUPPORTED.error()
        return _like(node, scope)
    if type(node) in _AGGREGATES:
        return _aggregate(node, scope)
    raise E.UNSUPPORTED.error()
