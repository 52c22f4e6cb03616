"""The identity store: resolve, decisions for users and sessions, AssumeRole rules, config."""
from __future__ import annotations

import json

import pytest

from alicloud_storage.emulator.ram import AuthenticationError, Iam, RamError
from alicloud_storage.emulator.ram.system_policies import SYSTEM_POLICIES

ACCOUNT = "1234567890123456"
INSTANCE = f"acs:ots:cn-hangzhou:{ACCOUNT}:instance/inst"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def iam(clock: Clock) -> Iam:
    iam = Iam(ACCOUNT, "ROOTKEY", "rootsecret", clock=clock)
    iam.load_config({
        "policies": [{"name": "OnlyInst", "document": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "ots:*", "Resource": "acs:ots:*:*:instance/inst*"}]}}],
        "users": [{"name": "alice", "access_keys": [{"id": "AKALICE", "secret": "alicesecret"}],
                   "policies": ["AliyunSTSAssumeRoleAccess"]},
                  {"name": "nobody", "access_keys": [{"id": "AKNOBODY", "secret": "s"}]}],
        "roles": [{"name": "RamTablestore", "policies": ["AliyunOTSReadOnlyAccess"]},
                  {"name": "Long", "max_session_duration": 43200, "policies": ["OnlyInst"]}],
    })
    return iam


def test_system_policies_are_present_verbatim(iam: Iam) -> None:
    names = {p["name"]: p for p in iam.describe()["policies"]}
    for name in ("AliyunOTSFullAccess", "AliyunOTSReadOnlyAccess", "AliyunOTSWriteOnlyAccess",
                 "AliyunSTSAssumeRoleAccess"):
        assert names[name]["type"] == "System"
        assert json.loads(names[name]["document"]) == json.loads(SYSTEM_POLICIES[name])


def test_root_is_allowed_everything_and_cannot_send_a_token(iam: Iam) -> None:
    root = iam.resolve("ROOTKEY", None)
    assert root.is_root and iam.is_allowed(root, "ots:DeleteTable", INSTANCE, {})
    with pytest.raises(AuthenticationError):
        iam.resolve("ROOTKEY", "token")


def test_unknown_and_disabled_keys(iam: Iam) -> None:
    with pytest.raises(AuthenticationError) as unknown:
        iam.resolve("NOPE", None)
    assert unknown.value.code == "InvalidAccessKeyId.NotFound"
    iam.set_access_key_active("AKALICE", False)
    with pytest.raises(AuthenticationError) as disabled:
        iam.resolve("AKALICE", None)
    assert disabled.value.code == "InvalidAccessKeyId.Inactive"


def test_assume_role_session_is_read_only_and_expires(iam: Iam, clock: Clock) -> None:
    alice = iam.resolve("AKALICE", None)
    assert not iam.is_allowed(alice, "ots:ListTable", INSTANCE, {})
    role = iam.assume_role(alice, f"acs:ram::{ACCOUNT}:role/ramtablestore", "s1", 900)
    assert role.access_key_id.startswith("STS.") and role.expiration == clock.now + 900
    assert role.arn == f"acs:ram::{ACCOUNT}:role/ramtablestore/s1"
    session = iam.resolve(role.access_key_id, role.security_token)
    assert session.arn == f"acs:ram::{ACCOUNT}:assumed-role/ramtablestore/s1"
    assert iam.is_allowed(session, "ots:ListTable", INSTANCE, {})
    assert not iam.is_allowed(session, "ots:PutRow", INSTANCE + "/table/t", {})
    with pytest.raises(AuthenticationError) as forged:
        iam.resolve(role.access_key_id, role.security_token + "x")
    assert forged.value.code == "InvalidSecurityToken.MismatchWithAccessKey"
    with pytest.raises(AuthenticationError) as missing:
        iam.resolve(role.access_key_id, None)
    assert missing.value.code == "MissingSecurityToken"
    clock.now += 900
    with pytest.raises(AuthenticationError) as expired:
        iam.resolve(role.access_key_id, role.security_token)
    assert expired.value.code == "InvalidSecurityToken.Expired"


