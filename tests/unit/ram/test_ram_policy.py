"""The RAM policy language: grammar, wildcards, conditions and the decision order."""
from __future__ import annotations

import pytest

from alicloud_storage.emulator.ram.policy import Decision, PolicyError, decide, parse_policy, trusts

RES = "acs:ots:cn-hangzhou:123:instance/inst/table/t"


def policy(*statements: dict) -> object:
    return parse_policy({"Version": "1", "Statement": list(statements)})


def allow(action: object = "ots:*", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object = "ots:*", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def test_explicit_deny_beats_allow_and_default_is_deny() -> None:
    p = policy(allow(), deny("ots:PutRow"))
    assert decide([p], "ots:GetRow", RES, {}) is Decision.ALLOW
    assert decide([p], "ots:PutRow", RES, {}) is Decision.DENY
    assert decide([p], "oss:GetObject", RES, {}) is Decision.NEUTRAL
    assert decide([], "ots:GetRow", RES, {}) is Decision.NEUTRAL


def test_actions_case_insensitive_resources_case_sensitive() -> None:
    p = policy(allow("OTS:get*", "acs:ots:*:*:instance/inst/table/*"))
    assert decide([p], "ots:GetRow", RES, {}) is Decision.ALLOW
    assert decide([p], "ots:GetRow", RES.replace("inst", "INST"), {}) is Decision.NEUTRAL


def test_question_mark_and_not_action() -> None:
    assert decide([policy(allow("ots:?etRow"))], "ots:GetRow", RES, {}) is Decision.ALLOW
    assert decide([policy(allow("ots:?etRow"))], "ots:GetRange", RES, {}) is Decision.NEUTRAL
    p = parse_policy({"Version": "1", "Statement": [{"Effect": "Allow", "NotAction": "ots:Delete*", "Resource": "*"}]})
    assert decide([p], "ots:PutRow", RES, {}) is Decision.ALLOW
    assert decide([p], "ots:DeleteRow", RES, {}) is Decision.NEUTRAL


def test_single_instance_policy_of_the_user_document() -> None:
    p = policy(allow("ots:*", "acs:ots:*:*:instance/myinst*"))
    assert decide([p], "ots:ListTable", "acs:ots:cn-hangzhou:1:instance/myinst", {}) is Decision.ALLOW
    assert decide([p], "ots:PutRow", "acs:ots:cn-hangzhou:1:instance/myinst/table/t", {}) is Decision.ALLOW
    assert decide([p], "ots:ListTable", "acs:ots:cn-hangzhou:1:instance/other", {}) is Decision.NEUTRAL


def test_table_pattern_does_not_match_the_instance_itself() -> None:
    p = policy(allow("ots:*", "acs:ots:*:*:instance/abc*/table/xyz*"))
    assert decide([p], "ots:ListTable", "acs:ots:r:1:instance/abc", {}) is Decision.NEUTRAL


@pytest.mark.parametrize(
    "condition, context, met",
    [
        ({"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}, {"acs:SourceIp": "10.1.2.3"}, True),
        ({"IpAddress": {"acs:SourceIp": ["192.168.0.1", "10.0.0.0/8"]}}, {"acs:SourceIp": "11.0.0.1"}, False),
        ({"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}}, {"acs:SourceIp": "11.0.0.1"}, True),
        ({"DateLessThan": {"acs:CurrentTime": "2030-01-01T00:00:00+08:00"}},
         {"acs:CurrentTime": "2029-12-31T15:59:59Z"}, True),
        ({"DateGreaterThan": {"acs:CurrentTime": "2030-01-01T00:00:00Z"}},
         {"acs:CurrentTime": "2029-12-31T15:59:59Z"}, False),
        ({"Bool": {"acs:SecureTransport": "true"}}, {"acs:SecureTransport": "false"}, False),
        ({"Bool": {"acs:SecureTransport": True}}, {"acs:SecureTransport": "true"}, True),
        ({"StringEquals": {"acs:UserAgent": "x"}}, {"acs:useragent": "x"}, True),
        ({"StringEqualsIgnoreCase": {"acs:UserAgent": "ABC"}}, {"acs:UserAgent": "abc"}, True),
        ({"StringLike": {"acs:UserAgent": "aliyun-*"}}, {"acs:UserAgent": "aliyun-sdk"}, True),
        ({"StringNotLike": {"acs:UserAgent": "aliyun-*"}}, {"acs:UserAgent": "aliyun-sdk"}, False),
        ({"NumericLessThanEquals": {"ots:Limit": "10"}}, {"ots:Limit": "10"}, True),
        ({"NumericGreaterThan": {"ots:Limit": 10}}, {"ots:Limit": "10"}, False),
        ({"StringEquals": {"acs:SourceVpc": "vpc-1"}}, {}, False),  # absent key: not met
        ({"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}, "Bool": {"acs:SecureTransport": "true"}},
         {"acs:SourceIp": "10.0.0.1", "acs:SecureTransport": "false"}, False),  # operators AND
    ],
)
def test_conditions(condition: dict, context: dict, met: bool) -> None:
    p = policy(allow(Condition=condition))
    assert (decide([p], "ots:GetRow", RES, context) is Decision.ALLOW) is met


@pytest.mark.parametrize(
    "document, message",
    [
        ("{", "not valid JSON"),
        (b"{\xff}", "not UTF-8"),
        ({"Version": "2", "Statement": [allow()]}, "Version"),
        ({"Version": "1", "Statement": []}, "non-empty"),
        ({"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "ots:*", "Resource": "*"}]}, "Effect"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*"}]}, "Action"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ots:*"}]}, "Resource"),
        ({"Version": "1", "Statement": [allow("getrow")]}, "<service>:<api>"),
        ({"Version": "1", "Statement": [allow(Condition={"Sometimes": {"k": "v"}})]}, "unknown condition"),
    ],
)
def test_grammar_errors(document: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(document)  # type: ignore[arg-type]


def test_trust_policy() -> None:
    trust = parse_policy({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::123:root"]}},
    ]})
    assert trusts(trust, "acs:ram::123:role/r", ["acs:ram::123:user/alice", "acs:ram::123:root"], {})
    assert not trusts(trust, "acs:ram::123:role/r", ["acs:ram::999:user/eve", "acs:ram::999:root"], {})
    only_bob = parse_policy({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": "acs:ram::123:user/bob"}},
    ]})
    assert not trusts(only_bob, "acs:ram::123:role/r", ["acs:ram::123:user/alice", "acs:ram::123:root"], {})
    assert trusts(only_bob, "acs:ram::123:role/r", ["acs:ram::123:user/bob", "acs:ram::123:root"], {})
