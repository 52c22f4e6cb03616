"""The client's sans-IO core through MockTransport: response checks, error mapping,
retries (re-signed, fresh credentials), timeouts and secret-free logs."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

import pytest
from ots_fake_service import AK, ENDPOINT, INSTANCE, SK, TOKEN, Script, answer, consumed, error, list_table_ok

from alicloud_storage.credentials import Credentials, CredentialsProvider
from alicloud_storage.http import AsyncMockTransport, ConnectError, MockTransport, ReadTimeoutError
from alicloud_storage.tablestore import (
    AsyncOTSClient,
    INF_MAX,
    INF_MIN,
    PK_AUTO_INCR,
    DefaultRetryPolicy,
    NoRetryPolicy,
    OTSClient,
    OTSClientError,
    OTSNetworkError,
    OTSResponseCheckError,
    OTSServiceError,
    OTSTimeoutError,
    Row,
    WriteRetryPolicy,
)
from alicloud_storage.tablestore.wire import pb

NO_WAIT = DefaultRetryPolicy(rng=lambda: 0.0)


def client(script, **kwargs) -> OTSClient:
    kwargs.setdefault("retry_policy", NO_WAIT)
    return OTSClient(ENDPOINT, AK, SK, INSTANCE, transport=MockTransport(script), **kwargs)


def test_list_table_decodes_a_checked_response():
    script = Script(list_table_ok)
    assert client(script).list_table() == ("a", "b")
    request = script.requests[0]
    assert request.url == f"{ENDPOINT}/ListTable"
    assert request.headers["x-ots-instancename"] == INSTANCE and "x-ots-signature" in request.headers


def test_extra_headers_are_sent_and_signed():
    script = Script(list_table_ok)
    client(script, extra_headers={"x-ots-request-tag": "batch-7"}).list_table()
    request = script.requests[0]
    assert request.headers["x-ots-request-tag"] == "batch-7"
    from alicloud_storage.tablestore.auth import signature_v2

    assert request.headers["x-ots-signature"] == signature_v2(SK, "/ListTable", request.headers)


def _tamper_md5(headers, body):
    return body + b"\x00"


def _tamper_signature(headers, body):
    headers["authorization"] = headers["authorization"][:-6] + "AAAAA="
    return body


def _drop_date(headers, body):
    del headers["x-ots-date"]
    return body


@pytest.mark.parametrize(
    "tamper, message",
    [
        (_tamper_md5, "MD5 mismatch in response."),
        (_tamper_signature, "Invalid signature in response."),
        (_drop_date, '"x-ots-date" is missing in response header.'),
    ],
)
def test_tampered_responses_raise_a_clear_check_error(tamper, message):
    script = Script(lambda request: answer(request, pb.ListTableResponse(), tamper=tamper))
    with pytest.raises(OTSResponseCheckError) as caught:
        client(script).list_table()
    assert message in str(caught.value)
    assert len(script.requests) == 1  # a failed check is not retried


def test_a_skewed_response_date_is_rejected():
    skewed = datetime.now(timezone.utc) - timedelta(minutes=20)
    script = Script(lambda request: answer(request, pb.ListTableResponse(), date=skewed))
    with pytest.raises(OTSResponseCheckError, match="more than 15 minutes"):
        client(script).list_table()


def test_v4_responses_are_checked_with_the_v4_key():
    script = Script(lambda request: answer(request, pb.ListTableResponse(), region="cn-test"))
    assert client(script, region="cn-test").list_table() == ()
    assert script.requests[0].headers["x-ots-signregion"] == "cn-test"
    wrong_key = Script(lambda request: answer(request, pb.ListTableResponse()))  # signed with the V2 key
    with pytest.raises(OTSResponseCheckError, match="Invalid signature"):
        client(wrong_key, region="cn-test").list_table()


def test_service_errors_keep_the_official_attributes():
    script = Script(lambda request: error(request, "OTSObjectNotExist", "Requested table does not exist.", 404))
    with pytest.raises(OTSServiceError) as caught:
        client(script).describe_table("missing")
    failure = caught.value
    assert (failure.http_status, failure.code, failure.message, failure.request_id) == (
        404, "OTSObjectNotExist", "Requested table does not exist.", "req-0001")


def test_an_unreadable_error_body_is_a_client_error():
    script = Script(lambda request: answer(request, status=502, raw=b"\xff\xff"))
    with pytest.raises(OTSClientError, match="unreadable error body"):
        client(script, retry_policy=NoRetryPolicy()).list_table()


def test_throttling_is_retried_for_writes_and_every_attempt_is_signed_anew():
    busy = lambda request: error(request, "OTSServerBusy", "Server is busy.", 503)  # noqa: E731
    ok = lambda request: answer(request, consumed(pb.PutRowResponse()))  # noqa: E731
    script = Script(busy, busy, ok)
    consumed_cu, row = client(script).put_row("t", Row([("pk", 1)], [("a", 1)]))
    assert (consumed_cu.read, consumed_cu.write, row) == (0, 1, None)
    assert len(script.requests) == 3
    assert len({id(r.headers) for r in script.requests}) == 3


class RotatingProvider(CredentialsProvider):
    """Each call returns the next key pair, as a refreshing provider would."""

    def __init__(self) -> None:
        self.calls = 0

    def get_credentials(self) -> Credentials:
        self.calls += 1
        return Credentials(f"{AK}", SK, f"{TOKEN}-{self.calls}")


def test_each_attempt_uses_fresh_credentials():
    busy = lambda request: error(request, "OTSNotEnoughCapacityUnit", "Remaining capacity unit is not enough.", 403)  # noqa: E731
    script = Script(busy, list_table_ok)
    provider = RotatingProvider()
    ots = OTSClient(ENDPOINT, instance_name=INSTANCE, credentials_provider=provider,
                    transport=MockTransport(script), retry_policy=NO_WAIT)
    assert ots.list_table() == ("a", "b")
    assert [r.headers["x-ots-ststoken"] for r in script.requests] == [f"{TOKEN}-1", f"{TOKEN}-2"]


def _refuse(request):
    raise ConnectError("connection refused")


def test_network_errors_are_retried_for_reads_only_under_the_default_policy():
    reads = Script(_refuse, list_table_ok)
    assert client(reads).list_table() == ("a", "b")
    writes = Script(_refuse)
    with pytest.raises(OTSNetworkError, match="PutRow failed on the network"):
        client(writes).put_row("t", Row([("pk", 1)], [("a", 1)]))
    assert len(writes.requests) == 1


def test_write_retry_policy_retries_writes_on_network_errors():
    ok = lambda request: answer(request, consumed(pb.PutRowResponse()))  # noqa: E731
    script = Script(_refuse, ok)
    client(script, retry_policy=WriteRetryPolicy(rng=lambda: 0.0)).put_row("t", Row([("pk", 1)], [("a", 1)]))
    assert len(script.requests) == 2


def test_retries_stop_at_the_limit_and_raise_the_last_error():
    script = Script(lambda request: error(request, "OTSServerBusy", "Server is busy.", 503))
    with pytest.raises(OTSServiceError, match="OTSServerBusy"):
        client(script, retry_policy=DefaultRetryPolicy(max_retry_times=3, rng=lambda: 0.0)).list_table()
    assert len(script.requests) == 4


def test_a_read_timeout_is_a_clear_timeout_error():
    def slow(request):
        raise ReadTimeoutError("read timeout after 0.1 s")

    with pytest.raises(OTSTimeoutError, match="GetRow timed out"):
        client(Script(slow), retry_policy=NoRetryPolicy()).get_row("t", [("pk", 1)])


def test_bad_arguments_fail_before_any_request():
    script = Script(list_table_ok)
    ots = client(script)
    for call in (
        lambda: ots.get_row("", [("pk", 1)]),
        lambda: ots.get_row("t", []),
        lambda: ots.get_row("t", [("pk", 1)], max_version=0),
        lambda: ots.put_row("t", [("pk", 1)]),
        lambda: ots.update_row("t", Row([("pk", 1)], [("a", 1)]), None),
        lambda: ots.update_row("t", Row([("pk", 1)], {"upsert": [("a", 1)]}), None),
        lambda: ots.get_range("t", "SIDEWAYS", [("pk", 1)], [("pk", 2)]),
        lambda: ots.get_range("t", "FORWARD", [("pk", 1)], [("pk", 2)], limit=0),
        lambda: ots.put_row("t", Row([("pk", object())], [])),
        lambda: ots.get_row("t", [("pk", 1)], limit=5),
        lambda: ots.get_row("t", [("pk", INF_MIN)]),
        lambda: ots.delete_row("t", Row([("pk", PK_AUTO_INCR)])),
        lambda: ots.put_row("t", Row([("pk", INF_MAX)], [])),
    ):
        with pytest.raises((OTSClientError, TypeError)):
            call()
    assert script.requests == []


def test_debug_logs_hold_no_secret_token_or_signature(caplog):
    busy = lambda request: error(request, "OTSServerBusy", "Server is busy.", 503)  # noqa: E731
    script = Script(busy, list_table_ok, lambda request: error(request, "OTSObjectNotExist", "gone", 404))
    ots = client(script, sts_token=TOKEN, logger_name="ots-test")
    with caplog.at_level(logging.DEBUG, logger="ots-test"):
        ots.list_table()
        with pytest.raises(OTSServiceError) as caught:
            ots.describe_table("t")
    text = caplog.text + repr(ots) + str(caught.value) + repr(script.requests)
    signatures = [r.headers["x-ots-signature"] for r in script.requests]
    assert "ListTable: HTTP 200, request id req-0001" in caplog.text
    assert any(record.levelno == logging.ERROR for record in caplog.records)
    for secret in (SK, TOKEN, *signatures):
        assert secret not in text


def test_without_logger_name_failures_stay_below_warning(caplog):
    """No handler is added, so nothing may reach Python's last-resort stderr handler."""
    script = Script(lambda request: error(request, "OTSConditionCheckFail", "Condition check failed.", 403))
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(OTSServiceError):
            client(script).put_row("t", Row([("pk", 1)], [("a", 1)]))
    records = [r for r in caplog.records if r.name == "alicloud_storage.tablestore"]
    assert records and all(r.levelno < logging.WARNING for r in records)
    assert "OTSConditionCheckFail" in caplog.text


def test_async_client_runs_the_same_core():
    busy = lambda request: error(request, "OTSServerBusy", "Server is busy.", 503)  # noqa: E731
    script = Script(busy, list_table_ok)

    async def main():
        async with AsyncOTSClient(ENDPOINT, AK, SK, INSTANCE, transport=AsyncMockTransport(script),
                                  retry_policy=NO_WAIT) as ots:
            return await ots.list_table()

    assert asyncio.run(main()) == ("a", "b")
    assert len(script.requests) == 2
