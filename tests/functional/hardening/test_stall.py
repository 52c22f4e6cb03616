"""Heavy reads leave the event loop free, over real HTTP against an in-process emulator.

A GetRange whose filter scans 5,000 wide rows to return ten (naming every column, so each row is
decoded whole) runs in a worker thread. While it
runs, the loop answers what needs no engine (the admin API) at once: probes are answered
inside the engine call's own time window, which a call running on the loop would make
impossible. Tablestore calls still take the engine one at a time, so a ListTable / GetRow
waits at most for the call in flight (never for a queue of them) and is answered correctly.
A small GetRange (limit <= 100, nothing that skips rows) runs inline on the loop.

The engine calls are timed from inside (a wrapper around GetRange's operation records its
thread and start/finish on the monotonic clock the test reads too), so "in flight" is a fact,
not a guess from the client side.
"""
from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator, List, Optional, Tuple

import pytest

from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.tablestore import handlers
from alicloud_storage.emulator.tablestore.front import INLINE_ROWS
from alicloud_storage.tablestore.wire import pb, plainbuffer
from alicloud_storage.tablestore.wire.filter_values import encode_filter_value
from hardening_helpers import PROMPT_SECONDS, Reply, Target, create_table

ROWS, COLUMNS = 5000, 100  # one scan: ~0.4 s of decoding and filtering on an idle 2-core machine
MATCHED = 10  # the filter keeps the last ten rows
HEAVY_CALLS = 4  # scans in a row while the probes run
TABLE = "stall"
LOOP_THREAD = "alicloud-storage-emulator"


def _key(i: int) -> str:
    return f"k{i:05d}"


def _columns(i: int) -> List[Tuple[str, int]]:
    return [(f"c{j:03d}", i * 1000 + j) for j in range(COLUMNS)] + [("n", i)]


@dataclass
class EngineCall:
    """One GetRange as the engine ran it: a filtered scan or not, its thread, when (monotonic s)."""

    scan: bool
    thread: str
    started: float
    finished: float = float("inf")  # still running

    def overlaps(self, other: "EngineCall") -> bool:
        return self.started < other.finished and other.started < self.finished


@dataclass
class Stall:
    target: Target
    calls: List[EngineCall] = field(default_factory=list)

    def get_range(self, request: Any) -> Reply:
        reply = self.target.ots("GetRange", request.SerializeToString())
        assert reply.status == 200, (reply.status, reply.body[:200])
        return reply

    def scans(self, since: int = 0) -> List[EngineCall]:
        return [call for call in self.calls[since:] if call.scan]


@pytest.fixture(scope="module")
def stall() -> Iterator[Stall]:
    """An emulator whose GetRange engine calls are timed, with ROWS rows of COLUMNS integers."""
    calls: List[EngineCall] = []
    original = handlers.OPERATIONS["GetRange"]

    def timed(context: handlers.Context, message: Any) -> Any:
        call = EngineCall(message.HasField("filter"), threading.current_thread().name, time.monotonic())
        calls.append(call)
        try:
            return original.run(context, message)
        finally:
            call.finished = time.monotonic()

    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(handlers.OPERATIONS, "GetRange", handlers.Operation(original.request, original.tables, timed))
        with Emulator(memory=True) as emu:
            target = Target(emu.tablestore_endpoint, emu.endpoint("sts"), emu.oss_endpoint, emu.instance,
                            emu.access_key_id, emu.access_key_secret)
            create_table(target, TABLE)
            for start in range(0, ROWS, 200):
                rows = [pb.RowInBatchWriteRowRequest(
                    type=pb.PUT, condition=pb.Condition(row_existence=pb.IGNORE),
                    row_change=plainbuffer.encode_put_row([("pk", _key(i))], _columns(i)),
                ) for i in range(start, start + 200)]
                request = pb.BatchWriteRowRequest(tables=[pb.TableInBatchWriteRowRequest(table_name=TABLE, rows=rows)])
                reply = target.ots("BatchWriteRow", request.SerializeToString())
                assert reply.status == 200, reply.body[:200]
            yield Stall(target, calls)


def _range(start: Optional[str] = None, **fields: Any) -> Any:
    first = plainbuffer.INF_MIN if start is None else start
    return pb.GetRangeRequest(
        table_name=TABLE, direction=pb.FORWARD, max_versions=1,
        inclusive_start_primary_key=plainbuffer.encode_primary_key([("pk", first)]),
        exclusive_end_primary_key=plainbuffer.encode_primary_key([("pk", plainbuffer.INF_MAX)]), **fields,
    )


def _scan() -> Any:
    """Every row scanned, the last MATCHED kept: ``n >= ROWS - MATCHED``; every column named (a read
    of whole rows would decode only ``n`` of the rows the filter refuses: ~0.03 s)."""
    single = pb.SingleColumnValueFilter(
        comparator=pb.CT_GREATER_EQUAL, column_name="n", column_value=encode_filter_value(ROWS - MATCHED),
        filter_if_missing=True, latest_version_only=True)
    return _range(filter=pb.Filter(type=pb.FT_SINGLE_COLUMN_VALUE, filter=single.SerializeToString())
                  .SerializeToString(), columns_to_get=[name for name, _ in _columns(0)])


def _rows(reply: Reply) -> List[Tuple[List[Tuple[str, Any]], List[Tuple[str, Any]]]]:
    """(primary key, [(column, value)]) of every row of a GetRange answer."""
    rows = plainbuffer.decode_rows(pb.GetRangeResponse.FromString(reply.body).rows)
    return [(list(row.primary_key), [cell[:2] for cell in row.cells]) for row in rows]