def test_inline_policy_narrows_the_role(iam: Iam) -> None:
    alice = iam.resolve("AKALICE", None)
    inline = json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["ots:ListTable", "ots:PutRow"], "Resource": "*"}]})
    role = iam.assume_role(alice, f"acs:ram::{ACCOUNT}:role/RamTablestore", "s2", None, inline)
    session = iam.resolve(role.access_key_id, role.security_token)
    assert iam.is_allowed(session, "ots:ListTable", INSTANCE, {})
    assert not iam.is_allowed(session, "ots:GetRow", INSTANCE + "/table/t", {})  # not in inline
    assert not iam.is_allowed(session, "ots:PutRow", INSTANCE + "/table/t", {})  # not in the role


@pytest.mark.parametrize(
    "caller, arn, name, duration, policy, code",
    [
        ("ROOTKEY", "role/ramtablestore", "s1", 900, None, "NoPermission"),
        ("AKNOBODY", "role/ramtablestore", "s1", 900, None, "NoPermission"),
        ("AKALICE", "role/missing", "s1", 900, None, "EntityNotExist.Role"),
        ("AKALICE", "role/ramtablestore", "s", 900, None, "InvalidParameter.RoleSessionName"),
        ("AKALICE", "role/ramtablestore", "bad name", 900, None, "InvalidParameter.RoleSessionName"),
        ("AKALICE", "role/ramtablestore", "s1", 899, None, "InvalidParameter.DurationSeconds"),
        ("AKALICE", "role/ramtablestore", "s1", 3601, None, "InvalidParameter.DurationSeconds"),
        ("AKALICE", "role/ramtablestore", "s1", 900, "{not json", "InvalidParameter.PolicyGrammar"),
    ],
)
def test_assume_role_refusals(iam: Iam, caller: str, arn: str, name: str, duration: int,
                              policy: str, code: str) -> None:
    principal = iam.resolve(caller, None)
    with pytest.raises(RamError) as refused:
        iam.assume_role(principal, f"acs:ram::{ACCOUNT}:{arn}", name, duration, policy)
    assert refused.value.code == code


def test_role_max_session_duration(iam: Iam) -> None:
    alice = iam.resolve("AKALICE", None)
    assert iam.assume_role(alice, f"acs:ram::{ACCOUNT}:role/long", "s1", 43200).expiration
    with pytest.raises(RamError, match="MaxSessionDuration"):
        iam.create_role("TooShort", max_session_duration=1800)


def test_untrusted_caller_is_refused(iam: Iam) -> None:
    iam.create_role("OnlyBob", trust_policy={"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": f"acs:ram::{ACCOUNT}:user/bob"}}]})
    with pytest.raises(RamError, match="does not trust you"):
        iam.assume_role(iam.resolve("AKALICE", None), f"acs:ram::{ACCOUNT}:role/onlybob", "s1", 900)


def test_runtime_changes_take_effect_and_describe_has_no_secrets(iam: Iam) -> None:
    alice = iam.resolve("AKALICE", None)
    iam.attach_policy("AliyunOTSWriteOnlyAccess", user="alice")
    assert iam.is_allowed(alice, "ots:PutRow", INSTANCE + "/table/t", {})
    iam.detach_policy("AliyunOTSWriteOnlyAccess", user="alice")
    assert not iam.is_allowed(alice, "ots:PutRow", INSTANCE + "/table/t", {})
    with pytest.raises(RamError, match="attached"):
        iam.delete_policy("OnlyInst")
    text = json.dumps(iam.describe())
    assert "alicesecret" not in text and "rootsecret" not in text
    iam.delete_user("alice")
    with pytest.raises(AuthenticationError):
        iam.resolve("AKALICE", None)
