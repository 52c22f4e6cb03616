"""A reset never lands in the middle of an engine call running in a worker thread.

``Emulator.reset()``, ``POST /_emulator/reset`` and ``await reset_async()`` take the engine's
turn: a heavy call already running (a BatchWriteRow of 200 wide rows, a filtered GetRange over
5,000 rows) finishes whole first, then its effects are cleared with everything else. A
wrapper around the operation marks when the worker is inside the engine (no sleeps), and
records when it left, which must come before the reset returns.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from alicloud_storage.admin_client import AdminClient
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import handlers
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value
from emulator_helpers import RawClient

WIDE = 600  # columns of each batch row: ~0.3 s of engine work for 200 rows
SCANNED = 5000


class Gate:
    """Marks when a worker entered an operation's engine call and when it left it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.left: List[float] = []

    def wrap(self, original: handlers.Operation) -> handlers.Operation:
        def run(context: handlers.Context, message: Any) -> Any:
            self.entered.set()
            try:
                return original.run(context, message)
            finally:
                self.left.append(time.monotonic())

        return handlers.Operation(original.request, original.tables, run)


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tuple[Emulator, Dict[str, Gate]]]:
    """An emulator whose BatchWriteRow and GetRange engine calls pass a Gate each."""
    gates = {"BatchWriteRow": Gate(), "GetRange": Gate()}
    for api, gate in gates.items():
        monkeypatch.setitem(handlers.OPERATIONS, api, gate.wrap(handlers.OPERATIONS[api]))
    with Emulator(memory=True) as emu:
        yield emu, gates


def _create_table(raw: RawClient) -> None:
    meta = pb.TableMeta(table_name="t", primary_key=[pb.PrimaryKeySchema(name="pk", type=pb.PrimaryKeyType.STRING)])
    request = pb.CreateTableRequest(
        table_meta=meta, reserved_throughput=pb.ReservedThroughput(capacity_unit=pb.CapacityUnit(read=0, write=0)),
        table_options=pb.TableOptions(time_to_live=-1, max_versions=1))
    status, _, body = raw.post("CreateTable", request.SerializeToString())
    assert status == 200, body


def _batch(first: int, count: int, columns: int) -> bytes:
    rows = [pb.RowInBatchWriteRowRequest(
        type=pb.PUT, condition=pb.Condition(row_existence=pb.IGNORE),
        row_change=plainbuffer.encode_put_row([("pk", f"k{i:05d}")], [(f"c{j}", i + j) for j in range(columns)]),
    ) for i in range(first, first + count)]
    return pb.BatchWriteRowRequest(tables=[pb.TableInBatchWriteRowRequest(table_name="t", rows=rows)]
                                   ).SerializeToString()


def _all_rows() -> bytes:
    return pb.GetRangeRequest(
        table_name="t", direction=pb.FORWARD, max_versions=1,
        inclusive_start_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MIN)]),
        exclusive_end_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MAX)])).SerializeToString()


def _scan(at_least: int) -> bytes:
    single = pb.SingleColumnValueFilter(comparator=pb.CT_GREATER_EQUAL, column_name="c0",
                                        column_value=encode_filter_value(at_least), filter_if_missing=True,
                                        latest_version_only=True)
    request = pb.GetRangeRequest.FromString(_all_rows())
    request.filter = pb.Filter(type=pb.FT_SINGLE_COLUMN_VALUE, filter=single.SerializeToString()).SerializeToString()
    return request.SerializeToString()


def _stored_keys(raw: RawClient) -> List[str]:
    status, _, body = raw.post("GetRange", _all_rows())
    assert status == 200, body
    return [row.primary_key[0][1] for row in plainbuffer.decode_rows(pb.GetRangeResponse.FromString(body).rows)]


def _in_flight(raw: RawClient, api: str, body: bytes, gate: Gate) -> Tuple[threading.Thread, Dict[str, Any]]:
    """Send ``api`` from a thread; return once its engine call runs in the worker."""
    answer: Dict[str, Any] = {}
    sender = threading.Thread(target=lambda: answer.setdefault("reply", raw.post(api, body)))
    sender.start()
    assert gate.entered.wait(30)
    return sender, answer