def _expected(indexes: range) -> List[Tuple[List[Tuple[str, Any]], List[Tuple[str, Any]]]]:
    return [([("pk", _key(i))], _columns(i)) for i in indexes]


def _get_row(i: int) -> bytes:
    return pb.GetRowRequest(table_name=TABLE, max_versions=1,
                            primary_key=plainbuffer.encode_primary_key([("pk", _key(i))])).SerializeToString()


@dataclass
class Probe:
    api: str
    started: float
    finished: float

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    def inside(self, call: EngineCall) -> bool:
        """Sent and answered while ``call`` was running in the engine."""
        return call.started <= self.started and self.finished <= call.finished


def _probe(stall: Stall, api: str, i: int) -> Probe:
    """One request of ``api`` (answered correctly) and when it was sent and answered."""
    target, started = stall.target, time.monotonic()
    if api == "Health":
        reply = target.admin("GET", "/health")
        assert reply.status == 200, reply.body[:200]
    elif api == "SmallRange":  # inline on the loop, after the scan in flight
        assert _rows(stall.get_range(_range(_key(i), limit=5))) == _expected(range(i, min(i + 5, ROWS)))
    elif api == "ListTable":
        reply = target.ots("ListTable", pb.ListTableRequest().SerializeToString())
        assert list(pb.ListTableResponse.FromString(reply.body).table_names) == [TABLE]
    else:
        reply = target.ots("GetRow", _get_row(i))
        row = plainbuffer.decode_row(pb.GetRowResponse.FromString(reply.body).row)
        assert row is not None and [cell[:2] for cell in row.cells] == _columns(i)
    return Probe(api, started, time.monotonic())


def test_the_loop_answers_while_scans_run_in_a_worker(stall: Stall) -> None:
    since = len(stall.calls)
    assert _rows(stall.get_range(_scan())) == _expected(range(ROWS - MATCHED, ROWS))
    (alone,) = stall.scans(since)
    assert alone.thread != LOOP_THREAD
    heavy = alone.finished - alone.started

    since = len(stall.calls)
    failures: List[BaseException] = []

    def scan_in_a_row() -> None:
        try:
            for _ in range(HEAVY_CALLS):
                assert _rows(stall.get_range(_scan())) == _expected(range(ROWS - MATCHED, ROWS))
        except BaseException as exc:  # re-raised by the test thread
            failures.append(exc)

    worker = threading.Thread(target=scan_in_a_row)
    probes: List[Probe] = []

    def probe_while_scanning(apis: Tuple[str, ...]) -> None:
        """Probes of ``apis`` in turn, on connections of their own, until the scans are done."""
        try:
            sent = 0
            while worker.is_alive():
                probes.append(_probe(stall, apis[sent % len(apis)], (37 * sent) % ROWS))
                sent += 1
        except BaseException as exc:
            failures.append(exc)

    probers = [threading.Thread(target=probe_while_scanning, args=(apis,))
               for apis in (("Health",), ("ListTable", "GetRow", "SmallRange"))]
    worker.start()
    for thread in probers:
        thread.start()
    for thread in (worker, *probers):
        thread.join()
    assert not failures, failures
    scans = stall.scans(since)
    assert len(scans) == HEAVY_CALLS and all(call.thread != LOOP_THREAD for call in scans)

    # Admin probes answered inside a scan's own window: the loop served them while the engine
    # scanned. A scan on the loop would hold every answer until it finished (none inside).
    answered = [p for p in probes if p.api == "Health" and any(p.inside(call) for call in scans)]
    assert len(answered) >= 3, (len(answered), len(probes), heavy)
    typical = statistics.median(p.seconds for p in answered)  # (a busy 2-core host adds rare spikes)
    assert typical < heavy / 10, (typical, heavy)

    # Tablestore calls take the engine's turn: sent while a scan ran, they wait at most for it,
    # then run (a small GetRange inline on the loop), never beside a scan.
    longest = max(call.finished - call.started for call in scans)
    engine_probes = [p for p in probes if p.api != "Health"]
    # (in flight beside a scan: a probe sent just before a scan reaches the engine waits for it too)
    assert any(any(call.started < p.finished and p.started < call.finished for call in scans) for p in engine_probes)
    assert max(p.seconds for p in engine_probes) < longest + PROMPT_SECONDS, (engine_probes, longest)
    small = [call for call in stall.calls[since:] if not call.scan]
    assert small and all(call.thread == LOOP_THREAD for call in small)
    assert not any(call.overlaps(scan) for call in small for scan in scans)


def test_a_small_range_runs_inline_and_one_row_more_in_a_worker(stall: Stall) -> None:
    first = 1234
    since = len(stall.calls)
    reply = stall.get_range(_range(_key(first), limit=INLINE_ROWS))
    assert _rows(reply) == _expected(range(first, first + INLINE_ROWS))
    next_key = pb.GetRangeResponse.FromString(reply.body).next_start_primary_key
    assert plainbuffer.decode_row(next_key).primary_key == [("pk", _key(first + INLINE_ROWS))]
    assert _rows(stall.get_range(_range(_key(first), limit=INLINE_ROWS + 1))) == _expected(
        range(first, first + INLINE_ROWS + 1))
    assert [call.thread == LOOP_THREAD for call in stall.calls[since:]] == [True, False]
