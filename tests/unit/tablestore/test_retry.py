"""Retry policies: what is retried for which API, capped exponential full-jitter backoff,
the official SDK's code lists, and the policies as the retry engine's strategy in the
clients (fake clock and sleep: nothing here waits)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import List

import pytest
from ots_fake_service import AK, ENDPOINT, INSTANCE, SK, TOKEN, Script, answer, consumed, error, list_table_ok

from alicloud_storage.tablestore import (
    DefaultRetryPolicy,
    NoDelayRetryPolicy,
    NoRetryPolicy,
    OTSClientError,
    OTSNetworkError,
    OTSResponseCheckError,
    OTSServiceError,
    OTSTimeoutError,
    RetryPolicy,
    Row,
    WriteRetryPolicy,
)
from alicloud_storage.credentials import Credentials, CredentialsProvider
from alicloud_storage.http import AsyncMockTransport, ConnectError, MockTransport
from alicloud_storage.tablestore import AsyncOTSClient, OTSClient, operations
from alicloud_storage.tablestore.auth import format_date
from alicloud_storage.tablestore.retry import RetryPolicyStrategy, RetryUtil
from alicloud_storage.tablestore.wire import pb


def service(code, status=503, message=""):
    return OTSServiceError(status, code, message, "req")


THROTTLING = [service("OTSServerBusy"), service("OTSNotEnoughCapacityUnit", 403), service("OTSOperationThrottled"),
              service("OTSQuotaExhausted", 403, "Too frequent table operations.")]
CONTENTION = [service("OTSRowOperationConflict", 409), service("OTSTableNotReady", 404),
              service("OTSPartitionUnavailable"), service("OTSOperationConflict", 409)]
SERVER = [service("OTSTimeout"), service("OTSInternalServerError", 500), service("OTSServerUnavailable"),
          service("SomethingNew", 502), OTSNetworkError("refused"), OTSTimeoutError("read timeout")]
NEVER = [service("OTSConditionCheckFail", 403), service("OTSParameterInvalid", 400),
         service("OTSQuotaExhausted", 403, "Number of tables exceeded."), OTSClientError("bad argument"),
         OTSResponseCheckError("MD5 mismatch in response.")]
READS = ["ListTable", "DescribeTable", "GetRow", "BatchGetRow", "GetRange"]
WRITES = ["PutRow", "UpdateRow", "DeleteRow", "BatchWriteRow", "CreateTable", "UpdateTable", "DeleteTable"]


@pytest.mark.parametrize("error", THROTTLING + CONTENTION, ids=lambda e: getattr(e, "code", str(e)))
def test_throttling_and_contention_are_retried_for_every_api(error):
    policy = DefaultRetryPolicy()
    assert all(policy.should_retry(0, error, api) for api in READS + WRITES)


@pytest.mark.parametrize("error", SERVER, ids=lambda e: getattr(e, "code", str(e)))
def test_server_and_network_errors_are_retried_for_idempotent_apis_only(error):
    policy = DefaultRetryPolicy()
    assert all(policy.should_retry(0, error, api) for api in READS)
    assert not any(policy.should_retry(0, error, api) for api in WRITES)
    writes = WriteRetryPolicy()
    assert all(writes.should_retry(0, error, api) for api in ["PutRow", "UpdateRow", "DeleteRow", "BatchWriteRow"])
    assert not writes.should_retry(0, error, "CreateTable")


@pytest.mark.parametrize("error", NEVER, ids=lambda e: getattr(e, "code", None) or type(e).__name__)
def test_other_errors_are_never_retried(error):
    for policy in (DefaultRetryPolicy(), WriteRetryPolicy()):
        assert not any(policy.should_retry(0, error, api) for api in READS + WRITES)


def test_retries_stop_at_max_retry_times():
    policy = DefaultRetryPolicy(max_retry_times=3)
    busy = service("OTSServerBusy")
    assert [policy.should_retry(n, busy, "GetRow") for n in range(5)] == [True, True, True, False, False]
    assert DefaultRetryPolicy().max_retry_times == 20


def test_backoff_is_exponential_capped_and_fully_jittered():
    top = DefaultRetryPolicy(rng=lambda: 1.0)
    ceilings = [top.get_retry_delay(n, service("OTSServerBusy"), "GetRow") for n in range(5)]
    assert ceilings == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert [top.get_retry_delay(n, service("OTSTimeout"), "GetRow") for n in range(4)] == [0.2, 0.4, 0.8, 1.6]
    draws = iter([0.0, 0.25, 0.999])
    jittered = DefaultRetryPolicy(rng=lambda: next(draws))
    assert [jittered.get_retry_delay(2, service("OTSServerBusy"), "GetRow") for _ in range(3)] == [0.0, 0.5, 1.998]


def test_no_retry_and_no_delay_policies():
    busy = service("OTSServerBusy")
    assert not NoRetryPolicy().should_retry(0, busy, "GetRow")
    assert NoDelayRetryPolicy().should_retry(0, busy, "GetRow")
    assert NoDelayRetryPolicy().get_retry_delay(5, busy, "GetRow") == 0.0


def test_the_interface_is_abstract_and_subclassable():
    with pytest.raises(NotImplementedError):
        RetryPolicy().should_retry(0, service("OTSServerBusy"), "GetRow")

    class Twice(RetryPolicy):
        def should_retry(self, retry_times, exception, api_name):
            return retry_times < 2

        def get_retry_delay(self, retry_times, exception, api_name):
            return 0.0

    assert [Twice().should_retry(n, service("X"), "PutRow") for n in range(3)] == [True, True, False]


def test_network_errors_carry_a_code_for_policies_written_for_the_official_sdk():
    assert OTSNetworkError("x").code == "OTSNetworkError"
    assert OTSTimeoutError("x").code == "OTSClientTimeout"


# ----------------------------------------------------------------- the official SDK's lists

OFFICIAL_MATRIX = [
    service(code, status, message)
    for code in ["OTSRowOperationConflict", "OTSNotEnoughCapacityUnit", "OTSTableNotReady", "OTSPartitionUnavailable",
                 "OTSServerBusy", "OTSOperationConflict", "OTSOperationThrottled", "OTSQuotaExhausted", "OTSTimeout",
                 "OTSInternalServerError", "OTSServerUnavailable", "OTSParameterInvalid", "OTSAuthFailed",
                 "OTSConditionCheckFail", "OTSObjectNotExist"]
    for status in [400, 403, 404, 409, 500, 502, 503, 504]
    for message in ["Too frequent table operations.", "Server is busy."]
]


@pytest.mark.official
def test_classification_equals_the_official_retry_util_for_service_errors():
    from tablestore.retry import RetryUtil as Official

    for error_ in OFFICIAL_MATRIX:
        assert RetryUtil.should_retry_no_matter_which_api(error_) == Official.should_retry_no_matter_which_api(error_)
        assert RetryUtil.is_server_throttling_exception(error_) == Official.is_server_throttling_exception(error_)
        assert RetryUtil.should_retry_when_api_repeatable(0, error_, "GetRow") == \
            Official.should_retry_when_api_repeatable(0, error_, "GetRow")


@pytest.mark.official
def test_the_official_repeatable_apis_are_idempotent_in_the_operation_table():
    from tablestore.retry import RetryUtil as Official

    apis = {op.api for op in operations.OPERATIONS.values()}
    official = {api for api in apis if Official.is_repeatable_api(api)}
    assert official and all(RetryUtil.is_repeatable_api(api) for api in official)


@pytest.mark.official
@pytest.mark.parametrize("code", ["OTSServerBusy", "OTSTimeout"])
def test_delay_ceilings_equal_the_official_policy(monkeypatch, code):
    import tablestore.retry as official

    monkeypatch.setattr(official.random, "random", lambda: 1.0)  # its jitter draw at the top: the ceiling
    theirs, ours = official.DefaultRetryPolicy(), DefaultRetryPolicy(rng=lambda: 1.0)
    for n in range(8):
        error_ = service(code)
        assert ours.get_retry_delay(n, error_, "GetRow") == pytest.approx(theirs.get_retry_delay(n, error_, "GetRow"))
        assert ours.should_retry(n, error_, "GetRow") == theirs.should_retry(n, error_, "GetRow")


def test_idempotency_comes_from_each_operation_of_the_table(monkeypatch):
    for op in operations.OPERATIONS.values():
        assert RetryUtil.is_repeatable_api(op.api) == op.idempotent, op.api
    get_row = operations.OPERATIONS["get_row"]
    monkeypatch.setitem(operations.OPERATIONS, "get_row", operations.Operation(
        get_row.api, get_row.encode, get_row.response_type, get_row.decode, idempotent=False))
    assert not DefaultRetryPolicy().should_retry(0, OTSNetworkError("reset"), "GetRow")
    assert DefaultRetryPolicy().should_retry(0, service("OTSServerBusy"), "GetRow")


def test_a_user_policy_written_for_the_official_interface_drives_the_engine(fake_time):
    calls: List[tuple] = []

    class Custom(RetryPolicy):
        def should_retry(self, retry_times, exception, api_name):
            calls.append((retry_times, exception.code, api_name))
            return retry_times < 2

        def get_retry_delay(self, retry_times, exception, api_name):
            return 0.25 * (retry_times + 1)

    script = Script(*[lambda r: error(r, "OTSParameterInvalid", "bad", 400)] * 3, list_table_ok)
    with pytest.raises(OTSServiceError, match="OTSParameterInvalid"):
        fake_client(script, fake_time, retry_policy=Custom()).list_table()
    assert calls == [(0, "OTSParameterInvalid", "ListTable"), (1, "OTSParameterInvalid", "ListTable"),
                     (2, "OTSParameterInvalid", "ListTable")]
    assert fake_time.sleeps == [0.25, 0.5] and len(script.requests) == 3
    assert RetryPolicyStrategy(Custom()).succeeded(1) is None


# ----------------------------------------------------------------- clients on a fake clock


def date_after(fake_time, seconds: float) -> str:
    """The x-ots-date ``seconds`` after the fake clock's now."""
    return format_date(datetime.fromtimestamp(fake_time.current + seconds, timezone.utc))


