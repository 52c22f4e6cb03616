"""Typed declarations of the client methods, generated from the operation table by
tools/gen_client_types.py; do not edit.

``OTSClient`` and ``AsyncOTSClient`` get their methods at import from
``operations.OPERATIONS`` / ``ITERATORS`` (client.py). These mixins declare the same
methods with their parameter and return types for type checkers and IDEs; at run time
they are empty.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import (
        Any,
        AsyncIterator,
        Iterator,
        List,
        Optional,
        Sequence,
        Tuple,
        Union,
    )
    from alicloud_storage.tablestore.models import (
        BatchGetRowRequest,
        BatchGetRowResponse,
        BatchWriteRowRequest,
        BatchWriteRowResponse,
        CapacityUnit,
        ColumnCondition,
        ColumnsToGet,
        ComputeSplitsResponse,
        Condition,
        CreateTimeseriesTableRequest,
        DeleteTimeseriesMetaRequest,
        DeleteTimeseriesMetaResponse,
        DescribeTableResponse,
        DescribeTimeseriesTableResponse,
        Direction,
        GetTimeseriesDataRequest,
        GetTimeseriesDataResponse,
        MetaUpdateMode,
        ParallelScanResponse,
        PutTimeseriesDataResponse,
        QueryTimeseriesMetaRequest,
        QueryTimeseriesMetaResponse,
        ReservedThroughput,
        ReturnType,
        Row,
        ScanQuery,
        SearchIndexMeta,
        SearchQuery,
        SearchResponse,
        SecondaryIndexMeta,
        SSESpecification,
        SyncStat,
        TableMeta,
        TableOptions,
        TimeseriesRow,
        TimeseriesTableMeta,
        UpdateTableResponse,
        UpdateTimeseriesMetaRequest,
        UpdateTimeseriesMetaResponse,
    )
    from alicloud_storage.tablestore.operations.types import (
        GetRangeResult,
        GetRowResult,
        PrimaryKeyInput,
        SQLQueryResult,
        TimeRange,
        WriteRowResult,
    )

__all__ = ["SyncMethods", "AsyncMethods"]


class SyncMethods:
    """The methods of OTSClient as type checkers see them (results as returned)."""

    if TYPE_CHECKING:
        def create_table(
            self,
            table_meta: TableMeta,
            table_options: TableOptions,
            reserved_throughput: ReservedThroughput,
            secondary_indexes: Optional[Sequence[SecondaryIndexMeta]] = None,
            sse_spec: Optional[SSESpecification] = None,
            enable_local_txn: Optional[bool] = None,
        ) -> None:
            """Create a table from its TableMeta, TableOptions and ReservedThroughput; returns None.

            ``enable_local_txn`` (not in the official Python SDK; the Java SDK's
            ``setLocalTxnEnabled``) switches local transactions on or off for the table;
            None leaves it to the service's default.
            """

        def delete_table(
            self,
            table_name: str,
        ) -> None:
            """Delete a table; returns None."""

        def list_table(
            self,
        ) -> Tuple[str, ...]:
            """Names of all tables of the instance, as a tuple."""

        def update_table(
            self,
            table_name: str,
            table_options: Optional[TableOptions] = None,
            reserved_throughput: Optional[ReservedThroughput] = None,
        ) -> UpdateTableResponse:
            """Change a table's options and/or reserved throughput; returns UpdateTableResponse."""

        def describe_table(
            self,
            table_name: str,
        ) -> DescribeTableResponse:
            """Schema, options, throughput and indexes of a table: DescribeTableResponse."""

        def create_secondary_index(
            self,
            table_name: str,
            index_meta: SecondaryIndexMeta,
            include_base_data: bool,
        ) -> None:
            """Add a secondary index to a table (``include_base_data``: index its existing rows too); returns None."""

        def delete_secondary_index(
            self,
            table_name: str,
            index_name: str,
        ) -> None:
            """Delete a secondary index of a table; returns None."""

        def start_local_transaction(
            self,
            table_name: str,
            key: PrimaryKeyInput,
        ) -> str:
            """Start a transaction on one partition key (``[("pk0", value)]``): its transaction id."""

        def commit_transaction(
            self,
            transaction_id: str,
        ) -> None:
            """Apply every write of a transaction at once; returns None."""

        def abort_transaction(
            self,
            transaction_id: str,
        ) -> None:
            """Discard every write of a transaction; returns None."""

        def get_row(
            self,
            table_name: str,
            primary_key: PrimaryKeyInput,
            columns_to_get: Optional[Sequence[str]] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
            transaction_id: Optional[str] = None,
        ) -> GetRowResult:
            """Read one row: ``(consumed, return_row or None, next_token)``."""

        def put_row(
            self,
            table_name: str,
            row: Row,
            condition: Optional[Condition] = None,
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
        ) -> WriteRowResult:
            """Write a whole row: ``(consumed, return_row)``."""

        def update_row(
            self,
            table_name: str,
            row: Row,
            condition: Optional[Condition],
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
        ) -> WriteRowResult:
            """Change some columns of a row: ``(consumed, return_row)``."""

        def delete_row(
            self,
            table_name: str,
            row: Optional[PrimaryKeyInput] = None,
            condition: Optional[Condition] = None,
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
            **kwargs: Any,
        ) -> WriteRowResult:
            """Delete a row given as a Row or a primary key (or ``primary_key=``): ``(consumed, return_row)``."""

        def batch_get_row(
            self,
            request: BatchGetRowRequest,
        ) -> BatchGetRowResponse:
            """Read rows of several tables at once: BatchGetRowResponse (per-row errors inside)."""

        def batch_write_row(
            self,
            request: BatchWriteRowRequest,
        ) -> BatchWriteRowResponse:
            """Put, update and delete rows of several tables at once: BatchWriteRowResponse."""

        def get_range(
            self,
            table_name: str,
            direction: Union[Direction, str],
            inclusive_start_primary_key: PrimaryKeyInput,
            exclusive_end_primary_key: PrimaryKeyInput,
            columns_to_get: Optional[Sequence[str]] = None,
            limit: Optional[int] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
            transaction_id: Optional[str] = None,
        ) -> GetRangeResult:
            """Read a key range: ``(consumed, next_start_primary_key, row_list, next_token)``."""

        def create_timeseries_table(
            self,
            request: CreateTimeseriesTableRequest,
        ) -> None:
            """Create a time series table from a CreateTimeseriesTableRequest; returns None."""

        def list_timeseries_table(
            self,
        ) -> List[TimeseriesTableMeta]:
            """The TimeseriesTableMeta of every time series table of the instance, as a list."""

        def delete_timeseries_table(
            self,
            timeseries_table_name: str,
        ) -> None:
            """Delete a time series table with its data and metas; returns None."""

        def describe_timeseries_table(
            self,
            timeseries_table_name: str,
        ) -> DescribeTimeseriesTableResponse:
            """A DescribeTimeseriesTableResponse (``.table_meta``: options, keys, status)."""

        def update_timeseries_table(
            self,
            timeseries_meta: TimeseriesTableMeta,
        ) -> None:
            """Change the table options or the meta options of a TimeseriesTableMeta; returns None."""

        def put_timeseries_data(
            self,
            timeseriesTableName: str,
            timeseriesRows: Union[Sequence[TimeseriesRow], TimeseriesRow],
            meta_update_mode: Union[MetaUpdateMode, int] = MetaUpdateMode.MUM_NORMAL,
        ) -> PutTimeseriesDataResponse:
            """Write points (a list of TimeseriesRow); failures per row are in ``.failedRows``."""

        def get_timeseries_data(
            self,
            request: GetTimeseriesDataRequest,
        ) -> GetTimeseriesDataResponse:
            """Points of one series in ``[beginTimeInUs, endTimeInUs)`` (or at ``specificTimeInUs``)."""

        def query_timeseries_meta(
            self,
            request: QueryTimeseriesMetaRequest,
        ) -> QueryTimeseriesMetaResponse:
            """Series metas matching ``request.condition``, a page at a time (``nextToken``)."""

        def update_timeseries_meta(
            self,
            request: UpdateTimeseriesMetaRequest,
        ) -> UpdateTimeseriesMetaResponse:
            """Set the attributes of series metas (created when missing); failures in ``.failedRows``."""

        def delete_timeseries_meta(
            self,
            request: DeleteTimeseriesMetaRequest,
        ) -> DeleteTimeseriesMetaResponse:
            """Delete the metas of series keys (their data stays); failures in ``.failedRows``."""

        def exe_sql_query(
            self,
            query: str,
        ) -> SQLQueryResult:
            """Run one SQL statement; returns ``(rows, table consumes, search consumes)``."""

        def create_search_index(
            self,
            table_name: str,
            index_name: str,
            index_meta: SearchIndexMeta,
        ) -> None:
            """Create a search index of a table (its rows are indexed at once); returns None."""

        def describe_search_index(
            self,
            table_name: str,
            index_name: str,
            include_sync_stat: bool = True,
        ) -> Tuple[SearchIndexMeta, Optional[SyncStat]]:
            """A search index's schema and sync state: ``(SearchIndexMeta, SyncStat or None)``."""

        def list_search_index(
            self,
            table_name: Optional[str] = None,
        ) -> List[Tuple[str, str]]:
            """The search indexes of a table (or of the instance): ``[(table_name, index_name)]``."""

        def update_search_index(
            self,
            table_name: str,
            index_name: str,
            index_meta: SearchIndexMeta,
        ) -> None:
            """Change a search index's TTL (the only updatable setting); returns None."""

        def delete_search_index(
            self,
            table_name: str,
            index_name: str,
        ) -> None:
            """Delete a search index; returns None."""

        def search(
            self,
            table_name: str,
            index_name: str,
            search_query: SearchQuery,
            columns_to_get: Optional[ColumnsToGet] = None,
            routing_keys: Optional[List[Any]] = None,
            timeout_s: Optional[float] = None,
        ) -> SearchResponse:
            """Run a query on a search index: a SearchResponse (rows, next_token, total_count, ...)."""

        def compute_splits(
            self,
            table_name: str,
            index_name: str,
        ) -> ComputeSplitsResponse:
            """Start a parallel scan of a search index: a ComputeSplitsResponse (session_id, splits_size)."""

        def parallel_scan(
            self,
            table_name: str,
            index_name: str,
            scan_query: ScanQuery,
            session_id: str,
            columns_to_get: Optional[ColumnsToGet] = None,
            timeout_s: Optional[float] = None,
        ) -> ParallelScanResponse:
            """One page of a parallel scan: a ParallelScanResponse (rows, next_token; b'' when done)."""

        def xget_range(
            self,
            table_name: str,
            direction: Union[Direction, str],
            inclusive_start_primary_key: PrimaryKeyInput,
            exclusive_end_primary_key: PrimaryKeyInput,
            consumed_counter: CapacityUnit,
            columns_to_get: Optional[Sequence[str]] = None,
            count: Optional[int] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
        ) -> Iterator[Row]:
            """Iterate over every row of a range, following next_start_primary_key across pages.

            ``consumed_counter`` (a CapacityUnit) is reset, then accumulates the read CU;
            ``count`` caps the number of rows.
            """


