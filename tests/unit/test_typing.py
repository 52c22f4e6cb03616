"""The package type-checks, and so do users' programs against it.

One ``mypy`` run, as a user would run it (a subprocess, pyproject.toml's config: strict,
Python 3.9, its cache in a temporary directory, never in the repository), checks src/
(STYLE §13) together with a small user program that calls the Tablestore clients (wide-table
rows, ranges, batches, time series) and the OSS clients (operations, paginators, helpers),
sync and async. The program must check cleanly, and each of its ``reveal_type`` calls must
reveal the type written beside it: the clients' generated methods are typed
(tools/gen_client_types.py), not ``Any``.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_PROGRAM = '''\
from __future__ import annotations

import alicloud_storage.oss as oss
from alicloud_storage.tablestore import (
    INF_MAX,
    INF_MIN,
    AsyncOTSClient,
    BatchGetRowRequest,
    BatchWriteRowRequest,
    CapacityUnit,
    Condition,
    Direction,
    GetTimeseriesDataRequest,
    OTSClient,
    PutRowItem,
    ReturnType,
    Row,
    RowExistenceExpectation,
    TableInBatchGetRowItem,
    TableInBatchWriteRowItem,
    TimeseriesKey,
    TimeseriesRow,
)

KEY = [("pk", 1)]
SERIES = TimeseriesKey("cpu", "host-1", {"region": "hz"})


def batches() -> tuple[BatchGetRowRequest, BatchWriteRowRequest]:
    read = BatchGetRowRequest()
    read.add(TableInBatchGetRowItem("t", [KEY], max_version=1))
    write = BatchWriteRowRequest()
    write.add(TableInBatchWriteRowItem("t", [PutRowItem(Row(KEY, [("c", 1)]), Condition(RowExistenceExpectation.IGNORE))]))
    return read, write


def sync_program() -> None:
    read, write = batches()
    with OTSClient("http://127.0.0.1:8800", "id", "secret", "instance") as client:
        reveal_type(client)  # OTSClient
        reveal_type(client.put_row("t", Row(KEY, [("c", "v")]), return_type=ReturnType.RT_PK))  # tuple[CapacityUnit, Row | None]
        consumed, row, token = client.get_row("t", KEY, columns_to_get=["c"], max_version=1)
        reveal_type(consumed)  # CapacityUnit
        reveal_type(row)  # Row | None
        reveal_type(token)  # bytes | None
        reveal_type(client.get_range("t", Direction.FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], limit=10))  # tuple[CapacityUnit, list[tuple[str, int | float | bool | str | bytes | bytearray | _Sentinel]] | None, list[Row], bytes | None]
        for item in client.xget_range("t", Direction.FORWARD, [("pk", INF_MIN)], [("pk", INF_MAX)], CapacityUnit(0, 0)):
            reveal_type(item)  # Row
        reveal_type(client.batch_get_row(read))  # BatchGetRowResponse
        reveal_type(client.batch_write_row(write))  # BatchWriteRowResponse
        reveal_type(client.list_table())  # tuple[str, ...]
        reveal_type(client.describe_table("t"))  # DescribeTableResponse
        reveal_type(client.delete_table("t"))  # None
        reveal_type(client.put_timeseries_data("ts", [TimeseriesRow(SERIES, {"v": 1.0}, 1)]))  # PutTimeseriesDataResponse
        reveal_type(client.get_timeseries_data(GetTimeseriesDataRequest("ts", SERIES, 0, 10)))  # GetTimeseriesDataResponse


async def async_program() -> None:
    read, write = batches()
    async with AsyncOTSClient("http://127.0.0.1:8800", "id", "secret", "instance") as client:
        reveal_type(client)  # AsyncOTSClient
        await reveal_type(client.get_row("t", KEY))  # Coroutine[Any, Any, tuple[CapacityUnit, Row | None, bytes | None]]
        reveal_type(await client.get_row("t", KEY))  # tuple[CapacityUnit, Row | None, bytes | None]
        reveal_type(await client.put_row("t", Row(KEY, [("c", "v")])))  # tuple[CapacityUnit, Row | None]
        async for item in client.xget_range("t", "FORWARD", [("pk", INF_MIN)], [("pk", INF_MAX)], CapacityUnit(0, 0)):
            reveal_type(item)  # Row
        reveal_type(await client.batch_get_row(read))  # BatchGetRowResponse
        reveal_type(await client.batch_write_row(write))  # BatchWriteRowResponse
        reveal_type(await client.get_timeseries_data(GetTimeseriesDataRequest("ts", SERIES, 0, 10)))  # GetTimeseriesDataResponse


def oss_config() -> oss.Config:
    cfg = oss.config.load_default(region="cn-hangzhou", endpoint="http://127.0.0.1:9000")
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider("id", "secret")
    return cfg


def oss_sync_program() -> None:
    with oss.Client(oss_config()) as client:
        reveal_type(client)  # Client
        reveal_type(client.put_object(oss.PutObjectRequest(bucket="b", key="k", body=b"data")))  # PutObjectResult
        result = client.get_object(oss.GetObjectRequest(bucket="b", key="k"))
        reveal_type(result)  # GetObjectResult
        reveal_type(result.content_length)  # int | None
        reveal_type(client.list_objects_v2(oss.ListObjectsV2Request(bucket="b", max_keys=10)))  # ListObjectsV2Result
        reveal_type(client.delete_multiple_objects(oss.DeleteMultipleObjectsRequest(bucket="b", objects=[oss.DeleteObject(key="k")])))  # DeleteMultipleObjectsResult
        reveal_type(client.initiate_multipart_upload(oss.InitiateMultipartUploadRequest(bucket="b", key="k")))  # InitiateMultipartUploadResult
        reveal_type(client.list_objects_v2_paginator(limit=100))  # Paginator[ListObjectsV2Request, ListObjectsV2Result]
        for page in client.list_objects_v2_paginator().iter_page(oss.ListObjectsV2Request(bucket="b")):
            reveal_type(page)  # ListObjectsV2Result
        reveal_type(client.is_object_exist("b", "k"))  # bool
        reveal_type(client.put_object_from_file(oss.PutObjectRequest(bucket="b", key="k"), "local.bin"))  # PutObjectResult
        reveal_type(client.get_object_to_file(oss.GetObjectRequest(bucket="b", key="k"), "local.bin"))  # GetObjectResult
        reveal_type(client.presign(oss.GetObjectRequest(bucket="b", key="k")))  # PresignResult
        reveal_type(client.uploader())  # Uploader
        reveal_type(client.downloader())  # Downloader
        reveal_type(client.copier())  # Copier
        reveal_type(client.open_file("b", "k"))  # ReadOnlyFile
        reveal_type(client.append_file("b", "k"))  # AppendOnlyFile


async def oss_async_program() -> None:
    async with oss.AsyncClient(oss_config()) as client:
        reveal_type(client)  # AsyncClient
        await reveal_type(client.put_object(oss.PutObjectRequest(bucket="b", key="k", body=b"data")))  # Coroutine[Any, Any, PutObjectResult]
        reveal_type(await client.get_object(oss.GetObjectRequest(bucket="b", key="k")))  # GetObjectResult
        reveal_type(await client.head_object(oss.HeadObjectRequest(bucket="b", key="k")))  # HeadObjectResult
        reveal_type(await client.complete_multipart_upload(oss.CompleteMultipartUploadRequest(bucket="b", key="k", upload_id="u", complete_all="yes")))  # CompleteMultipartUploadResult
        async for page in client.list_objects_paginator(limit=10).iter_page(oss.ListObjectsRequest(bucket="b")):
            reveal_type(page)  # ListObjectsResult
        reveal_type(await client.is_bucket_exist("b"))  # bool
        reveal_type(await client.get_object_to_file(oss.GetObjectRequest(bucket="b", key="k"), "local.bin"))  # GetObjectResult
        reveal_type(await client.presign(oss.PutObjectRequest(bucket="b", key="k")))  # PresignResult
        reveal_type(client.uploader())  # AsyncUploader
        reveal_type(client.downloader())  # AsyncDownloader
'''

REVEALED = re.compile(r'^(?P<file>[^:]+):(?P<line>\d+): note: Revealed type is "(?P<type>.*)"$')
QUALIFIER = re.compile(r"\b(?:[a-z_][a-z0-9_]*\.)+(?=[A-Za-z_])")  # "alicloud_storage.tablestore.models.row."


def expectations(program: str) -> Dict[int, str]:
    """Line number -> the type written after ``# `` on each reveal_type line."""
    return {
        number: line.rsplit("  # ", 1)[1]
        for number, line in enumerate(program.splitlines(), 1)
        if "reveal_type(" in line
    }


