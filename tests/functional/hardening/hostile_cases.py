"""Every hostile case, grouped by the class of fault of issue 11 it attacks.

Each case sends what an outsider might and asserts the exact status and error code, then
that the server still answers an ordinary request promptly (``Target.refused``).
"""
from __future__ import annotations

import gzip
import json
import struct
import threading
import time
import uuid
from typing import Any, Dict, Tuple
from urllib.parse import quote

from hardening_helpers import Target, case, create_table, latin, oss_v1_headers, send

from alicloud_storage.tablestore.wire import pb

_LIST = pb.ListTableRequest().SerializeToString()
_ROLE = "hostile-role"


def world(target: Target) -> Dict[str, Any]:
    """A RAM user with a key allowed to assume a role, and a live STS session of that role."""
    cached = getattr(target, "_world", None)
    if cached is not None:
        return cached
    target.admin_ok("POST", "/ram/users", {"name": "hostile-user"})
    key = target.admin_ok("POST", "/ram/users/hostile-user/access-keys", {})
    target.secrets.add(key["secret"])
    for policy in ("AliyunSTSAssumeRoleAccess", "AliyunOTSFullAccess", "AliyunOSSFullAccess"):
        target.admin_ok("POST", "/ram/users/hostile-user/policies", {"policy": policy})
    arn = target.admin_ok("POST", "/ram/roles", {"name": _ROLE})["arn"]
    target.admin_ok("POST", f"/ram/roles/{_ROLE}/policies", {"policy": "AliyunOTSFullAccess"})
    user_key = (key["id"], key["secret"])
    built = {"user_key": user_key, "role_arn": arn, "session": target.assume(user_key, arn)}
    setattr(target, "_world", built)
    return built


def session(target: Target) -> Tuple[str, str, str]:
    return world(target)["session"]  # type: ignore[no-any-return]


# --- 1. bytes that are not text ----------------------------------------------------------------
@case
def ots_access_key_id_not_utf8(t: Target) -> None:
    t.refused(t.ots("ListTable", _LIST, tamper={"x-ots-accesskeyid": b"\xff\xfeLTAI"}), 400, "OTSParameterInvalid")


@case
def ots_signature_not_utf8(t: Target) -> None:
    t.refused(t.ots("ListTable", _LIST, tamper={"x-ots-signature": b"\xe9\xe9=="}), 400, "OTSParameterInvalid")


@case
def ots_signature_non_ascii_text(t: Target) -> None:
    t.refused(t.ots("ListTable", _LIST, tamper={"x-ots-signature": "é".encode()}), 403, "OTSAuthFailed")


@case
def ots_live_token_with_bad_byte(t: Target) -> None:
    key_id, secret, token = session(t)
    reply = t.ots("ListTable", _LIST, key=(key_id, secret, token),
                  tamper={"x-ots-ststoken": token.encode() + b"\xff"})
    t.refused(reply, 400, "OTSParameterInvalid")


@case
def ots_custom_header_not_utf8(t: Target) -> None:
    t.refused(t.ots("ListTable", _LIST, extra=[(b"x-ots-hostile", b"\xc3\x28")]), 400, "OTSParameterInvalid")


@case
def ots_live_token_with_control_byte(t: Target) -> None:
    """A control byte is refused by the HTTP parser itself (a plain 400): the token must not be logged."""
    key_id, secret, token = session(t)
    reply = t.ots("ListTable", _LIST, key=(key_id, secret, token),
                  tamper={"x-ots-ststoken": token.encode() + b"\x01"})
    assert reply.status == 400
    t.served()


@case
def sts_query_signature_not_utf8(t: Target) -> None:
    query = t.sts_v1({"Action": "GetCallerIdentity"})
    path = "/?" + "&".join(f"{k}={v}" for k, v in query.items() if k != "Signature") + "&Signature=%FF%FE"
    t.refused(send(t.sts, "GET", path.encode().replace(b" ", b"%20").replace(b"+", b"%2B"), []),
              400, "SignatureDoesNotMatch")