def fake_client(script, fake_time, **kwargs) -> OTSClient:
    return OTSClient(ENDPOINT, AK, SK, INSTANCE, transport=MockTransport(script), clock=fake_time.now,
                     sleep=fake_time.sleep, **kwargs)


def busy(request):
    return error(request, "OTSServerBusy", "Server is busy.", 503)


def test_throttling_pauses_on_the_injected_sleep_with_the_policys_delays(fake_time):
    start = date_after(fake_time, 0)
    script = Script(busy, busy, busy, lambda r: answer(r, consumed(pb.PutRowResponse())))
    fake_client(script, fake_time, rng=lambda: 1.0).put_row("t", Row([("pk", 1)], [("a", 1)]))
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    # each attempt is signed anew with the injected clock's date
    assert [r.headers["x-ots-date"] for r in script.requests] == [
        start, date_after(fake_time, -3.0), date_after(fake_time, -2.0), date_after(fake_time, 0)]
    assert date_after(fake_time, 0) != start


def test_the_rng_keyword_feeds_the_default_policys_jitter(fake_time):
    draws = iter([0.5, 0.25])
    fake_client(Script(busy, busy, list_table_ok), fake_time, rng=lambda: next(draws)).list_table()
    assert fake_time.sleeps == [0.25, 0.25]


