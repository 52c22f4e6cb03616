"""Conditions and filters: row existence expectations and column conditions.

Constants are Enums whose members equal the official SDK's plain values
(``ComparatorType.EQUAL == 0``, ``RowExistenceExpectation.IGNORE == "IGNORE"``),
so both spellings are accepted. Invalid arguments raise OTSClientError at construction.
"""
from __future__ import annotations

from enum import Enum, IntEnum
from typing import Any, List, Optional

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.validation import coerce_enum

__all__ = [
    "LogicalOperator",
    "ComparatorType",
    "ColumnConditionType",
    "CastType",
    "RowExistenceExpectation",
    "ColumnCondition",
    "CompositeColumnCondition",
    "SingleColumnCondition",
    "RegexRule",
    "SingleColumnRegexCondition",
    "Condition",
]

class LogicalOperator(IntEnum):
    """Combinator of a CompositeColumnCondition."""

    NOT = 0
    AND = 1
    OR = 2


class ComparatorType(IntEnum):
    """Comparison of a column value with a constant."""

    EQUAL = 0
    NOT_EQUAL = 1
    GREATER_THAN = 2
    GREATER_EQUAL = 3
    LESS_THAN = 4
    LESS_EQUAL = 5
    EXIST = 6
    NOT_EXIST = 7


class ColumnConditionType(IntEnum):
    """Kind of a column condition."""

    COMPOSITE_COLUMN_CONDITION = 0
    SINGLE_COLUMN_CONDITION = 1
    SINGLE_COLUMN_REGEX_CONDITION = 2


class CastType(IntEnum):
    """Type a regex-extracted value is cast to before comparison."""

    VT_INTEGER = 0
    VT_DOUBLE = 1
    VT_STRING = 2


class RowExistenceExpectation(str, Enum):
    """What a write expects about the row's existence."""

    IGNORE = "IGNORE"
    EXPECT_EXIST = "EXPECT_EXIST"
    EXPECT_NOT_EXIST = "EXPECT_NOT_EXIST"

    def __str__(self) -> str:
        return self.value


def _check_bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise OTSClientError(f"{what} should be an instance of bool, not {type(value).__name__}")
    return value


def _check_name(value: Any, what: str) -> str:
    if not isinstance(value, (str, bytes)) or not value:
        raise OTSClientError(f"{what} should be a non-empty str, not {value!r}")
    return value if isinstance(value, str) else value.decode("utf-8")


class ColumnCondition:
    """Base of column conditions (filters)."""

    def get_type(self) -> ColumnConditionType:
        raise NotImplementedError


class CompositeColumnCondition(ColumnCondition):
    """NOT / AND / OR over sub-conditions."""

    def __init__(self, combinator: Any) -> None:
        self.combinator = coerce_enum(LogicalOperator, combinator, "combinator")
        self.sub_conditions: List[ColumnCondition] = []

    def get_type(self) -> ColumnConditionType:
        return ColumnConditionType.COMPOSITE_COLUMN_CONDITION

    def get_combinator(self) -> LogicalOperator:
        return self.combinator

    def add_sub_condition(self, condition: ColumnCondition) -> None:
        if not isinstance(condition, ColumnCondition):
            raise OTSClientError(
                "The input condition should be an instance of ColumnCondition, "
                f"not {type(condition).__name__}"
            )
        self.sub_conditions.append(condition)

    def clear_sub_condition(self) -> None:
        self.sub_conditions = []

    def __repr__(self) -> str:
        return f"CompositeColumnCondition({self.combinator.name}, {self.sub_conditions!r})"


_SINGLE_COMPARATORS = (
    ComparatorType.EQUAL,
    ComparatorType.NOT_EQUAL,
    ComparatorType.GREATER_THAN,
    ComparatorType.GREATER_EQUAL,
    ComparatorType.LESS_THAN,
    ComparatorType.LESS_EQUAL,
)


class SingleColumnCondition(ColumnCondition):
    """``column <comparator> value``; ``pass_if_missing`` decides rows without the column."""

    def __init__(
        self,
        column_name: str,
        column_value: Any,
        comparator: Any,
        pass_if_missing: bool = True,
        latest_version_only: bool = True,
    ) -> None:
        self.column_name = _check_name(column_name, "column_name of SingleColumnCondition")
        self.set_column_value(column_value)
        self.set_comparator(comparator)
        self.set_pass_if_missing(pass_if_missing)
        self.set_latest_version_only(latest_version_only)

    def get_type(self) -> ColumnConditionType:
        return ColumnConditionType.SINGLE_COLUMN_CONDITION

    def set_column_name(self, column_name: str) -> None:
        self.column_name = _check_name(column_name, "column_name of SingleColumnCondition")

    def get_column_name(self) -> str:
        return self.column_name

    def set_column_value(self, column_value: Any) -> None:
        if column_value is None:
            raise OTSClientError("The input column_value of SingleColumnCondition should not be None")
        self.column_value = column_value

    def get_column_value(self) -> Any:
        return self.column_value

    def set_comparator(self, comparator: Any) -> None:
        value = coerce_enum(ComparatorType, comparator, "comparator of SingleColumnCondition")
        if value not in _SINGLE_COMPARATORS:
            raise OTSClientError(
                f"comparator of SingleColumnCondition cannot be {value.name}; "
                "use SingleColumnRegexCondition for EXIST / NOT_EXIST"
            )
        self.comparator = value

    def get_comparator(self) -> ComparatorType:
        return self.comparator

    def set_pass_if_missing(self, pass_if_missing: bool) -> None:
        self.pass_if_missing = _check_bool(pass_if_missing, "pass_if_missing of SingleColumnCondition")

    def get_pass_if_missing(self) -> bool:
        return self.pass_if_missing

    def set_latest_version_only(self, latest_version_only: bool) -> None:
        self.latest_version_only = _check_bool(
            latest_version_only, "latest_version_only of SingleColumnCondition"
        )

    def get_latest_version_only(self) -> bool:
        return self.latest_version_only

    def __repr__(self) -> str:
        return (
            f"SingleColumnCondition({self.column_name!r}, {self.column_value!r}, "
            f"{self.comparator.name}, pass_if_missing={self.pass_if_missing}, "
            f"latest_version_only={self.latest_version_only})"
        )


