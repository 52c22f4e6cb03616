"""A reset during OSS requests in flight leaves a consistent state and clean answers.

An upload whose body a reset interrupts (PutObject, AppendObject, UploadPart: a generator body
the test pauses on an Event after 2 MiB) is read to its end, stored nowhere and refused with
404 NoSuchBucket, even though the bucket is made again before the body ends. A reset waits for
an UploadPartCopy's copy running in a worker thread (the step is held on an Event until the
reset is seen blocked on it); the part then lands before the reset clears it, or is refused.
A GetObject streaming when the reset comes ends short. Afterwards no object, upload, blob file
or temporary file is left, no WARNING or ERROR line was logged, and new uploads are served.
The official alibabacloud_oss_v2 client sends (real HTTP); GET uses http.client for the bytes.
"""
from __future__ import annotations

import asyncio
import http.client
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import alibabacloud_oss_v2 as oss
import pytest

from alicloud_storage.admin_client import AdminClient
from alicloud_storage.emulator import Emulator
from alicloud_storage.emulator.oss import errors as E
from alicloud_storage.emulator.oss.turn import SharedTurn
from oss_emulator_helpers import RawOss, v2_client

pytestmark = pytest.mark.official

BUCKET = "reset-bucket"
MIB = 1024 * 1024


class Steps:
    """Marks the OSS turn's worker steps (one may be held on ``hold``) and a reset taking it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.hold: Optional[threading.Event] = None
        self.left: List[float] = []
        self.reset_waiting = threading.Event()
        self.reset_blocked: Optional[bool] = None  # whether the reset's take stayed pending a round

    def hold_next(self) -> threading.Event:
        """Forget the steps so far; hold the next ones at their end until the event is set."""
        self.started.clear()
        self.left.clear()
        self.hold = threading.Event()
        return self.hold


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Steps:
    marks = Steps()
    run, acquire = SharedTurn.run, SharedTurn.acquire

    async def marked_run(turn: SharedTurn, fn: Callable[..., Any], *args: Any) -> Any:
        def step() -> Any:
            marks.started.set()
            try:
                return fn(*args)
            finally:
                if marks.hold is not None:  # done, but still in the step until the test says
                    assert marks.hold.wait(30)
                marks.left.append(time.monotonic())

        return await run(turn, step)

    async def marked_acquire(turn: SharedTurn) -> Any:
        taken = asyncio.ensure_future(acquire(turn))
        await asyncio.sleep(0)  # one loop round: the take has run as far as it can
        marks.reset_blocked = not taken.done()
        marks.reset_waiting.set()
        return await taken

    monkeypatch.setattr(SharedTurn, "run", marked_run)
    monkeypatch.setattr(SharedTurn, "acquire", marked_acquire)
    return marks


@pytest.fixture(params=["files", "memory"])
def emu(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Emulator]:
    options: Dict[str, Any] = {"memory": True} if request.param == "memory" else {"data_dir": tmp_path}
    with Emulator(**options) as emulator:
        emulator.create_oss_bucket(BUCKET)
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> Any:
    return v2_client(emu, "v4")


def _reset_by_admin(emu: Emulator) -> None:
    AdminClient(emu.tablestore_endpoint, emu.access_key_id, emu.access_key_secret).call("POST", "/reset")


RESETS: Dict[str, Callable[[Emulator], None]] = {"reset()": Emulator.reset, "POST /_emulator/reset": _reset_by_admin}


def _data_files(tmp_path: Path) -> Tuple[List[str], List[str]]:
    """(finished blob files, temporary files) under the OSS data folder."""
    root = tmp_path / "oss"
    if not root.exists():
        return [], []
    return (sorted(p.name for p in (root / "blobs").rglob("*") if p.is_file()),
            sorted(p.name for p in (root / "tmp").iterdir()))


def _errors(caplog: pytest.LogCaptureFixture) -> List[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]


def _assert_no_such_bucket(outcome: Dict[str, Any]) -> None:
    error = outcome.get("error")
    assert isinstance(error, oss.exceptions.OperationError), outcome
    inner = error.unwrap()
    assert isinstance(inner, oss.exceptions.ServiceError), inner
    spec = E.NO_SUCH_BUCKET
    assert (inner.status_code, inner.code, inner.ec, inner.message) == (
        spec.http_status, spec.code, spec.ec, spec.template)


def _buckets(client: Any) -> List[str]:
    return [b.name for b in client.list_buckets(oss.ListBucketsRequest()).buckets or []]


def _assert_empty_then_serving(client: Any, emu: Emulator, tmp_path: Path) -> None:
    """Nothing of before the reset is left (rows or files); a new upload is served whole."""
    assert _data_files(tmp_path) == ([], [])
    emu.create_oss_bucket(BUCKET)  # the same name again (or still): nothing in it
    assert not client.list_objects_v2(oss.ListObjectsV2Request(bucket=BUCKET)).contents
    assert not client.list_multipart_uploads(oss.ListMultipartUploadsRequest(bucket=BUCKET)).uploads
    body = os.urandom(3 * MIB)
    client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="after", body=body))
    assert client.get_object(oss.GetObjectRequest(bucket=BUCKET, key="after")).body.read() == body
    blobs, temporary = _data_files(tmp_path)
    assert temporary == [] and len(blobs) == (0 if emu.data_dir is None else 1)


def _paused_body(paused: threading.Event, release: threading.Event) -> Iterator[bytes]:
    """2 MiB, then a wait for ``release``, then 2 MiB more (sent chunked: no length)."""
    yield os.urandom(MIB)
    yield os.urandom(MIB)
    paused.set()
    assert release.wait(30)
    yield os.urandom(MIB)
    yield os.urandom(MIB)


def _upload(client: Any, op: str, body: Iterator[bytes]) -> Callable[[], Any]:
    if op == "PutObject":
        return lambda: client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="big", body=body))
    if op == "AppendObject":
        return lambda: client.append_object(
            oss.AppendObjectRequest(bucket=BUCKET, key="big", position=0, body=body))
    upload_id = client.initiate_multipart_upload(
        oss.InitiateMultipartUploadRequest(bucket=BUCKET, key="big")).upload_id
    return lambda: client.upload_part(oss.UploadPartRequest(
        bucket=BUCKET, key="big", upload_id=upload_id, part_number=1, body=body))


def _in_thread(call: Callable[[], Any]) -> Tuple[threading.Thread, Dict[str, Any]]:
    outcome: Dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except Exception as exc:  # the outcome the test asserts
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("reset", RESETS.values(), ids=list(RESETS))
@pytest.mark.parametrize("op", ["PutObject", "AppendObject", "UploadPart"])
def test_an_upload_a_reset_interrupts_is_refused_and_leaves_nothing(
    client: Any, emu: Emulator, steps: Steps, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    op: str, reset: Callable[[Emulator], None],
) -> None:
    client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="before", body=b"x" * 1000))
    caplog.set_level(logging.WARNING)
    steps.started.clear()
    paused, release = threading.Event(), threading.Event()
    sender, outcome = _in_thread(_upload(client, op, _paused_body(paused, release)))
    assert paused.wait(30) and steps.started.wait(30)  # the server is writing the body's first MiB
    reset(emu)
    emu.create_oss_bucket(BUCKET)  # as the next test would: the old upload must not land in it
    release.set()
    sender.join(30)

    _assert_no_such_bucket(outcome)
    assert _buckets(client) == [BUCKET]
    assert _errors(caplog) == []
    _assert_empty_then_serving(client, emu, tmp_path)


def test_a_reset_waits_for_a_part_copy_in_a_worker_then_refuses_the_part(
    client: Any, emu: Emulator, steps: Steps, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    source = os.urandom(2 * MIB)
    client.put_object(oss.PutObjectRequest(bucket=BUCKET, key="source", body=source))
    upload_id = client.initiate_multipart_upload(
        oss.InitiateMultipartUploadRequest(bucket=BUCKET, key="copy")).upload_id
    caplog.set_level(logging.WARNING)
    hold = steps.hold_next()
    sender, outcome = _in_thread(lambda: client.upload_part_copy(oss.UploadPartCopyRequest(
        bucket=BUCKET, key="copy", upload_id=upload_id, part_number=1, source_bucket=BUCKET,
        source_key="source")))
    assert steps.started.wait(30)  # the copy's step runs in a worker thread (held at its end)
    resetter, reset_outcome = _in_thread(lambda: (emu.reset(), time.monotonic())[1])
    assert steps.reset_waiting.wait(30)
    assert steps.reset_blocked is True and resetter.is_alive()
    hold.set()
    resetter.join(30)
    sender.join(30)

    assert steps.left and steps.left[0] <= reset_outcome["result"]  # the step ended first
    if "result" not in outcome:  # the part landed before the reset (then cleared), or is refused
        _assert_no_such_bucket(outcome)
    assert _buckets(client) == []
    assert _errors(caplog) == []
    _assert_empty_then_serving(client, emu, tmp_path)


def test_a_download_a_reset_interrupts_ends_short(
    client: Any, emu: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    segments = [os.urandom(16 * MIB), os.urandom(16 * MIB)]  # each well past the socket buffers
    position = 0
    for segment in segments:
        client.append_object(oss.AppendObjectRequest(bucket=BUCKET, key="two", position=position,
                                                     body=segment))
        position += len(segment)
    caplog.set_level(logging.WARNING)
    raw = RawOss.of(emu)
    connection = http.client.HTTPConnection(raw.host, raw.port, timeout=30)
    try:
        connection.request("GET", f"/{BUCKET}/two", headers=raw.signed("GET", BUCKET, "two"))
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Content-Length") == str(position)
        first = response.read(MIB)
        emu.reset()
        with pytest.raises(http.client.IncompleteRead) as excinfo:
            response.read()
    finally:
        connection.close()
    # the segment open when the reset came is sent whole (its bytes, unchanged); the next is not
    assert first + excinfo.value.partial == segments[0]
    assert _errors(caplog) == [] and _buckets(client) == []
    _assert_empty_then_serving(client, emu, tmp_path)
