"""Retry policies: what is retried for which API, and capped exponential full-jitter backoff."""
from __future__ import annotations

import pytest

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
    WriteRetryPolicy,
)
from alicloud_storage.tablestore import client  # noqa: F401  (registers the operation table)


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