class RegexRule:
    """Extract a value with a regex and cast it before comparing."""

    def __init__(self, regex_input: str, cast_type: CastType) -> None:
        self.set_regex(regex_input)
        self.set_cast_type(cast_type)

    def set_regex(self, regex_input: str) -> None:
        if not isinstance(regex_input, str):
            raise OTSClientError(f"regex_input should be an instance of str, not {type(regex_input).__name__}")
        self.regex = regex_input

    def set_cast_type(self, cast_type: CastType) -> None:
        self.cast_type = coerce_enum(CastType, cast_type, "cast_type")

    def get_regex(self) -> str:
        return self.regex

    def get_cast_type(self) -> CastType:
        return self.cast_type


class SingleColumnRegexCondition(ColumnCondition):
    """Like SingleColumnCondition, with an optional RegexRule and EXIST / NOT_EXIST."""

    def __init__(
        self,
        column_name: str,
        comparator: Any,
        column_value: Any = None,
        regex_rule: Optional[RegexRule] = None,
        latest_version_only: bool = True,
    ) -> None:
        self.set_column_name(column_name)
        self.set_comparator(comparator)
        self.check_arguments(column_value, self.comparator)
        self.set_column_value(0 if column_value is None else column_value)
        self.set_regex_rule(regex_rule)
        self.set_latest_version_only(latest_version_only)

    def get_type(self) -> ColumnConditionType:
        return ColumnConditionType.SINGLE_COLUMN_REGEX_CONDITION

    @staticmethod
    def check_arguments(column_value: Any, comparator: Any) -> None:
        """A value is required except with EXIST / NOT_EXIST, where it is forbidden."""
        existence = comparator in (ComparatorType.EXIST, ComparatorType.NOT_EXIST)
        if column_value is not None and existence:
            raise OTSClientError(f"when column_value is set, comparator cannot be {ComparatorType(comparator).name}")
        if column_value is None and not existence:
            raise OTSClientError("when column_value is not set, comparator should be EXIST or NOT_EXIST")

    def set_column_name(self, column_name: str) -> None:
        self.column_name = _check_name(column_name, "column_name of SingleColumnRegexCondition")

    def get_column_name(self) -> str:
        return self.column_name

    def set_comparator(self, comparator: Any) -> None:
        self.comparator = coerce_enum(ComparatorType, comparator, "comparator of SingleColumnRegexCondition")

    def get_comparator(self) -> ComparatorType:
        return self.comparator

    def set_column_value(self, column_value: Any) -> None:
        if column_value is None:
            raise OTSClientError("The input column_value of SingleColumnRegexCondition should not be None")
        self.column_value = column_value

    def get_column_value(self) -> Any:
        return self.column_value

    def set_regex_rule(self, regex_rule: Optional[RegexRule]) -> None:
        if regex_rule is not None and not isinstance(regex_rule, RegexRule):
            raise OTSClientError(f"regex_rule should be a RegexRule or None, not {type(regex_rule).__name__}")
        self.regex_rule = regex_rule

    def get_regex_rule(self) -> Optional[RegexRule]:
        return self.regex_rule

    def set_latest_version_only(self, latest_version_only: bool) -> None:
        self.latest_version_only = _check_bool(
            latest_version_only, "latest_version_only of SingleColumnRegexCondition"
        )

    def get_latest_version_only(self) -> bool:
        return self.latest_version_only

    @staticmethod
    def get_pass_if_missing() -> bool:
        return False


class Condition:
    """Row existence expectation plus an optional column condition, checked before a write."""

    def __init__(self, row_existence_expectation: Any, column_condition: Optional[ColumnCondition] = None) -> None:
        self.set_row_existence_expectation(row_existence_expectation)
        self.column_condition: Optional[ColumnCondition] = None
        if column_condition is not None:
            self.set_column_condition(column_condition)

    def set_row_existence_expectation(self, row_existence_expectation: Any) -> None:
        self.row_existence_expectation = coerce_enum(
            RowExistenceExpectation, row_existence_expectation, "row_existence_expectation"
        )

    def get_row_existence_expectation(self) -> RowExistenceExpectation:
        return self.row_existence_expectation

    def set_column_condition(self, column_condition: ColumnCondition) -> None:
        if not isinstance(column_condition, ColumnCondition):
            raise OTSClientError(
                "The input column_condition should be an instance of ColumnCondition, "
                f"not {type(column_condition).__name__}"
            )
        self.column_condition = column_condition

    def get_column_condition(self) -> Optional[ColumnCondition]:
        return self.column_condition

    def __repr__(self) -> str:
        return f"Condition({self.row_existence_expectation.value}, {self.column_condition!r})"
