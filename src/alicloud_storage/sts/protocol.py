"""Sans-IO core of the STS client: build a signed RPC request, parse the JSON answer.

Requests are ``POST /`` with every parameter (common + API) form-encoded in the body and
signed with the RPC V1 HMAC-SHA1 signature, so neither the signature nor a security
token ever appears in a URL.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import urlencode

from alicloud_storage.credentials.base import Credentials, format_expiration, parse_expiration
from alicloud_storage.http.models import Request, Response
from alicloud_storage.sts.errors import StsClientError, StsServiceError
from alicloud_storage.sts.signature import percent_encode, rpc_signature

__all__ = [
    "STS_VERSION",
    "AssumeRoleResult",
    "CallerIdentity",
    "build_request",
    "parse_response",
    "parse_assume_role",
    "parse_caller_identity",
    "endpoint_url",
    "redact",
]

STS_VERSION = "2015-04-01"


@dataclass(frozen=True)
class AssumeRoleResult:
    """Temporary credentials and the assumed role's identity."""

    credentials: Credentials
    assumed_role_arn: str
    assumed_role_id: str
    request_id: Optional[str]


@dataclass(frozen=True)
class CallerIdentity:
    """Who the signing credentials belong to."""

    identity_type: str
    account_id: str
    arn: str
    principal_id: str
    user_id: Optional[str]
    role_id: Optional[str]
    request_id: Optional[str]


def endpoint_url(endpoint: Optional[str], region: Optional[str]) -> str:
    """``https://sts.aliyuncs.com`` by default; ``sts.<region>.aliyuncs.com`` for a region;
    an endpoint without a scheme gets ``https://``."""
    if not endpoint:
        endpoint = f"sts.{region}.aliyuncs.com" if region else "sts.aliyuncs.com"
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    return endpoint.rstrip("/") + "/"


def build_request(
    url: str,
    action: str,
    params: Mapping[str, str],
    credentials: Credentials,
    now: float,
    nonce: Optional[str] = None,
) -> Request:
    """A signed ``POST`` of ``action`` with its API ``params``."""
    signed: dict[str, str] = {
        "Action": action,
        "Version": STS_VERSION,
        "Format": "JSON",
        "AccessKeyId": credentials.access_key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "Timestamp": format_expiration(now),
        **params,
    }
    if credentials.security_token:
        signed["SecurityToken"] = credentials.security_token
    signed["Signature"] = rpc_signature(credentials.access_key_secret, "POST", signed)
    return Request(
        method="POST",
        url=url,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "x-acs-action": action,
            "x-acs-version": STS_VERSION,
        },
        body=urlencode(signed).encode(),
    )


def redact(text: str, secrets: Iterable[Optional[str]]) -> str:
    """``text`` with each secret masked, also in the once and twice percent-encoded forms
    a StringToSign carries (the real service echoes it in SignatureDoesNotMatch)."""
    for secret in secrets:
        if secret:
            once = percent_encode(secret)
            for form in (secret, once, percent_encode(once)):
                text = text.replace(form, "***")
    return text


def parse_response(response: Response, secrets: Iterable[Optional[str]] = ()) -> dict[str, Any]:
    """The JSON body of a success; raises StsServiceError / StsClientError otherwise.
    ``secrets`` (the signing token) are masked out of an error message."""
    try:
        body = json.loads(response.body.decode("utf-8")) if response.body else None
    except (UnicodeDecodeError, ValueError):
        body = None
    if not isinstance(body, dict):
        raise StsClientError(f"STS answered HTTP {response.status} without a JSON object")
    if 200 <= response.status < 300:
        return body
    code = body.get("Code") or body.get("code")
    if not code:
        raise StsClientError(f"STS answered HTTP {response.status} without an error code")
    message = redact(str(body.get("Message") or body.get("message") or ""), secrets)
    request_id = body.get("RequestId") or body.get("requestId")
    raise StsServiceError(str(code), message, response.status, str(request_id) if request_id else None)


def _expiration(text: Any) -> float:
    try:
        return parse_expiration(text)
    except ValueError:
        raise StsClientError("STS answered an Expiration that is not YYYY-MM-DDThh:mm:ssZ") from None


def parse_assume_role(body: Mapping[str, Any]) -> AssumeRoleResult:
    """AssumeRoleResult from a success body."""
    creds = body.get("Credentials")
    user = body.get("AssumedRoleUser") or {}
    required = ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")
    if not isinstance(creds, dict) or not all(creds.get(k) for k in required):
        raise StsClientError("STS answered AssumeRole without complete Credentials")
    return AssumeRoleResult(
        credentials=Credentials(
            creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"],
            _expiration(creds["Expiration"]), provider_name="ram_role_arn",
        ),
        assumed_role_arn=str(user.get("Arn", "")),
        assumed_role_id=str(user.get("AssumedRoleId", "")),
        request_id=body.get("RequestId"),
    )


def parse_caller_identity(body: Mapping[str, Any]) -> CallerIdentity:
    """CallerIdentity from a success body."""
    return CallerIdentity(
        identity_type=str(body.get("IdentityType", "")),
        account_id=str(body.get("AccountId", "")),
        arn=str(body.get("Arn", "")),
        principal_id=str(body.get("PrincipalId", "")),
        user_id=body.get("UserId"),
        role_id=body.get("RoleId"),
        request_id=body.get("RequestId"),
    )
