"""Golden vectors of the POP signatures (fact sheet 1.3 / 1.4, computed by the official SDKs)."""
from __future__ import annotations

from alicloud_storage.sts.signature import (
    EMPTY_SHA256,
    acs3_authorization,
    parse_acs3_authorization,
    percent_encode,
    rpc_signature,
    rpc_string_to_sign,
)

RPC_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "GetCallerIdentity",
    "Format": "JSON",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2015-04-01",
    "Policy": '{"a": "b*~"}',
}


def test_rpc_v1_matches_tea_openapi_vector() -> None:
    assert rpc_signature("testsecret", "GET", RPC_PARAMS) == "W9Zuyz2IhZOaMF753A9+RLVzrPM="


def test_rpc_v1_ignores_an_existing_signature_and_keeps_empty_values() -> None:
    params = {**RPC_PARAMS, "SignatureType": ""}
    with_sig = {**params, "Signature": "whatever"}
    assert rpc_string_to_sign("GET", with_sig) == rpc_string_to_sign("GET", params)
    assert "SignatureType%3D%26" in rpc_string_to_sign("GET", params)


def test_quote_plus_variant_differs_only_for_spaces() -> None:
    no_space = {k: v.replace(" ", "") for k, v in RPC_PARAMS.items()}
    assert rpc_signature("s", "GET", no_space) == rpc_signature("s", "GET", no_space, space_as_plus=True)
    assert rpc_signature("s", "GET", RPC_PARAMS) != rpc_signature("s", "GET", RPC_PARAMS, space_as_plus=True)
    assert percent_encode("a b*/~") == "a%20b%2A%2F~"
    assert percent_encode("a b", space_as_plus=True) == "a+b"


def test_acs3_matches_tea_openapi_vector() -> None:
    headers = {
        "host": "sts.aliyuncs.com",
        "x-acs-action": "AssumeRole",
        "x-acs-version": "2015-04-01",
        "x-acs-date": "2023-10-26T10:22:32Z",
        "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        "x-acs-content-sha256": EMPTY_SHA256,
    }
    query = {"RoleArn": "acs:ram::123:role/r", "RoleSessionName": "s 1"}
    value = acs3_authorization("testid", "testsecret", "POST", "/", query, headers)
    assert value.endswith("Signature=03450b27fb492a5fdcf17418a6feb002f30e2c7fb23d9f5bac2544cf2ae1f41c")
    parsed = parse_acs3_authorization(value)
    assert parsed is not None
    assert parsed[0] == "testid"
    assert parsed[1] == sorted(headers)


def test_parse_acs3_rejects_other_schemes() -> None:
    assert parse_acs3_authorization("OTS a:b") is None
    assert parse_acs3_authorization("ACS3-HMAC-SHA256 Credential=a") is None