@case
def sts_authorization_not_utf8(t: Target) -> None:
    headers = t.admin_headers("POST", "/", b"", **{"x-acs-action": "GetCallerIdentity",
                                                  "x-acs-version": "2015-04-01"})
    headers["Authorization"] = headers["Authorization"][:-4] + "\udcff\udcfe"
    raw = [(k.encode(), v.encode("utf-8", "surrogateescape")) for k, v in headers.items()]
    t.refused(send(t.sts, "POST", b"/", raw), 400, "InvalidParameter")


@case
def sts_signature_non_ascii_text(t: Target) -> None:
    headers = t.admin_headers("POST", "/", b"", **{"x-acs-action": "GetCallerIdentity",
                                                  "x-acs-version": "2015-04-01"})
    headers["Authorization"] = headers["Authorization"][:-2] + "éé"
    t.refused(send(t.sts, "POST", b"/", latin(headers)), 400, "SignatureDoesNotMatch")


@case
def sts_duplicate_security_token(t: Target) -> None:
    key_id, secret, token = session(t)
    headers = t.admin_headers("POST", "/", b"", key=(key_id, secret), **{
        "x-acs-action": "GetCallerIdentity", "x-acs-version": "2015-04-01", "x-acs-security-token": token})
    raw = latin(headers) + [(b"x-acs-security-token", b"CAISforged")]
    t.refused(send(t.sts, "POST", b"/", raw), 400, "InvalidParameter")


@case
def admin_authorization_not_utf8(t: Target) -> None:
    headers = t.admin_headers("GET", "/_emulator/health", b"")
    raw = [(k.encode(), v.encode()) for k, v in headers.items() if k != "Authorization"]
    raw.append((b"Authorization", headers["Authorization"].encode()[:-2] + b"\xc3\x28"))
    t.refused(send(t.tablestore, "GET", b"/_emulator/health", raw), 400, "InvalidParameter")


@case
def admin_signature_non_ascii_text(t: Target) -> None:
    headers = t.admin_headers("GET", "/_emulator/health", b"")
    headers["Authorization"] = headers["Authorization"][:-2] + "éé"
    t.refused(send(t.tablestore, "GET", b"/_emulator/health", latin(headers)), 403, "SignatureDoesNotMatch")


@case
def oss_authorization_not_utf8(t: Target) -> None:
    headers = oss_v1_headers(t, "GET", "/")
    raw = [(b"Date", headers["Date"].encode()), (b"Authorization", headers["Authorization"].encode() + b"\xff")]
    t.refused(send(t.oss, "GET", b"/", raw), 400, "InvalidArgument")


@case
def oss_signature_non_ascii_text(t: Target) -> None:
    headers = oss_v1_headers(t, "GET", "/")
    headers["Authorization"] = headers["Authorization"][:-2] + "éé"
    t.refused(send(t.oss, "GET", b"/", latin(headers)), 403, "SignatureDoesNotMatch")


@case
def oss_duplicate_security_token(t: Target) -> None:
    key_id, secret, token = session(t)
    headers = oss_v1_headers(t, "GET", "/", key=(key_id, secret))
    raw = latin(headers) + [(b"x-oss-security-token", token.encode()), (b"x-oss-security-token", b"CAISx")]
    t.refused(send(t.oss, "GET", b"/", raw), 400, "InvalidArgument")


# --- 4. admin API authentication ----------------------------------------------------------------
def _sts_identity_headers(t: Target, **override: str) -> Dict[str, str]:
    return t.admin_headers("POST", "/", b"", **{"x-acs-action": "GetCallerIdentity",
                                                "x-acs-version": "2015-04-01", **override})


@case
def admin_rpc_v1_signature_replayed(t: Target) -> None:
    """An STS query signature covers neither path nor host: never accepted on an admin route."""
    query = t.sts_v1({"Action": "GetCallerIdentity"})
    path = "/_emulator/health?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    t.refused(send(t.tablestore, "GET", path.encode(), []), 403, "IncompleteSignature")


@case
def admin_sts_acs3_signature_replayed(t: Target) -> None:
    headers = t.admin_headers("POST", "/_emulator/reset", b"", **{"x-acs-action": "GetCallerIdentity",
                                                                 "x-acs-version": "2015-04-01"})
    t.refused(send(t.tablestore, "POST", b"/_emulator/reset", latin(headers)), 403, "IncompleteSignature")


