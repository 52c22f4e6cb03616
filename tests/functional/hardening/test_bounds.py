"""The bounds behind the hostile cases, checked where they live (no network)."""
from __future__ import annotations

import time

import pytest

from alicloud_storage.emulator.faults import MAX_PENDING_FAULTS, Fault, FaultInjector
from alicloud_storage.emulator.jsonbody import JsonError, loads
from alicloud_storage.emulator.ram.wildcard import wildcard_match
from alicloud_storage.sts.verify import MAX_SKEW, NonceCache, PopVerificationError


def test_pending_faults_are_bounded_and_released_as_they_fire() -> None:
    faults = FaultInjector()
    for i in range(MAX_PENDING_FAULTS):
        faults.add("tablestore", f"Api{i}", Fault("X"), 1)
    with pytest.raises(ValueError, match="already pending"):
        faults.add("tablestore", "OneMore", Fault("X"), 1)
    assert faults.take("tablestore", "Api0") == Fault("X")
    faults.add("tablestore", "OneMore", Fault("X"), 1)  # a fired fault frees its slot


def test_a_nonce_flood_cannot_evict_a_live_nonce() -> None:
    nonces = NonceCache(limit=3)
    for nonce in ("a", "b", "c"):
        nonces.check_and_add("key", nonce, 1000.0)
    with pytest.raises(PopVerificationError) as refused:
        nonces.check_and_add("key", "d", 1000.0)
    assert refused.value.code == "Throttling.User"
    with pytest.raises(PopVerificationError) as replayed:
        nonces.check_and_add("key", "a", 1000.0)
    assert replayed.value.code == "SignatureNonceUsed"
    nonces.check_and_add("key", "d", 1000.0 + 2 * MAX_SKEW + 1)  # expired ones make room


def test_wildcards_match_in_linear_time() -> None:
    started = time.perf_counter()
    assert not wildcard_match("*a" * 40 + "*b", "a" * 5000)
    assert time.perf_counter() - started < 0.1
    assert wildcard_match("acs:ots:*:*:instance/*/table/t?", "acs:ots:r:1:instance/i/table/t1")
    assert wildcard_match("OTS:get*", "ots:GetRow", ignore_case=True)
    assert not wildcard_match("a*b", "ab\n") and wildcard_match("a*", "a\nb")


@pytest.mark.parametrize("text", ["[" * 33 + "]" * 33, '{"a": NaN}', '{"a": -Infinity}', "[1e400]", b"\xff"])
def test_client_json_is_refused_before_it_is_parsed(text: object) -> None:
    with pytest.raises(JsonError):
        loads(text)  # type: ignore[arg-type]


def test_strings_do_not_count_as_nesting() -> None:
    assert loads('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}') == {"a": "[" * 40 + '"'}