@pytest.fixture(scope="module")
def mypy_run(tmp_path_factory: pytest.TempPathFactory) -> Tuple[int, str, Path]:
    """One mypy run over src/ and the user program: (exit status, output, program path)."""
    tmp = tmp_path_factory.mktemp("typing")
    program = tmp / "user_program.py"
    program.write_text(USER_PROGRAM, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", str(tmp / "mypy_cache"), str(ROOT / "src" / "alicloud_storage"), str(program)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    return result.returncode, result.stdout + result.stderr, program


@pytest.mark.single_env
def test_mypy_strict_finds_no_error(mypy_run: Tuple[int, str, Path]) -> None:
    status, output, _ = mypy_run
    assert status == 0, output
    assert re.search(r"^Success: no issues found in \d+ source files$", output, re.MULTILINE), output


@pytest.mark.single_env
def test_a_user_program_sees_the_clients_types(mypy_run: Tuple[int, str, Path]) -> None:
    _, output, program = mypy_run
    revealed: Dict[int, str] = {}
    for line in output.splitlines():
        match = REVEALED.match(line)
        if match and Path(match["file"]).name == program.name:
            revealed[int(match["line"])] = QUALIFIER.sub("", match["type"])
    expected = expectations(USER_PROGRAM)
    mismatches: List[str] = [
        f"line {number}: expected {want}, revealed {revealed.get(number)}"
        for number, want in expected.items()
        if revealed.get(number) != want
    ]
    assert mismatches == [], "\n".join(mismatches)
    assert len(expected) >= 20 and not any(want == "Any" for want in expected.values())
