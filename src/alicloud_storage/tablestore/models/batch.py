"""BatchGetRow / BatchWriteRow requests, items and responses (official SDK shapes)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from alicloud_storage.tablestore.errors import OTSClientError
from alicloud_storage.tablestore.models.row import Row, _StrEnum
from alicloud_storage.tablestore.models.table import CapacityUnit

__all__ = [
    "BatchWriteRowType",
    "RowItem",
    "PutRowItem",
    "UpdateRowItem",
    "DeleteRowItem",
    "TableInBatchGetRowItem",
    "BatchGetRowRequest",
    "RowDataItem",
    "BatchGetRowResponse",
    "TableInBatchWriteRowItem",
    "BatchWriteRowRequest",
    "BatchWriteRowResponseItem",
    "BatchWriteRowResponse",
]


class BatchWriteRowType(_StrEnum):
    """Kind of one row change in a BatchWriteRow."""

    PUT = "put"
    UPDATE = "update"
    DELETE = "delete"


class RowItem:
    """One row change of a BatchWriteRow: kind, row, condition, return type."""

    def __init__(self, row_type: Any, row: Row, condition: Any, return_type: Any = None) -> None:
        self.type = row_type
        self.row = row
        self.condition = condition
        self.return_type = return_type

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.row!r}, {self.condition!r}, {self.return_type!r})"


class PutRowItem(RowItem):
    """A PutRow inside a BatchWriteRow."""

    def __init__(self, row: Row, condition: Any, return_type: Any = None) -> None:
        super().__init__(BatchWriteRowType.PUT, row, condition, return_type)


class UpdateRowItem(RowItem):
    """An UpdateRow inside a BatchWriteRow."""

    def __init__(self, row: Row, condition: Any, return_type: Any = None) -> None:
        super().__init__(BatchWriteRowType.UPDATE, row, condition, return_type)


class DeleteRowItem(RowItem):
    """A DeleteRow inside a BatchWriteRow."""

    def __init__(self, row: Row, condition: Any, return_type: Any = None) -> None:
        super().__init__(BatchWriteRowType.DELETE, row, condition, return_type)


@dataclass
class TableInBatchGetRowItem:
    """The keys to read from one table, with the read options of GetRow."""

    table_name: str
    primary_keys: List[Any]
    columns_to_get: Optional[List[str]] = None
    column_filter: Any = None
    max_version: Optional[int] = None
    time_range: Any = None
    start_column: Optional[str] = None
    end_column: Optional[str] = None
    token: Any = None


def _check_item(item: Any, cls: type) -> None:
    if not isinstance(item, cls):
        raise OTSClientError(f"The input table_item should be an instance of {cls.__name__}, not {type(item).__name__}")


class BatchGetRowRequest:
    """Tables to read in one BatchGetRow (one item per table name; a later add replaces)."""

    def __init__(self) -> None:
        self.items: Dict[str, TableInBatchGetRowItem] = {}

    def add(self, table_item: TableInBatchGetRowItem) -> None:
        _check_item(table_item, TableInBatchGetRowItem)
        self.items[table_item.table_name] = table_item

    def __repr__(self) -> str:
        return f"BatchGetRowRequest({list(self.items.values())!r})"


class RowDataItem:
    """The result for one key of a BatchGetRow (``row`` is None when the row is absent)."""

    def __init__(
        self,
        is_ok: bool,
        error_code: Optional[str],
        error_message: Optional[str],
        table_name: str,
        consumed: Optional[CapacityUnit],
        primary_key_columns: Any,
        attribute_columns: Any,
    ) -> None:
        self.is_ok = is_ok
        self.error_code = error_code
        self.error_message = error_message
        self.table_name = table_name
        self.consumed = consumed
        self.row: Optional[Row] = None
        if primary_key_columns is not None or attribute_columns is not None:
            self.row = Row(primary_key_columns, attribute_columns)

    def __repr__(self) -> str:
        if self.is_ok:
            return f"RowDataItem(ok, {self.table_name!r}, {self.row!r}, consumed={self.consumed!r})"
        return f"RowDataItem(failed, {self.table_name!r}, {self.error_code}: {self.error_message})"


class BatchGetRowResponse:
    """Per-table lists of RowDataItem, in request order."""

    def __init__(self, table_rows: Dict[str, List[RowDataItem]]) -> None:
        self.items = table_rows

    def _all(self) -> Iterable[RowDataItem]:
        return (row for rows in self.items.values() for row in rows)

    def get_failed_rows(self) -> List[RowDataItem]:
        return [row for row in self._all() if not row.is_ok]

    def get_succeed_rows(self) -> List[RowDataItem]:
        return [row for row in self._all() if row.is_ok]

    def get_result(self) -> Tuple[List[RowDataItem], List[RowDataItem]]:
        return self.get_succeed_rows(), self.get_failed_rows()

    def get_result_by_table(self, table_name: str) -> Optional[List[RowDataItem]]:
        return self.items.get(table_name)

    def is_all_succeed(self) -> bool:
        return not self.get_failed_rows()

    def __repr__(self) -> str:
        return f"BatchGetRowResponse({self.items!r})"


@dataclass
class TableInBatchWriteRowItem:
    """The row changes for one table of a BatchWriteRow."""

    table_name: str
    row_items: List[RowItem]


class BatchWriteRowRequest:
    """Tables to change in one BatchWriteRow (one item per table name; a later add replaces)."""

    def __init__(self) -> None:
        self.items: Dict[str, TableInBatchWriteRowItem] = {}
        self.transaction_id: Optional[str] = None

    def add(self, table_item: TableInBatchWriteRowItem) -> None:
        _check_item(table_item, TableInBatchWriteRowItem)
        self.items[table_item.table_name] = table_item

    def set_transaction_id(self, transaction_id: str) -> None:
        self.transaction_id = transaction_id

    def __repr__(self) -> str:
        return f"BatchWriteRowRequest({list(self.items.values())!r})"


class BatchWriteRowResponseItem:
    """The result of one row change; ``index`` is its position in the table's request list."""

    def __init__(
        self,
        is_ok: bool,
        error_code: Optional[str],
        error_message: Optional[str],
        consumed: Optional[CapacityUnit],
        primary_key: Any,
    ) -> None:
        self.is_ok = is_ok
        self.error_code = error_code
        self.error_message = error_message
        self.consumed = consumed
        self.row = Row(primary_key)
        self.index: Optional[int] = None

    def set_index(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        if self.is_ok:
            return f"BatchWriteRowResponseItem(ok, index={self.index}, consumed={self.consumed!r})"
        return f"BatchWriteRowResponseItem(failed, index={self.index}, {self.error_code}: {self.error_message})"


_Split = Tuple[List[BatchWriteRowResponseItem], List[BatchWriteRowResponseItem]]


class BatchWriteRowResponse:
    """Per-table results of a BatchWriteRow, split by kind (put / update / delete)."""

    def __init__(self, request: BatchWriteRowRequest, response: Dict[str, List[BatchWriteRowResponseItem]]) -> None:
        self.table_of_put: Dict[str, List[BatchWriteRowResponseItem]] = {}
        self.table_of_update: Dict[str, List[BatchWriteRowResponseItem]] = {}
        self.table_of_delete: Dict[str, List[BatchWriteRowResponseItem]] = {}
        by_kind = {
            BatchWriteRowType.PUT: self.table_of_put,
            BatchWriteRowType.UPDATE: self.table_of_update,
            BatchWriteRowType.DELETE: self.table_of_delete,
        }
        for table_name, results in response.items():
            for kind in by_kind.values():
                kind[table_name] = []
            request_items = request.items[table_name].row_items
            for index, (result, item) in enumerate(zip(results, request_items)):
                result.set_index(index)
                by_kind[BatchWriteRowType(item.type)][table_name].append(result)

    @staticmethod
    def _split(tables: Dict[str, List[BatchWriteRowResponseItem]]) -> _Split:
        rows = [row for rows in tables.values() for row in rows]
        return [r for r in rows if r.is_ok], [r for r in rows if not r.is_ok]

    def get_put(self) -> _Split:
        return self._split(self.table_of_put)

    def get_put_by_table(self, table_name: str) -> List[BatchWriteRowResponseItem]:
        return self.table_of_put[table_name]

    def get_failed_of_put(self) -> List[BatchWriteRowResponseItem]:
        return self.get_put()[1]

    def get_succeed_of_put(self) -> List[BatchWriteRowResponseItem]:
        return self.get_put()[0]

    def get_update(self) -> _Split:
        return self._split(self.table_of_update)

    def get_update_by_table(self, table_name: str) -> List[BatchWriteRowResponseItem]:
        return self.table_of_update[table_name]

    def get_failed_of_update(self) -> List[BatchWriteRowResponseItem]:
        return self.get_update()[1]

    def get_succeed_of_update(self) -> List[BatchWriteRowResponseItem]:
        return self.get_update()[0]

    def get_delete(self) -> _Split:
        return self._split(self.table_of_delete)

    def get_delete_by_table(self, table_name: str) -> List[BatchWriteRowResponseItem]:
        return self.table_of_delete[table_name]

    def get_failed_of_delete(self) -> List[BatchWriteRowResponseItem]:
        return self.get_delete()[1]

    def get_succeed_of_delete(self) -> List[BatchWriteRowResponseItem]:
        return self.get_delete()[0]

    def is_all_succeed(self) -> bool:
        return not (self.get_failed_of_put() or self.get_failed_of_update() or self.get_failed_of_delete())

    def __repr__(self) -> str:
        return (
            f"BatchWriteRowResponse(put={self.table_of_put!r}, update={self.table_of_update!r}, "
            f"delete={self.table_of_delete!r})"
        )
