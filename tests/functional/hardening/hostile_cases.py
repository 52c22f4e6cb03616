"""Every hostile case, grouped by the class of fault of issue 11 it attacks.

Each case sends what an outsider might and asserts the exact status and error code, then
that the server still answers an ordinary request promptly (``Target.refused``).
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Tuple
from urllib.parse import quote

from hardening_helpers import Target, case, latin, oss_v1_headers, send

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