def test_signing_and_the_response_date_check_use_the_injected_clock(fake_time):
    fake_time.current -= 3600  # an hour behind the (real) date the fake_time service answers with
    script = Script(list_table_ok)
    from alicloud_storage.tablestore import OTSResponseCheckError as Skewed

    with pytest.raises(Skewed, match="date"):
        fake_client(script, fake_time, retry_policy=NoRetryPolicy()).list_table()
    assert script.requests[0].headers["x-ots-date"] == date_after(fake_time, 0)


class Rotating(CredentialsProvider):
    def __init__(self) -> None:
        self.calls = 0

    def get_credentials(self) -> Credentials:
        self.calls += 1
        return Credentials(AK, SK, f"{TOKEN}-{self.calls}")


def test_network_errors_retry_reads_only_and_every_attempt_asks_for_credentials(fake_time):
    def refuse(request):
        raise ConnectError("connection refused")

    provider = Rotating()
    reads = Script(refuse, refuse, list_table_ok)
    ots = OTSClient(ENDPOINT, instance_name=INSTANCE, credentials_provider=provider, transport=MockTransport(reads),
                    clock=fake_time.now, sleep=fake_time.sleep, rng=lambda: 1.0)
    assert ots.list_table() == ("a", "b")
    assert fake_time.sleeps == [0.2, 0.4]
    assert [r.headers["x-ots-ststoken"] for r in reads.requests] == [f"{TOKEN}-1", f"{TOKEN}-2", f"{TOKEN}-3"]
    writes = Script(refuse)
    with pytest.raises(OTSNetworkError):
        fake_client(writes, fake_time, rng=lambda: 1.0).put_row("t", Row([("pk", 1)], [("a", 1)]))
    assert len(writes.requests) == 1 and fake_time.sleeps == [0.2, 0.4]


def test_the_async_client_pauses_on_its_injected_sleep(fake_time):

    async def main():
        async with AsyncOTSClient(ENDPOINT, AK, SK, INSTANCE, transport=AsyncMockTransport(script),
                                  clock=fake_time.now, sleep=fake_time.async_sleep, rng=lambda: 1.0) as ots:
            return await ots.list_table()

    script = Script(busy, list_table_ok)
    assert asyncio.run(main()) == ("a", "b")
    assert fake_time.sleeps == [0.5]


@pytest.mark.parametrize("name", ["clock", "sleep", "rng"])
def test_clock_sleep_and_rng_must_be_callable(name):
    with pytest.raises(OTSClientError, match=f"{name} must be callable"):
        OTSClient(ENDPOINT, AK, SK, INSTANCE, **{name: 3})