class AsyncMethods:
    """The methods of AsyncOTSClient: coroutines with the same results; xget_range an async iterator."""

    if TYPE_CHECKING:
        async def create_table(
            self,
            table_meta: TableMeta,
            table_options: TableOptions,
            reserved_throughput: ReservedThroughput,
            secondary_indexes: Optional[Sequence[SecondaryIndexMeta]] = None,
            sse_spec: Optional[SSESpecification] = None,
            enable_local_txn: Optional[bool] = None,
        ) -> None:
            """Create a table from its TableMeta, TableOptions and ReservedThroughput; returns None.

            ``enable_local_txn`` (not in the official Python SDK; the Java SDK's
            ``setLocalTxnEnabled``) switches local transactions on or off for the table;
            None leaves it to the service's default.
            """

        async def delete_table(
            self,
            table_name: str,
        ) -> None:
            """Delete a table; returns None."""

        async def list_table(
            self,
        ) -> Tuple[str, ...]:
            """Names of all tables of the instance, as a tuple."""

        async def update_table(
            self,
            table_name: str,
            table_options: Optional[TableOptions] = None,
            reserved_throughput: Optional[ReservedThroughput] = None,
        ) -> UpdateTableResponse:
            """Change a table's options and/or reserved throughput; returns UpdateTableResponse."""

        async def describe_table(
            self,
            table_name: str,
        ) -> DescribeTableResponse:
            """Schema, options, throughput and indexes of a table: DescribeTableResponse."""

        async def create_secondary_index(
            self,
            table_name: str,
            index_meta: SecondaryIndexMeta,
            include_base_data: bool,
        ) -> None:
            """Add a secondary index to a table (``include_base_data``: index its existing rows too); returns None."""

        async def delete_secondary_index(
            self,
            table_name: str,
            index_name: str,
        ) -> None:
            """Delete a secondary index of a table; returns None."""

        async def start_local_transaction(
            self,
            table_name: str,
            key: PrimaryKeyInput,
        ) -> str:
            """Start a transaction on one partition key (``[("pk0", value)]``): its transaction id."""

        async def commit_transaction(
            self,
            transaction_id: str,
        ) -> None:
            """Apply every write of a transaction at once; returns None."""

        async def abort_transaction(
            self,
            transaction_id: str,
        ) -> None:
            """Discard every write of a transaction; returns None."""

        async def get_row(
            self,
            table_name: str,
            primary_key: PrimaryKeyInput,
            columns_to_get: Optional[Sequence[str]] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
            transaction_id: Optional[str] = None,
        ) -> GetRowResult:
            """Read one row: ``(consumed, return_row or None, next_token)``."""

        async def put_row(
            self,
            table_name: str,
            row: Row,
            condition: Optional[Condition] = None,
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
        ) -> WriteRowResult:
            """Write a whole row: ``(consumed, return_row)``."""

        async def update_row(
            self,
            table_name: str,
            row: Row,
            condition: Optional[Condition],
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
        ) -> WriteRowResult:
            """Change some columns of a row: ``(consumed, return_row)``."""

        async def delete_row(
            self,
            table_name: str,
            row: Optional[PrimaryKeyInput] = None,
            condition: Optional[Condition] = None,
            return_type: Union[ReturnType, str, None] = None,
            transaction_id: Optional[str] = None,
            **kwargs: Any,
        ) -> WriteRowResult:
            """Delete a row given as a Row or a primary key (or ``primary_key=``): ``(consumed, return_row)``."""

        async def batch_get_row(
            self,
            request: BatchGetRowRequest,
        ) -> BatchGetRowResponse:
            """Read rows of several tables at once: BatchGetRowResponse (per-row errors inside)."""

        async def batch_write_row(
            self,
            request: BatchWriteRowRequest,
        ) -> BatchWriteRowResponse:
            """Put, update and delete rows of several tables at once: BatchWriteRowResponse."""

        async def get_range(
            self,
            table_name: str,
            direction: Union[Direction, str],
            inclusive_start_primary_key: PrimaryKeyInput,
            exclusive_end_primary_key: PrimaryKeyInput,
            columns_to_get: Optional[Sequence[str]] = None,
            limit: Optional[int] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
            transaction_id: Optional[str] = None,
        ) -> GetRangeResult:
            """Read a key range: ``(consumed, next_start_primary_key, row_list, next_token)``."""

        async def create_timeseries_table(
            self,
            request: CreateTimeseriesTableRequest,
        ) -> None:
            """Create a time series table from a CreateTimeseriesTableRequest; returns None."""

        async def list_timeseries_table(
            self,
        ) -> List[TimeseriesTableMeta]:
            """The TimeseriesTableMeta of every time series table of the instance, as a list."""

        async def delete_timeseries_table(
            self,
            timeseries_table_name: str,
        ) -> None:
            """Delete a time series table with its data and metas; returns None."""

        async def describe_timeseries_table(
            self,
            timeseries_table_name: str,
        ) -> DescribeTimeseriesTableResponse:
            """A DescribeTimeseriesTableResponse (``.table_meta``: options, keys, status)."""

        async def update_timeseries_table(
            self,
            timeseries_meta: TimeseriesTableMeta,
        ) -> None:
            """Change the table options or the meta options of a TimeseriesTableMeta; returns None."""

        async def put_timeseries_data(
            self,
            timeseriesTableName: str,
            timeseriesRows: Union[Sequence[TimeseriesRow], TimeseriesRow],
            meta_update_mode: Union[MetaUpdateMode, int] = MetaUpdateMode.MUM_NORMAL,
        ) -> PutTimeseriesDataResponse:
            """Write points (a list of TimeseriesRow); failures per row are in ``.failedRows``."""

        async def get_timeseries_data(
            self,
            request: GetTimeseriesDataRequest,
        ) -> GetTimeseriesDataResponse:
            """Points of one series in ``[beginTimeInUs, endTimeInUs)`` (or at ``specificTimeInUs``)."""

        async def query_timeseries_meta(
            self,
            request: QueryTimeseriesMetaRequest,
        ) -> QueryTimeseriesMetaResponse:
            """Series metas matching ``request.condition``, a page at a time (``nextToken``)."""

        async def update_timeseries_meta(
            self,
            request: UpdateTimeseriesMetaRequest,
        ) -> UpdateTimeseriesMetaResponse:
            """Set the attributes of series metas (created when missing); failures in ``.failedRows``."""

        async def delete_timeseries_meta(
            self,
            request: DeleteTimeseriesMetaRequest,
        ) -> DeleteTimeseriesMetaResponse:
            """Delete the metas of series keys (their data stays); failures in ``.failedRows``."""

        async def exe_sql_query(
            self,
            query: str,
        ) -> SQLQueryResult:
            """Run one SQL statement; returns ``(rows, table consumes, search consumes)``."""

        async def create_search_index(
            self,
            table_name: str,
            index_name: str,
            index_meta: SearchIndexMeta,
        ) -> None:
            """Create a search index of a table (its rows are indexed at once); returns None."""

        async def describe_search_index(
            self,
            table_name: str,
            index_name: str,
            include_sync_stat: bool = True,
        ) -> Tuple[SearchIndexMeta, Optional[SyncStat]]:
            """A search index's schema and sync state: ``(SearchIndexMeta, SyncStat or None)``."""

        async def list_search_index(
            self,
            table_name: Optional[str] = None,
        ) -> List[Tuple[str, str]]:
            """The search indexes of a table (or of the instance): ``[(table_name, index_name)]``."""

        async def update_search_index(
            self,
            table_name: str,
            index_name: str,
            index_meta: SearchIndexMeta,
        ) -> None:
            """Change a search index's TTL (the only updatable setting); returns None."""

        async def delete_search_index(
            self,
            table_name: str,
            index_name: str,
        ) -> None:
            """Delete a search index; returns None."""

        async def search(
            self,
            table_name: str,
            index_name: str,
            search_query: SearchQuery,
            columns_to_get: Optional[ColumnsToGet] = None,
            routing_keys: Optional[List[Any]] = None,
            timeout_s: Optional[float] = None,
        ) -> SearchResponse:
            """Run a query on a search index: a SearchResponse (rows, next_token, total_count, ...)."""

        async def compute_splits(
            self,
            table_name: str,
            index_name: str,
        ) -> ComputeSplitsResponse:
            """Start a parallel scan of a search index: a ComputeSplitsResponse (session_id, splits_size)."""

        async def parallel_scan(
            self,
            table_name: str,
            index_name: str,
            scan_query: ScanQuery,
            session_id: str,
            columns_to_get: Optional[ColumnsToGet] = None,
            timeout_s: Optional[float] = None,
        ) -> ParallelScanResponse:
            """One page of a parallel scan: a ParallelScanResponse (rows, next_token; b'' when done)."""

        def xget_range(
            self,
            table_name: str,
            direction: Union[Direction, str],
            inclusive_start_primary_key: PrimaryKeyInput,
            exclusive_end_primary_key: PrimaryKeyInput,
            consumed_counter: CapacityUnit,
            columns_to_get: Optional[Sequence[str]] = None,
            count: Optional[int] = None,
            column_filter: Optional[ColumnCondition] = None,
            max_version: Optional[int] = 1,
            time_range: Optional[TimeRange] = None,
            start_column: Optional[str] = None,
            end_column: Optional[str] = None,
            token: Optional[bytes] = None,
        ) -> AsyncIterator[Row]:
            """Iterate over every row of a range, following next_start_primary_key across pages.

            ``consumed_counter`` (a CapacityUnit) is reset, then accumulates the read CU;
            ``count`` caps the number of rows.
            """
