"""Which Tablestore calls run on the event loop and which in a worker thread (``runs_inline``)."""
from __future__ import annotations

from typing import Any

import pytest

from alicloud_storage.emulator.tablestore.front import INLINE_ROWS, runs_inline
from alicloud_storage.tablestore.wire import pb, plainbuffer

SMALL_BODY = 100
LARGE_BODY = 256 * 1024 + 1


def get_range(limit: Any = None, **fields: Any) -> Any:
    request = pb.GetRangeRequest(
        table_name="t", direction=pb.FORWARD, max_versions=1,
        inclusive_start_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MIN)]),
        exclusive_end_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MAX)]), **fields,
    )
    if limit is not None:
        request.limit = limit
    return request


def batch_get(rows: int) -> Any:
    request = pb.BatchGetRowRequest()
    table = request.tables.add(table_name="t", max_versions=1)
    for key in range(rows):
        table.primary_key.append(plainbuffer.encode_primary_key([("pk", key)]))
    return request


def test_a_get_range_up_to_the_row_bound_runs_inline_and_one_row_more_does_not() -> None:
    assert INLINE_ROWS == 100
    assert runs_inline("GetRange", get_range(1), SMALL_BODY)
    assert runs_inline("GetRange", get_range(INLINE_ROWS), SMALL_BODY)
    assert not runs_inline("GetRange", get_range(INLINE_ROWS + 1), SMALL_BODY)
    assert not runs_inline("GetRange", get_range(), SMALL_BODY)  # no limit: up to 5,000 rows


@pytest.mark.parametrize("fields", [
    {"columns_to_get": ["a"]},
    {"time_range": pb.TimeRange(start_time=0, end_time=1)},
    {"filter": b"\x08\x01"},
])
def test_a_small_get_range_that_may_skip_rows_runs_in_a_worker(fields: Any) -> None:
    """A filter, a column list or a time range can scan 5,000 rows for a page of none."""
    assert not runs_inline("GetRange", get_range(1, **fields), SMALL_BODY)


def test_batch_get_row_is_bounded_like_get_row_and_runs_inline() -> None:
    assert runs_inline("BatchGetRow", batch_get(INLINE_ROWS), SMALL_BODY)
    assert runs_inline("GetRow", pb.GetRowRequest(table_name="t"), SMALL_BODY)


def test_heavy_apis_and_large_bodies_run_in_a_worker() -> None:
    assert not runs_inline("BatchWriteRow", pb.BatchWriteRowRequest(), SMALL_BODY)
    assert not runs_inline("PutTimeseriesData", pb.PutTimeseriesDataRequest(), SMALL_BODY)
    for api, message in (("GetRange", get_range(1)), ("BatchGetRow", batch_get(1)), ("PutRow", pb.PutRowRequest())):
        assert not runs_inline(api, message, LARGE_BODY)