@case
def admin_ots_signature_replayed(t: Target) -> None:
    headers = t.ots_headers("ListTable", b"")  # x-ots-signature: no admin signature at all
    t.refused(send(t.tablestore, "GET", b"/_emulator/health", latin(headers)), 403, "MissingParameter")


@case
def admin_signature_of_another_route(t: Target) -> None:
    headers = t.admin_headers("GET", "/_emulator/health", b"")
    t.refused(send(t.tablestore, "POST", b"/_emulator/reset", latin(headers)), 403, "SignatureDoesNotMatch")


@case
def admin_signature_with_another_query(t: Target) -> None:
    headers = t.admin_headers("GET", "/_emulator/health", b"")
    t.refused(send(t.tablestore, "GET", b"/_emulator/health?extra=1", latin(headers)), 403,
              "SignatureDoesNotMatch")


@case
def admin_body_swapped(t: Target) -> None:
    signed = json.dumps({"name": "hostile-a"}).encode()
    headers = t.admin_headers("POST", "/_emulator/ram/users", signed)
    sent = json.dumps({"name": "hostile-b"}).encode()
    t.refused(send(t.tablestore, "POST", b"/_emulator/ram/users", latin(headers), sent), 403, "IncompleteSignature")


@case
def admin_nonce_reused_across_listeners(t: Target) -> None:
    nonce = uuid.uuid4().hex
    first = send(t.sts, "POST", b"/", latin(_sts_identity_headers(t, **{"x-acs-signature-nonce": nonce})))
    assert first.status == 200, first.body
    headers = t.admin_headers("GET", "/_emulator/health", b"", **{"x-acs-signature-nonce": nonce})
    t.refused(send(t.tablestore, "GET", b"/_emulator/health", latin(headers)), 403, "SignatureNonceUsed")


# --- 6. STS sessions bound to identities; names as documented ---------------------------------------
@case
def sts_token_of_a_deleted_and_recreated_role(t: Target) -> None:
    user_key = world(t)["user_key"]
    arn = t.admin_ok("POST", "/ram/roles", {"name": "phoenix"})["arn"]
    t.admin_ok("POST", "/ram/roles/phoenix/policies", {"policy": "AliyunOTSFullAccess"})
    old = t.assume(user_key, arn)
    assert t.ots("ListTable", _LIST, key=old).status == 200
    t.admin_ok("DELETE", "/ram/roles/phoenix/policies/AliyunOTSFullAccess")
    t.admin_ok("DELETE", "/ram/roles/phoenix")
    assert t.admin_ok("POST", "/ram/roles", {"name": "phoenix"})["arn"] == arn
    t.admin_ok("POST", "/ram/roles/phoenix/policies", {"policy": "AliyunOTSFullAccess"})
    t.refused(t.ots("ListTable", _LIST, key=old), 403, "OTSAuthFailed")
    t.refused(t.sts_call({"Action": "GetCallerIdentity"}, old), 400, "InvalidSecurityToken.Malformed")


@case
def sts_token_with_another_sessions_key(t: Target) -> None:
    key_id, secret, _ = t.assume(world(t)["user_key"], world(t)["role_arn"], "second")
    token = session(t)[2]
    t.refused(t.sts_call({"Action": "GetCallerIdentity"}, (key_id, secret, token)), 400,
              "InvalidSecurityToken.MismatchWithAccessKey")


@case
def ots_duplicate_security_token(t: Target) -> None:
    key_id, secret, token = session(t)
    reply = t.ots("ListTable", _LIST, key=(key_id, secret, token), extra=[(b"x-ots-ststoken", b"CAISforged")])
    t.refused(reply, 400, "OTSParameterInvalid")


@case
def sts_session_name_with_trailing_newline(t: Target) -> None:
    reply = t.sts_call({"Action": "AssumeRole", "RoleArn": world(t)["role_arn"], "RoleSessionName": "alice\n"},
                       (*world(t)["user_key"], None))
    t.refused(reply, 400, "InvalidParameter.RoleSessionName")


