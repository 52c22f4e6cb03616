"""OSS retryers: documented defaults, the retryable classes and the backoff formulas
(randomness injected)."""
from __future__ import annotations

import pytest

from alicloud_storage.oss import exceptions as e
from alicloud_storage.oss import retry


def service(status: int, code: str = "X") -> e.ServiceError:
    return e.ServiceError(status_code=status, code=code)


def test_standard_defaults_and_classes() -> None:
    retryer = retry.StandardRetryer()
    assert retryer.max_attempts() == 3
    for error in (service(500), service(503), service(401), service(408), service(429),
                  service(403, "RequestTimeTooSkewed"), service(400, "BadRequest"),
                  e.RequestError(error="x"), e.ResponseError(error="x"),
                  e.InconsistentError(client_crc=1, server_crc=2), e.CredentialsFetchError(error="x")):
        assert retryer.is_error_retryable(error), error
    for error in (service(403, "AccessDenied"), service(404, "NoSuchKey"), ValueError("x"),
                  e.BucketNameInvalidError(name="B")):
        assert not retryer.is_error_retryable(error), error
    assert retry.StandardRetryer(max_attempts=5).max_attempts() == 5
    with pytest.raises(ValueError):
        retry.StandardRetryer(max_attempts=0)


def test_backoff_formulas() -> None:
    full = retry.FullJitterBackoff(0.2, 20, rng=lambda: 0.5)
    assert [full.backoff_delay(k, Exception()) for k in (0, 1, 2, 10)] == [0.1, 0.2, 0.4, 10.0]
    top = retry.FullJitterBackoff(0.2, 20, rng=lambda: 0.999)
    assert top.backoff_delay(100, Exception()) == pytest.approx(19.98)
    equal = retry.EqualJitterBackoff(0.2, 20, rng=lambda: 0.0)
    assert equal.backoff_delay(3, Exception()) == pytest.approx(0.8)
    assert retry.EqualJitterBackoff(0.2, 20, rng=lambda: 1.0).backoff_delay(3, Exception()) == pytest.approx(2.6)
    assert retry.FixedDelayBackoff(2).backoff_delay(7, Exception()) == 2
    standard = retry.StandardRetryer(backoff_delayer=retry.FixedDelayBackoff(2))
    assert standard.retry_delay(1, Exception()) == 2
    default = retry.StandardRetryer()
    assert all(0 <= default.retry_delay(k, Exception()) <= 0.2 * 2 ** k for k in range(1, 6))


def test_nop_retryer() -> None:
    nop = retry.NopRetryer()
    assert nop.max_attempts() == 1 and not nop.is_error_retryable(service(500))
    with pytest.raises(NotImplementedError):
        nop.retry_delay(1, Exception())


def test_retryer_as_the_engines_strategy() -> None:
    from alicloud_storage.retry import RetryContext

    strategy = retry.RetryerStrategy(retry.StandardRetryer(backoff_delayer=retry.FixedDelayBackoff(0.5)), 3)
    assert strategy.next_delay(RetryContext(1, service(503))) == 0.5
    assert strategy.next_delay(RetryContext(2, e.RequestError(error="x"))) == 0.5
    assert strategy.next_delay(RetryContext(3, service(503))) is None  # attempts used up
    assert strategy.next_delay(RetryContext(1, service(404, "NoSuchKey"))) is None
    assert retry.RetryerStrategy(retry.NopRetryer(), 1).next_delay(RetryContext(1, service(500))) is None