def _after_reset(raw: RawClient) -> None:
    """No table is left; a table of the same name made again holds no row (nothing half-applied)."""
    status, _, body = raw.post("ListTable", b"")
    assert status == 200 and list(pb.ListTableResponse.FromString(body).table_names) == []
    _create_table(raw)
    assert _stored_keys(raw) == []


def _reset_by_admin(emu: Emulator) -> None:
    AdminClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret).call("POST", "/reset")


RESETS: Dict[str, Callable[[Emulator], None]] = {"reset()": Emulator.reset, "POST /_emulator/reset": _reset_by_admin}


@pytest.mark.parametrize("reset", RESETS.values(), ids=list(RESETS))
def test_a_batch_write_in_a_worker_completes_whole_before_the_reset(
    gated: Tuple[Emulator, Dict[str, Gate]], reset: Callable[[Emulator], None], caplog: pytest.LogCaptureFixture,
) -> None:
    emu, gates = gated
    raw = RawClient(emu)
    _create_table(raw)
    caplog.set_level(logging.WARNING, logger="alicloud_storage")
    sender, answer = _in_flight(raw, "BatchWriteRow", _batch(0, 200, WIDE), gates["BatchWriteRow"])
    reset(emu)
    reset_done = time.monotonic()
    sender.join()

    status, _, body = answer["reply"]
    assert status == 200, body[:200]
    (table,) = pb.BatchWriteRowResponse.FromString(body).tables
    assert len(table.rows) == 200 and all(row.is_ok for row in table.rows)  # every row written, none refused
    assert gates["BatchWriteRow"].left[0] <= reset_done  # the write was over before the reset returned
    _after_reset(raw)
    assert [record.getMessage() for record in caplog.records] == []


def test_a_scan_in_a_worker_answers_from_the_rows_before_the_reset(
    gated: Tuple[Emulator, Dict[str, Gate]], caplog: pytest.LogCaptureFixture,
) -> None:
    emu, gates = gated
    raw = RawClient(emu)
    _create_table(raw)
    for first in range(0, SCANNED, 200):
        assert raw.post("BatchWriteRow", _batch(first, 200, 20))[0] == 200
    caplog.set_level(logging.WARNING, logger="alicloud_storage")
    sender, answer = _in_flight(raw, "GetRange", _scan(SCANNED - 3), gates["GetRange"])
    emu.reset()
    reset_done = time.monotonic()
    sender.join()

    status, _, body = answer["reply"]
    assert status == 200, body[:200]
    rows = plainbuffer.decode_rows(pb.GetRangeResponse.FromString(body).rows)
    assert [row.primary_key[0][1] for row in rows] == [f"k{i:05d}" for i in range(SCANNED - 3, SCANNED)]
    assert gates["GetRange"].left[0] <= reset_done
    _after_reset(raw)
    assert [record.getMessage() for record in caplog.records] == []


def test_on_its_own_loop_reset_refuses_while_a_worker_runs_and_reset_async_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate()
    monkeypatch.setitem(handlers.OPERATIONS, "BatchWriteRow", gate.wrap(handlers.OPERATIONS["BatchWriteRow"]))

    async def scenario() -> None:
        async with Emulator(memory=True) as emu:
            raw = RawClient(emu)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, _create_table, raw)
            write = loop.run_in_executor(None, raw.post, "BatchWriteRow", _batch(0, 200, WIDE))
            assert await loop.run_in_executor(None, gate.entered.wait, 30)
            with pytest.raises(RuntimeError, match="await reset_async"):
                emu.reset()
            await emu.reset_async()
            assert gate.left and (await write)[0] == 200
            await loop.run_in_executor(None, _after_reset, raw)
            emu.reset()  # nothing in a worker now: the plain call resets at once
            assert (await loop.run_in_executor(None, raw.post, "ListTable", b""))[2] == b""

    asyncio.run(scenario())


def test_reset_from_outside_a_stopped_loop_runs_it() -> None:
    """Started with ``run_until_complete(start_async())``, the loop idle: reset runs it to reset."""
    loop = asyncio.new_event_loop()
    emu = Emulator(memory=True)
    try:
        loop.run_until_complete(emu.start_async())
        emu.inject_fault("ListTable", "OTSServerBusy", "Server is busy.", 503)
        emu.reset()
        assert loop.run_until_complete(loop.run_in_executor(None, RawClient(emu).post, "ListTable", b""))[0] == 200
    finally:
        loop.run_until_complete(emu.stop_async())
        loop.close()