@case
def ram_user_name_with_trailing_newline(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/users", {"name": "mallory\n"}), 400, "InvalidParameter.UserName")


@case
def ram_role_name_with_trailing_newline(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/roles", {"name": "admin\n"}), 400, "InvalidParameter.RoleName")


@case
def ram_role_name_with_underscore(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/roles", {"name": "no_underscore"}), 400, "InvalidParameter.RoleName")


@case
def ram_policy_name_outside_its_character_set(t: Target) -> None:
    document = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ots:*", "Resource": "*"}]}
    t.refused(t.admin("POST", "/ram/policies", {"name": "dot.ted", "document": document}), 400,
              "InvalidParameter.PolicyName")
    t.refused(t.admin("POST", "/ram/policies", {"name": "p" * 129, "document": document}), 400,
              "InvalidParameter.PolicyName")


# --- 5. the RAM policy grammar as written ------------------------------------------------------------
def _allow(action: str = "ots:*", **extra: Any) -> Dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": "*", **extra}


def _policy(*statements: Dict[str, Any]) -> Dict[str, Any]:
    return {"Version": "1", "Statement": list(statements)}


_SERIAL = iter(range(1, 1 << 30))


def _user_with(t: Target, *statements: Dict[str, Any]) -> Tuple[str, str, None]:
    """A fresh RAM user holding one custom policy of ``statements``; its key (no token)."""
    name = f"grammar-{next(_SERIAL)}"
    t.admin_ok("POST", "/ram/policies", {"name": name, "document": _policy(*statements)})
    t.admin_ok("POST", "/ram/users", {"name": name})
    t.admin_ok("POST", f"/ram/users/{name}/policies", {"policy": name})
    key = t.admin_ok("POST", f"/ram/users/{name}/access-keys", {})
    t.secrets.add(key["secret"])
    return key["id"], key["secret"], None


@case
def policy_misspelled_statement_element(t: Target) -> None:
    document = _policy(_allow(Condtion={"Bool": {"acs:SecureTransport": "true"}}))
    t.refused(t.admin("POST", "/ram/policies", {"name": "typo", "document": document}), 400,
              "MalformedPolicyDocument")


@case
def policy_unknown_document_element(t: Target) -> None:
    document = {**_policy(_allow()), "Statment": []}
    t.refused(t.admin("POST", "/ram/policies", {"name": "typo", "document": document}), 400,
              "MalformedPolicyDocument")


@case
def policy_misspelled_global_condition_key(t: Target) -> None:
    document = _policy(_allow(Condition={"Bool": {"acs:SecureTransprt": "true"}}))
    t.refused(t.admin("POST", "/ram/policies", {"name": "typo", "document": document}), 400,
              "MalformedPolicyDocument")


@case
def trust_policy_unknown_principal_element(t: Target) -> None:
    trust = _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Ram": ["acs:ram::*:root"]}})
    t.refused(t.admin("POST", "/ram/roles", {"name": "typo", "trust_policy": trust}), 400,
              "MalformedPolicyDocument")


@case
def policy_not_resource_honoured(t: Target) -> None:
    everywhere_but_instances = _user_with(t, {"Effect": "Allow", "Action": "ots:*",
                                              "NotResource": "acs:ots:*:*:instance/*"})
    t.refused(t.ots("ListTable", _LIST, key=everywhere_but_instances), 403, "OTSNoPermissionAccess")
    elsewhere = _user_with(t, {"Effect": "Allow", "Action": "ots:*", "NotResource": "acs:ots:*:*:instance/other"})
    assert t.ots("ListTable", _LIST, key=elsewhere).status == 200


@case
def trust_policy_not_action_honoured(t: Target) -> None:
    account_root = "acs:ram::*:root"
    trust = _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": [account_root]}},
                    {"Effect": "Deny", "NotAction": "ots:*", "Principal": {"RAM": [account_root]}})
    arn = t.admin_ok("POST", "/ram/roles", {"name": "not-action", "trust_policy": trust})["arn"]
    reply = t.sts_call({"Action": "AssumeRole", "RoleArn": arn, "RoleSessionName": "denied"},
                       (*world(t)["user_key"], None))
    t.refused(reply, 403, "NoPermission")


@case
def admin_route_evaluates_secure_transport(t: Target) -> None:
    key = _user_with(t, {"Effect": "Allow", "Action": "emulator:*", "Resource": "*"},
                     {"Effect": "Deny", "Action": "emulator:Health", "Resource": "*",
                      "Condition": {"Bool": {"acs:SecureTransport": "false"}}})
    t.refused(t.admin("GET", "/health", key=(key[0], key[1])), 403, "NoPermission")


@case
def ots_route_evaluates_user_agent(t: Target) -> None:
    key = _user_with(t, _allow(), {"Effect": "Deny", "Action": "ots:ListTable", "Resource": "*",
                                   "Condition": {"StringLike": {"acs:UserAgent": "hostile-agent*"}}})
    t.refused(t.ots("ListTable", _LIST, key=key, extra=[(b"User-Agent", b"hostile-agent/1.0")]), 403,
              "OTSNoPermissionAccess")


@case
def policy_wildcard_cannot_backtrack(t: Target) -> None:
    key = _user_with(t, {"Effect": "Allow", "Action": "ots:*",
                         "Resource": "acs:ots:*:*:instance/*/table/" + "*a" * 40 + "*b"})
    started = time.monotonic()
    reply = t.ots("GetRow", _get_row("a" * 200), key=key)
    assert time.monotonic() - started < 1.0
    t.refused(reply, 403, "OTSNoPermissionAccess")


def _get_row(table: str) -> bytes:
    from alicloud_storage.tablestore.wire import plainbuffer

    request = pb.GetRowRequest(table_name=table, primary_key=plainbuffer.encode_primary_key([("pk", "x")]),
                               max_versions=1)
    return request.SerializeToString()


# --- 2./3. admin and config JSON: bounded before parsing, numbers at their edges -------------------
@case
def admin_body_nested_too_deep(t: Target) -> None:
    t.refused(t.admin("POST", "/faults", raw_body=b"[" * 200_000 + b"]" * 200_000), 400, "InvalidParameter")


@case
def admin_nan_delay(t: Target) -> None:
    t.refused(t.admin("POST", "/faults", raw_body=b'{"api": "GetRow", "delay": NaN}'), 400, "InvalidParameter")


@case
def admin_infinite_session_duration(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/roles", raw_body=b'{"name": "inf", "max_session_duration": Infinity}'),
              400, "InvalidParameter")
    t.refused(t.admin("POST", "/ram/roles", raw_body=b'{"name": "inf", "max_session_duration": 1e400}'),
              400, "InvalidParameter")


@case
def admin_huge_fault_count(t: Target) -> None:
    t.refused(t.admin("POST", "/faults", {"api": "GetRow", "count": 1e30}), 400, "InvalidParameter")
    t.refused(t.admin("POST", "/faults", {"api": "GetRow", "count": 10**30}), 400, "InvalidParameter")


@case
def admin_non_string_ids(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/users", {"name": 12345}), 400, "InvalidParameter")
    t.refused(t.admin("POST", "/faults", {"api": ["GetRow"]}), 400, "InvalidParameter")
    t.refused(t.admin("POST", "/faults", {"api": "GetRow", "code": {"nested": True}}), 400, "InvalidParameter")
    t.refused(t.admin("POST", "/ram/users/hostile-user/access-keys", {"id": 7}), 400, "InvalidParameter")


@case
def admin_bool_as_status(t: Target) -> None:
    t.refused(t.admin("POST", "/faults", {"api": "GetRow", "code": "X", "http_status": True}), 400,
              "InvalidParameter")


@case
def admin_config_of_wrong_shapes(t: Target) -> None:
    t.refused(t.admin("POST", "/ram/config", {"users": ["just-a-name"]}), 400, "InvalidParameter")
    t.refused(t.admin("POST", "/ram/config", {"roles": [{"name": "r", "max_session_duration": 1e300}]}), 400,
              "InvalidParameter.MaxSessionDuration")


@case
def policy_document_nested_too_deep(t: Target) -> None:
    document = '{"Version": "1", "Statement": ' + "[" * 50 + "]" * 50 + "}"
    t.refused(t.admin("POST", "/ram/policies", {"name": "deep", "document": document}), 400,
              "MalformedPolicyDocument")


# --- 2./3. Tablestore: decoded payloads bounded by their input, numbers at their edges ---------------
def _put_integer(t: Target, table: str, key: str, value: int) -> None:
    from alicloud_storage.tablestore.wire import plainbuffer

    row = plainbuffer.encode_put_row([("pk", key)], [("n", value)])
    request = pb.PutRowRequest(table_name=table, row=row, condition=pb.Condition(row_existence=0))
    assert t.ots("PutRow", request.SerializeToString()).status == 200


@case
def ots_increment_past_int64(t: Target) -> None:
    from alicloud_storage.tablestore.wire import plainbuffer

    create_table(t, "edges")
    for key, start, delta in (("top", 2**63 - 1, 1), ("bottom", -(2**63), -1)):
        _put_integer(t, "edges", key, start)
        row = plainbuffer.encode_update_row([("pk", key)], [("n", delta, None, plainbuffer.CellOp.INCREMENT)])
        request = pb.UpdateRowRequest(table_name="edges", row_change=row, condition=pb.Condition(row_existence=0))
        t.refused(t.ots("UpdateRow", request.SerializeToString()), 400, "OTSParameterInvalid")


@case
def ots_filter_nested_deeper_than_allowed(t: Target) -> None:
    create_table(t, "edges")
    node = pb.Filter(type=1, filter=pb.SingleColumnValueFilter(
        comparator=1, column_name="n", column_value=b"\x00", filter_if_missing=False,
        latest_version_only=True).SerializeToString()).SerializeToString()
    for _ in range(2000):
        composite = pb.CompositeColumnValueFilter(combinator=1, sub_filters=[pb.Filter.FromString(node)])
        node = pb.Filter(type=2, filter=composite.SerializeToString()).SerializeToString()
    request = pb.GetRowRequest(table_name="edges", primary_key=_pk("top"), max_versions=1, filter=node)
    t.refused(t.ots("GetRow", request.SerializeToString()), 400, "OTSParameterInvalid")



def _search_index(t: Target, table: str) -> None:
    create_table(t, table)
    schema = pb.FieldSchema(field_name="n", field_type=1, index=True, enable_sort_and_agg=True)
    request = pb.CreateSearchIndexRequest(table_name=table, index_name="deep", schema=pb.IndexSchema(field_schemas=[schema]))
    reply = t.ots("CreateSearchIndex", request.SerializeToString())
    assert reply.status in (200, 409), reply.body


def _search(t: Target, table: str, query: pb.SearchQuery) -> Any:
    request = pb.SearchRequest(table_name=table, index_name="deep", search_query=query.SerializeToString())
    return t.ots("Search", request.SerializeToString())


@case
def ots_search_query_nested_deeper_than_allowed(t: Target) -> None:
    """3,000 bool queries inside one another (each a message in the bytes of the next)."""
    _search_index(t, "searchy")
    node = pb.Query(type=11, query=pb.MatchAllQuery().SerializeToString())
    for _ in range(3000):
        node = pb.Query(type=6, query=pb.BoolQuery(must_queries=[node]).SerializeToString())
    t.refused(_search(t, "searchy", pb.SearchQuery(query=node)), 400, "OTSParameterInvalid")


@case
def ots_search_group_by_nested_deeper_than_allowed(t: Target) -> None:
    """3,000 field group-bys each the sub group-by of the next."""
    _search_index(t, "searchy")
    group = pb.GroupBy(name="g", type=1, body=pb.GroupByField(field_name="n").SerializeToString())
    for level in range(3000):
        body = pb.GroupByField(field_name="n", sub_group_bys=pb.GroupBys(group_bys=[group]))
        group = pb.GroupBy(name="g%d" % level, type=1, body=body.SerializeToString())
    query = pb.SearchQuery(query=pb.Query(type=11, query=b""), limit=0, group_bys=pb.GroupBys(group_bys=[group]))
    t.refused(_search(t, "searchy", query), 400, "OTSParameterInvalid")

def _pk(value: str) -> bytes:
    from alicloud_storage.tablestore.wire import plainbuffer

    return plainbuffer.encode_primary_key([("pk", value)])  # type: ignore[no-any-return]


@case
def timeseries_rows_pointing_at_one_row(t: Target) -> None:
    from alicloud_storage.tablestore.wire import timeseries_rows

    reply = t.ots("CreateTimeseriesTable", pb.CreateTimeseriesTableRequest(
        table_meta=pb.TimeseriesTableMeta(table_name="hostile_ts")).SerializeToString())
    assert reply.status in (200, 409), reply.body
    buf = bytearray(timeseries_rows.encode_rows([("m", "s", {}, {"f": 1}, 1000 + i) for i in range(3)]))
    word = lambda p: struct.unpack_from("<I", buf, p)[0]  # noqa: E731
    for p in range(0, len(buf) - 16, 4):  # the vector of three references: point all three at the first
        targets = [p + 4 + 4 * i + word(p + 4 + 4 * i) for i in range(3)]
        if word(p) == 3 and all(0 < x < len(buf) for x in targets) and len(set(targets)) == 3:
            for i in (1, 2):
                struct.pack_into("<I", buf, p + 4 + 4 * i, targets[0] - (p + 4 + 4 * i))
            break
    else:
        raise AssertionError("no vector of three references found")
    request = pb.PutTimeseriesDataRequest(table_name="hostile_ts", rows_data=pb.TimeseriesRows(
        type=pb.RowsSerializeType.RST_FLAT_BUFFER, rows_data=bytes(buf)))
    t.refused(t.ots("PutTimeseriesData", request.SerializeToString()), 400, "OTSParameterInvalid")


@case
def ots_gzip_body_never_inflated(t: Target) -> None:
    bomb = gzip.compress(b"\x00" * (16 << 20))  # 16 MiB of zeros (past any body limit) in ~16 KiB
    reply = t.ots("ListTable", bomb, extra=[(b"Content-Encoding", b"gzip")])
    t.refused(reply, 400, "OTSParameterInvalid")


@case
def heavy_request_leaves_the_loop_free(t: Target) -> None:
    """A full PutTimeseriesData (seconds of decoding) runs off the event loop: admin and STS
    requests sent meanwhile are answered promptly."""
    from alicloud_storage.tablestore.wire import timeseries_rows

    reply = t.ots("CreateTimeseriesTable", pb.CreateTimeseriesTableRequest(
        table_meta=pb.TimeseriesTableMeta(table_name="heavy_ts")).SerializeToString())
    assert reply.status in (200, 409), reply.body
    rows = timeseries_rows.encode_rows([("m", f"s{i % 50}", {"a": "b"}, {"f": i}, 1000 + i) for i in range(20000)])
    body = pb.PutTimeseriesDataRequest(table_name="heavy_ts", rows_data=pb.TimeseriesRows(
        type=pb.RowsSerializeType.RST_FLAT_BUFFER, rows_data=rows)).SerializeToString()
    done: Dict[str, Any] = {}
    worker = threading.Thread(target=lambda: done.setdefault("reply", t.ots("PutTimeseriesData", body)))
    began = time.monotonic()
    worker.start()
    slowest, probes = 0.0, 0
    while worker.is_alive():
        started = time.monotonic()
        assert t.admin("GET", "/health").status == 200
        slowest, probes = max(slowest, time.monotonic() - started), probes + 1
    worker.join()
    heavy = time.monotonic() - began
    assert done["reply"].status == 200, done["reply"].body[:200]
    # On the loop, one probe would wait for the whole decode (slowest ~ heavy); off it, a fraction.
    assert probes >= 3 and slowest < heavy / 3, (probes, slowest, heavy)
    t.served()


@case
def sts_form_body_not_utf8(t: Target) -> None:
    form = [(b"Content-Type", b"application/x-www-form-urlencoded")]
    t.refused(send(t.sts, "POST", b"/", form, b"Action=GetCallerIdentity&Signature=\xff\xfe"), 400, "InvalidParameter")
