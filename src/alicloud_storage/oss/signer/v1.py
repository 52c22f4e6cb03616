"""OSS signature V1 (``OSS AK:base64(HMAC-SHA1)``): header and query (presigned URL) forms.

StringToSign = METHOD \\n Content-MD5 \\n Content-Type \\n date \\n sorted
``name:value\\n`` of x-oss-* headers + ``/bucket/key`` (decoded) + ``?`` sorted
sub-resources (``k`` or ``k=v``, decoded) when any. ``date`` is x-oss-date, else Date;
the Expires value when presigned. Only whitelisted query keys are sub-resources.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from typing import AbstractSet, Dict, FrozenSet, List, Optional, Tuple

from alicloud_storage.credentials import Credentials
from alicloud_storage.oss.signer.canonical import SigningRequest, lower_headers, rfc1123, utc

__all__ = [
    "SUB_RESOURCES",
    "OSS2_SUB_RESOURCES",
    "canonical_resource",
    "string_to_sign",
    "signature",
    "sign_v1",
    "presign_v1",
]

SUB_RESOURCES: FrozenSet[str] = frozenset(
    """acl bucketInfo location stat delete append tagging objectMeta uploads uploadId partNumber
    security-token position response-content-type response-content-language response-expires
    response-cache-control response-content-disposition response-content-encoding restore
    callback callback-var versions versioning versionId sequential continuation-token
    regionList cloudboxes symlink resourceGroup""".split()
)
"""The sub-resources alibabacloud-oss-v2 signs (operations may add their own)."""

OSS2_SUB_RESOURCES: FrozenSet[str] = (SUB_RESOURCES - {"cloudboxes"}) | frozenset(
    """accessPoint accessPointPolicy asyncFetch bucketArchiveDirectRead cname comp cors encryption
    endTime group httpsConfig inventory inventoryId lifecycle link live logging metaQuery
    objectInfo policy publicAccessBlock qos qosInfo qosRequester redundancyTransition referer
    replication replicationLocation replicationProgress requestPayment requesterQosInfo
    resourcePool resourcePoolBuckets resourcePoolInfo startTime status style styleName
    transferAcceleration vod website worm wormExtend wormId x-oss-ac-forward-allow
    x-oss-ac-source-ip x-oss-ac-subnet-mask x-oss-ac-vpc-id x-oss-access-point-name
    x-oss-async-process x-oss-process x-oss-redundancy-transition-taskid x-oss-request-payer
    x-oss-target-redundancy-type x-oss-traffic-limit x-oss-write-get-object-response""".split()
)
"""The sub-resources oss2 signs (a verifier tries both lists)."""


def canonical_resource(
    request: SigningRequest, sub_resources: AbstractSet[str] = SUB_RESOURCES
) -> str:
    """``/bucket/key`` (decoded) plus the signed sub-resources of the query."""
    resource = "/"
    if request.bucket is not None:
        resource += request.bucket + "/"
    if request.key is not None:
        resource += request.key
    signed = sorted((k, v) for k, v in request.query if k in sub_resources)
    if signed:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in signed)
    return resource


def string_to_sign(
    request: SigningRequest,
    date: Optional[str] = None,
    sub_resources: AbstractSet[str] = SUB_RESOURCES,
) -> str:
    """The V1 string to sign; ``date`` overrides the headers' (the presign Expires)."""
    headers = lower_headers(request.headers)
    if date is None:
        date = headers.get("x-oss-date") or headers.get("date", "")
    oss_headers = "".join(
        f"{name}:{value}\n" for name, value in sorted(headers.items()) if name.startswith("x-oss-")
    )
    return "\n".join(
        (
            request.method.upper(),
            headers.get("content-md5", ""),
            headers.get("content-type", ""),
            date,
            oss_headers + canonical_resource(request, sub_resources),
        )
    )


def signature(secret: str, to_sign: str) -> str:
    """Base64 HMAC-SHA1 of the string to sign."""
    digest = hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_v1(
    request: SigningRequest,
    credentials: Credentials,
    now: datetime,
    sub_resources: AbstractSet[str] = SUB_RESOURCES,
) -> Dict[str, str]:
    """The headers to add to sign ``request``: ``Date``, ``security-token`` (STS, as
    alibabacloud-oss-v2 sends it: not signed) and ``Authorization``."""
    added = {"Date": rfc1123(now)}
    if credentials.security_token:
        added["security-token"] = credentials.security_token
    signed = SigningRequest(
        request.method, request.bucket, request.key, request.query, {**request.headers, **added}
    )
    sig = signature(credentials.access_key_secret, string_to_sign(signed, None, sub_resources))
    added["Authorization"] = f"OSS {credentials.access_key_id}:{sig}"
    return added


def presign_v1(
    request: SigningRequest,
    credentials: Credentials,
    expiration: datetime,
    sub_resources: AbstractSet[str] = SUB_RESOURCES,
) -> List[Tuple[str, str]]:
    """The whole decoded query of the presigned URL, in oss_v2's order: the request's
    own pairs, ``OSSAccessKeyId``, ``Expires``, ``security-token``, ``Signature``."""
    expires = str(int(utc(expiration).timestamp()))
    pairs = [(k, v) for k, v in request.query if k not in ("Signature", "security-token")]
    pairs += [("OSSAccessKeyId", credentials.access_key_id), ("Expires", expires)]
    if credentials.security_token:
        pairs.append(("security-token", credentials.security_token))
    signed = SigningRequest(request.method, request.bucket, request.key, pairs, request.headers)
    sig = signature(credentials.access_key_secret, string_to_sign(signed, expires, sub_resources))
    pairs.append(("Signature", sig))
    return pairs
